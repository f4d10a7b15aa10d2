"""Curation with second opinions: seen alive -> no issue; gone -> its own issue with the
evidence, after the usual confirmation; unconfirmed -> one issue that lists them all."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.curate.fingerprint import UNVERIFIED_KEY, fingerprint_marker
from bot.curate.issue_text import Context, issue_body
from bot.curate.judge import judge
from bot.curate.model import FindingKind, Judgement
from bot.curate.plan import (
    COMMENT_ALL_CONFIRMED,
    COMMENT_LISTED,
    COMMENT_VOUCHED,
    IssueState,
    Verb,
    plan_issues,
)
from bot.curate.settings import CurateSettings
from bot.curate.unverified_text import unverified_body, unverified_title
from bot.history.model import History, UrlHistory
from bot.model import LinkResult, Method, Opinion, Status, Verification
from tests.curate.helpers import NOW, hours_ago, report, result

URL = "https://www.udemy.com/course/mlflow-course/"
ARCHIVE = "https://web.archive.org/web/*/" + URL
ALIVE = Verification(Method.ARCHIVE, ARCHIVE, Opinion.ALIVE, "2026-11-02",
                     "seen alive by the Internet Archive on 2026-11-02")
GONE = Verification(Method.ARCHIVE, ARCHIVE, Opinion.GONE, "2026-05-18",
                    "probably withdrawn since 2026-10-25: the Internet Archive's newest capture "
                    "is HTTP 404; last seen alive on 2026-05-18")
UNKNOWN = Verification(Method.ARCHIVE, ARCHIVE, Opinion.UNKNOWN, None,
                       "no usable capture in the Internet Archive")
SETTINGS = CurateSettings()
LABELS = frozenset({"roadmap-bot", "roadmap-bot:needs-manual-check", "priority: low"})


def walled(verification: Verification | None) -> LinkResult:
    return replace(result(URL, Status.BLOCKED, "bot_protection", http_status=403),
                   verification=verification)


def failing_for(hours: float) -> History:
    item = UrlHistory(URL, "blocked", "bot_protection", hours_ago(hours), hours_ago(hours))
    return History(urls={URL: item})


def test_seen_alive_makes_no_issue_and_vouches() -> None:
    verdict = judge(failing_for(200), report(walled(ALIVE)), None, NOW, SETTINGS)
    assert verdict.findings == () and verdict.unverified == ()
    assert verdict.vouched == {"resource:py-book"}


@pytest.mark.parametrize(("hours", "issue"), [(0, False), (10, False), (24, True), (200, True)])
def test_gone_is_its_own_issue_after_the_usual_confirmation(hours: float, issue: bool) -> None:
    verdict = judge(failing_for(hours), report(walled(GONE)), None, NOW, SETTINGS)
    assert [f.kind for f in verdict.findings] == ([FindingKind.MANUAL] if issue else [])
    assert verdict.unverified == ()  # a gone opinion is not "unconfirmed"


def test_gone_issue_is_normal_priority_and_shows_the_evidence() -> None:
    verdict = judge(failing_for(48), report(walled(GONE)), None, NOW, SETTINGS)
    (finding,) = verdict.findings
    assert not finding.low_priority
    body = issue_body(finding, SETTINGS, Context("o/r"))
    assert "| Second opinion | gone: probably withdrawn since 2026\\-10\\-25" in body
    assert "(archive, `https://web.archive.org/web/*/" in body
    # The issue links the archive's copy of the last day it saw the course alive.
    assert f"[copy seen alive \\(2026\\-05\\-18\\)](https://web.archive.org/web/20260518/{URL})" in body
    assert "a second opinion says it is probably gone" in body


@pytest.mark.parametrize("opinion", [UNKNOWN, None])
def test_unconfirmed_walled_links_are_listed_together(opinion: Verification | None) -> None:
    verdict = judge(failing_for(200), report(walled(opinion)), None, NOW, SETTINGS)
    assert verdict.findings == ()
    (listed,) = verdict.unverified or ()
    body = unverified_body((listed,), SETTINGS, Context("o/r"))
    assert body.startswith(fingerprint_marker(UNVERIFIED_KEY))
    assert f"`{URL}`" in body and "`blocked` (`bot_protection`) since" in body
    assert ("no usable capture in the Internet Archive" if opinion else "none asked") in body
    assert unverified_title((listed,)) == "Links no source could confirm (1)"


def issue(number: int, key: str, labels: frozenset[str] = LABELS, open_: bool = True,
          body: str = "") -> IssueState:
    return IssueState(number, "t", fingerprint_marker(key) + "\n" + body, labels, open_)


def listing(verdict: Judgement, *issues: IssueState) -> list[tuple[Verb, int | None, str]]:
    actions = plan_issues(issues, verdict, frozenset(), NOW, SETTINGS, Context("o/r"))
    return [(a.verb, a.number, a.comment or a.title or "") for a in actions]


def test_the_list_issue_is_created_then_kept_then_closed_when_empty() -> None:
    walled_night = judge(failing_for(200), report(walled(None)), None, NOW, SETTINGS)
    assert listing(walled_night) == [(Verb.CREATE_ISSUE, None,
                                      "Links no source could confirm (1)")]
    (created,) = plan_issues((), walled_night, frozenset(), NOW, SETTINGS, Context("o/r"))
    same = IssueState(7, created.title or "", created.body or "", LABELS, True)
    assert listing(walled_night, same) == []  # unchanged list: not a single write
    confirmed = judge(failing_for(200), report(walled(ALIVE)), None, NOW, SETTINGS)
    assert listing(confirmed, same) == [(Verb.CLOSE_ISSUE, 7, COMMENT_ALL_CONFIRMED)]
    partial = judge(failing_for(200), report(walled(ALIVE)), None, NOW, SETTINGS, partial=True)
    assert listing(partial, same) == []


def test_old_per_link_manual_issues_give_way() -> None:
    old = issue(3, "resource:py-book")
    listed = judge(failing_for(200), report(walled(None)), None, NOW, SETTINGS)
    assert (Verb.CLOSE_ISSUE, 3, COMMENT_LISTED) in listing(listed, old)
    vouched = judge(failing_for(200), report(walled(ALIVE)), None, NOW, SETTINGS)
    assert listing(vouched, old) == [(Verb.CLOSE_ISSUE, 3, COMMENT_VOUCHED)]


def test_a_human_close_of_the_list_stands_and_ignore_is_respected() -> None:
    walled_night = judge(failing_for(200), report(walled(None)), None, NOW, SETTINGS)
    closed = issue(5, UNVERIFIED_KEY, open_=False)
    assert listing(walled_night, closed) == []
    ignored = issue(6, UNVERIFIED_KEY, LABELS | {"roadmap-bot:ignore"})
    assert listing(walled_night, ignored) == []
    empty = judge(failing_for(200), report(walled(ALIVE)), None, NOW, SETTINGS)
    assert listing(empty, ignored) == []
