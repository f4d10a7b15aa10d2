"""The dashboard's body, boxes and write rule, over literal states."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from bot.curate.dashboard import Box, View, dashboard_body, plan_dashboard, ticked
from bot.curate.fingerprint import fingerprint_marker, with_snooze
from bot.curate.model import FindingKind, Place
from bot.curate.plan import IssueState, Verb
from bot.model import Status
from tests.curate.helpers import NOW, iso, result
from tests.curate.test_plan import BROKEN, FIX, SETTINGS

HOSTILE = Place("roadmap.yaml", 3, "2. Tools @team", "Evil <img src=x> [x](https://e.test)",
                "evil")
STALE = replace(BROKEN, kind=FindingKind.STALE, key="resource:evil", place=HOSTILE, link=None)
ISSUE = IssueState(7, "Broken link: Py Book", fingerprint_marker(BROKEN.key),
                   frozenset({"roadmap-bot"}), True)


def view(**changes: object) -> View:
    blocked = result("https://walled.test/", Status.BLOCKED, "http_403", rid="walled")
    base = View((BROKEN, STALE), (ISSUE,), (blocked,), (FIX,), 9, NOW)
    return replace(base, **changes)  # type: ignore[arg-type]


def test_the_body_groups_findings_by_section_with_their_issues() -> None:
    body = dashboard_body(view(), SETTINGS)
    assert body.startswith(fingerprint_marker("dashboard") + "\n### Link health\n")
    assert "**1\\.1\\. Python**\n\n- Broken link: Py Book: #7\n" in body
    assert "**2\\. Tools @\u200bteam**" in body and "Stale resource: Evil &lt;img" in body
    assert ": no issue yet" in body
    assert "- `https://walled.test/` is `blocked`: Walled, 1\\.1\\. Python &amp; IDEs" in body
    assert "#### Pending fixes in #9 (1)" in body
    assert "- `https://old.test/` → `https://new.test/` (permanent redirect)" in body
    for bad in ("<img", "](https://e.test)", "@team"):
        assert bad not in body
    assert ticked(body) == frozenset()


def test_ignored_and_snoozed_issues_say_so() -> None:
    ignored = replace(ISSUE, labels=ISSUE.labels | {"roadmap-bot:ignore"})
    assert "#7 (ignored)" in dashboard_body(view(issues=(ignored,)), SETTINGS)
    until = iso(NOW + timedelta(days=3))
    snoozed = replace(ISSUE, body=with_snooze(ISSUE.body, until))
    assert f"#7 (snoozed until {until[:10]})" in dashboard_body(view(issues=(snoozed,)),
                                                               SETTINGS)
    later = view(issues=(snoozed,), now=NOW + timedelta(days=4))
    assert "Py Book: #7\n" in dashboard_body(later, SETTINGS)


@pytest.mark.parametrize(("marks", "expected"), [
    (("x", " "), {Box.RECHECK}),
    ((" ", "X"), {Box.REBASE}),
    (("x", "x"), {Box.RECHECK, Box.REBASE}),
    ((" ", " "), set()),
])
def test_ticked_boxes(marks: tuple[str, str], expected: set[Box]) -> None:
    body = dashboard_body(view(), SETTINGS)
    for mark, box in zip(marks, ("recheck", "rebase"), strict=True):
        body = body.replace(f"- [ ] <!-- roadmap-bot:box={box}", f"- [{mark}] <!-- "
                            f"roadmap-bot:box={box}")
    assert ticked(body) == expected
    assert ticked("- [x] <!-- roadmap-bot:box=deploy -->") == frozenset()


def test_written_once_then_only_on_change_and_never_reopened() -> None:
    body = dashboard_body(view(), SETTINGS)
    (create,) = plan_dashboard(None, body, SETTINGS)
    assert (create.verb, create.title, create.labels) == (Verb.CREATE_ISSUE, "Link health",
                                                          ("roadmap-bot",))
    board = IssueState(3, "Link health", body, frozenset({"roadmap-bot"}), True)
    assert plan_dashboard(board, body, SETTINGS) == []
    (update,) = plan_dashboard(board, body.replace("(1)", "(2)"), SETTINGS)
    assert update.verb is Verb.UPDATE_ISSUE and update.number == 3
    assert plan_dashboard(replace(board, open=False), "other", SETTINGS) == []
