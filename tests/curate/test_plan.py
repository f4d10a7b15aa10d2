"""Planning: the maintainers' contract for issues and the fixes PR, over literal states."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from bot.curate.fingerprint import CLOSED_BY_BOT, fingerprint_marker, with_state
from bot.curate.issue_text import Context, issue_body, issue_labels, issue_title
from bot.curate.model import Finding, FindingKind, Fix, FixKind, Judgement, LinkEvidence, Place
from bot.curate.plan import IssueState, PullState, Verb, plan, rejected_fix_ids
from bot.curate.pr_text import pr_body, pr_title
from bot.curate.settings import CurateSettings
from tests.curate.helpers import NOW, iso

SETTINGS = CurateSettings()
CONTEXT = Context("o/r", "main")
KEY = "resource:py-book"
BROKEN = Finding(FindingKind.BROKEN, KEY, "https://a.test/x",
                 Place("roadmap.yaml", 12, "1.1. Python", "Py Book", "py-book"),
                 LinkEvidence("https://a.test/x", "broken", "http_404", 404,
                              first_failing="2026-11-27T03:00:00Z", failures=2))
FIX = Fix("https://old.test/", "https://new.test/", (FixKind.REDIRECT,), ("301",),
          (Place("roadmap.yaml", 5, None, "Tool", "tool"),))


def judged(*findings: Finding, reachable: frozenset[str] = frozenset(),
           present: frozenset[str] | None = None) -> Judgement:
    keys = frozenset({KEY, *(f.key for f in findings)}) if present is None else present
    return Judgement(findings=findings, reachable=reachable, present=keys)


def current(finding: Finding = BROKEN, *, number: int = 7, is_open: bool = True,
            closed_days_ago: float | None = None, extra_labels: frozenset[str] = frozenset(),
            state: str | None = None) -> IssueState:
    body = issue_body(finding, SETTINGS, CONTEXT)
    if state:
        body = with_state(body, state)
    closed = iso(NOW - timedelta(days=closed_days_ago)) if closed_days_ago is not None else None
    return IssueState(number, issue_title(finding), body,
                      frozenset(issue_labels(finding, SETTINGS)) | extra_labels, is_open, closed)


def verbs(actions: list) -> list[tuple[Verb, int | None]]:
    return [(a.verb, a.number) for a in actions]


def run(issues: list[IssueState], judgement: Judgement, pulls: tuple = (),
        fixes: tuple[Fix, ...] = ()) -> list:
    return plan(issues, pulls, judgement, fixes, {"roadmap.yaml": "x"}, NOW, SETTINGS, CONTEXT)


@pytest.mark.parametrize(
    ("issues", "expected"),
    [
        ([], [(Verb.CREATE_ISSUE, None)]),
        ([current()], []),  # stays broken, same evidence: no call at all
        ([current(is_open=False, closed_days_ago=2, state=CLOSED_BY_BOT)],
         [(Verb.REOPEN_ISSUE, 7)]),
        ([current(is_open=False, closed_days_ago=90, state=CLOSED_BY_BOT)],
         [(Verb.CREATE_ISSUE, None)]),
        ([current(is_open=False, closed_days_ago=1)], []),  # a human closed it
        ([current(extra_labels=frozenset({"roadmap-bot:ignore"}))], []),
        ([current(is_open=False, closed_days_ago=1, state=CLOSED_BY_BOT,
                  extra_labels=frozenset({"roadmap-bot:ignore"}))], []),
        ([current(), current(number=9)], [(Verb.CLOSE_ISSUE, 9)]),  # a duplicate from a race
    ],
)
def test_issue_for_a_finding(issues: list[IssueState], expected: list) -> None:
    assert verbs(run(issues, judged(BROKEN))) == expected


def test_changed_evidence_updates_in_place_without_a_comment() -> None:
    newer = replace(BROKEN, link=replace(BROKEN.link, http_status=410, reason="http_410"))
    actions = run([current()], judged(newer))
    assert verbs(actions) == [(Verb.UPDATE_ISSUE, 7)]
    assert "410" in (actions[0].body or "")


def test_changed_kind_updates_and_comments_once() -> None:
    stale = replace(BROKEN, kind=FindingKind.STALE, link=None)
    actions = run([current()], judged(stale))
    assert verbs(actions) == [(Verb.UPDATE_ISSUE, 7), (Verb.COMMENT, 7)]
    assert "roadmap-bot:stale" in (actions[0].labels or ())


def test_human_labels_are_kept() -> None:
    newer = replace(BROKEN, link=replace(BROKEN.link, http_status=410))
    (action,) = run([current(extra_labels=frozenset({"good first issue"}))], judged(newer))
    assert "good first issue" in (action.labels or ())


@pytest.mark.parametrize(
    ("judgement", "expected"),
    [
        (judged(reachable=frozenset({KEY})), [(Verb.CLOSE_ISSUE, 7)]),  # recovered
        (judged(present=frozenset()), [(Verb.CLOSE_ISSUE, 7)]),  # left the roadmap
        (judged(), []),  # still failing but not confirmed again (e.g. a timeout): keep open
        (Judgement(reachable=frozenset({KEY}), present=None), [(Verb.CLOSE_ISSUE, 7)]),
        (Judgement(present=None), []),  # partial run: nothing "left"
    ],
)
def test_closing(judgement: Judgement, expected: list) -> None:
    actions = run([current()], judgement)
    assert verbs(actions) == expected
    for action in actions:
        assert action.comment and "roadmap-bot:state=closed-by-bot" in (action.body or "")


def test_inconclusive_run_plans_nothing() -> None:
    guard = Judgement(inconclusive_reason="offline")
    assert run([current()], guard, fixes=(FIX,)) == []


def test_moved_finding_covered_by_a_fix_is_no_issue() -> None:
    moved = Finding(FindingKind.MOVED, "resource:tool", FIX.old, Place("roadmap.yaml", 5))
    actions = run([], judged(moved), fixes=(FIX,))
    assert verbs(actions) == [(Verb.OPEN_PR, None)]


def test_a_move_no_fix_covers_is_an_issue() -> None:
    moved = Finding(FindingKind.MOVED, "resource:tool", "https://a.test/deep/page",
                    Place("roadmap.yaml", 5, resource="Tool"), replacement="https://a.test/")
    (action,) = run([], judged(moved))
    assert action.verb is Verb.CREATE_ISSUE and action.title == "Moved: Tool"
    assert "roadmap-bot:moved" in (action.labels or ())


def _pull(fixes: tuple[Fix, ...], *, is_open: bool, merged: bool = False, state: str | None = None
          ) -> PullState:
    body = pr_body(fixes, CONTEXT)
    return PullState(3, pr_title(fixes), with_state(body, state) if state else body, is_open, merged)


@pytest.mark.parametrize(
    ("pulls", "fixes", "expected"),
    [
        ((), (), []),
        ((), (FIX,), [(Verb.OPEN_PR, None)]),
        ((_pull((FIX,), is_open=True),), (FIX,), []),  # same fixes: nothing
        ((_pull((FIX,), is_open=True),), (FIX, replace(FIX, old="https://o2.test/")),
         [(Verb.UPDATE_PR, 3)]),
        ((_pull((FIX,), is_open=True),), (), [(Verb.CLOSE_PR, 3)]),
    ],
)
def test_pull_request(pulls: tuple, fixes: tuple[Fix, ...], expected: list) -> None:
    assert verbs(run([], judged(), pulls, fixes)) == expected


def test_rejected_fixes_come_from_pulls_closed_unmerged_by_a_human() -> None:
    assert rejected_fix_ids([_pull((FIX,), is_open=False)]) == {FIX.fix_id}
    assert rejected_fix_ids([_pull((FIX,), is_open=False, merged=True)]) == frozenset()
    assert rejected_fix_ids([_pull((FIX,), is_open=False, state=CLOSED_BY_BOT)]) == frozenset()


def test_digest_mode_makes_one_issue() -> None:
    digest = replace(SETTINGS, digest=True)
    other = replace(BROKEN, key="resource:other")
    actions = plan([], (), judged(BROKEN, other), (), {}, NOW, digest, CONTEXT)
    assert verbs(actions) == [(Verb.CREATE_ISSUE, None)]
    assert fingerprint_marker("digest") in (actions[0].body or "")


TWICE = replace(BROKEN, places=(BROKEN.place, replace(BROKEN.place, line=30, resource_id="note")),
                aliases=frozenset({"resource:note"}))


def _old(rid: str, number: int) -> IssueState:
    """An issue an older run opened for one resource."""
    return current(replace(BROKEN, key=f"resource:{rid}"), number=number)


@pytest.mark.parametrize(
    ("issues", "expected"),
    [
        ([_old("py-book", 7), _old("note", 8)], [(Verb.UPDATE_ISSUE, 7), (Verb.CLOSE_ISSUE, 8)]),
        ([_old("note", 8)], [(Verb.UPDATE_ISSUE, 8)]),  # adopted: its body takes the key
        ([], [(Verb.CREATE_ISSUE, None)]),
    ],
)
def test_issues_about_one_url_converge_into_one(issues: list[IssueState], expected: list
                                                 ) -> None:
    actions = run(issues, judged(TWICE, present=frozenset({KEY, "resource:note"})))
    assert verbs(actions) == expected
    assert fingerprint_marker(KEY) in (actions[0].body or "")
    for action in actions[1:]:
        assert "tracked in #7" in (action.comment or "")


def test_an_alias_that_is_another_findings_key_stays_with_it() -> None:
    note = replace(BROKEN, key="resource:note", url="https://other.test/")
    actions = run([_old("note", 8)], judged(TWICE, note))
    assert verbs(actions) == [(Verb.CREATE_ISSUE, None), (Verb.UPDATE_ISSUE, 8)]
