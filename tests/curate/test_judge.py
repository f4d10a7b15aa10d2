"""Judging: confirmation, long streaks, stale on first proof, and the outage guard."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.curate.judge import judge, outage_reason
from bot.curate.model import FindingKind
from bot.curate.settings import CurateSettings
from bot.history.model import History, UrlHistory
from bot.model import Status
from tests.curate.helpers import NOW, hours_ago, report, result, source

URL = "https://a.test/x"


def history(status: str, since_hours: float) -> History:
    failing = status in ("broken", "error", "blocked")
    item = UrlHistory(URL, status, "r", hours_ago(since_hours),
                      hours_ago(since_hours) if failing else None)
    return History(urls={URL: item})


@pytest.mark.parametrize(
    ("status", "reason", "past", "kind"),
    [
        (Status.BROKEN, "http_404", history("broken", 0), None),  # first night: not proof
        (Status.BROKEN, "http_404", history("broken", 1), None),  # two runs an hour apart
        (Status.BROKEN, "http_404", history("broken", 24), FindingKind.BROKEN),
        (Status.ERROR, "timeout", history("error", 72), None),  # four nightly runs
        (Status.ERROR, "timeout", history("error", 96), FindingKind.MANUAL),  # the fifth
        (Status.BLOCKED, "http_403", history("blocked", 96), FindingKind.MANUAL),
        (Status.OK, "http_200", history("ok", 0), None),
    ],
)
def test_link_findings(status: Status, reason: str, past: History, kind: FindingKind | None) -> None:
    verdict = judge(past, report(result(URL, status, reason)), None, NOW, CurateSettings())
    assert [f.kind for f in verdict.findings] == ([kind] if kind else [])


def test_manual_check_is_low_priority_and_carries_the_streak() -> None:
    verdict = judge(history("error", 96), report(result(URL, Status.ERROR, "timeout")), None,
                    NOW, CurateSettings())
    (finding,) = verdict.findings
    assert finding.low_priority and finding.link is not None and finding.link.failures == 5


def test_moved_and_stale_on_first_proof() -> None:
    moved = result(URL, Status.REDIRECTED, "permanent_redirect", final_url="https://b.test/x")
    stale = {"old-book": {"verdict": "stale", "title": "Old", "url": None, "evidence": []}}
    verdict = judge(History(), report(moved), stale, NOW, CurateSettings())
    assert sorted(f.kind for f in verdict.findings) == [FindingKind.MOVED, FindingKind.STALE]
    assert verdict.present == {"resource:py-book", "resource:old-book"}


def test_the_most_severe_finding_per_resource_wins() -> None:
    stale = {"py-book": {"verdict": "stale", "url": URL}}
    verdict = judge(history("broken", 24), report(result(URL, Status.BROKEN, "http_404")),
                    stale, NOW, CurateSettings())
    (finding,) = verdict.findings
    assert finding.kind is FindingKind.BROKEN and finding.freshness["verdict"] == "stale"


def test_a_canary_is_nobodys_issue() -> None:
    canary = result("https://canary.test/", Status.REDIRECTED, "permanent_redirect",
                    final_url="https://canary.test/new")
    canary = replace(canary, sources=())
    assert judge(History(), report(canary), None, NOW, CurateSettings()).findings == ()


def test_ignored_urls_are_not_findings() -> None:
    settings = CurateSettings(ignore_urls=("https://a.test/*",))
    verdict = judge(history("broken", 24), report(result(URL, Status.BROKEN, "http_404")),
                    None, NOW, settings)
    assert verdict.findings == ()


def _down(i: int) -> object:
    return result(f"https://h{i}.test/", Status.BROKEN, "dns", rid=f"r{i}")


@pytest.mark.parametrize(
    ("results", "settings", "expected"),
    [
        ([result(URL)], CurateSettings(), None),
        ([*(_down(i) for i in range(4)), result(URL)], CurateSettings(), "4 of 5 hosts"),
        ([_down(0), result(URL), result("https://b.test/", rid="b")], CurateSettings(), None),
        ([result(URL, Status.ERROR, "timeout")], CurateSettings(canaries=(URL,)), "canary"),
    ],
)
def test_outage_guard(results: list, settings: CurateSettings, expected: str | None) -> None:
    reason = outage_reason(report(*results), settings)
    assert (reason is None) if expected is None else (expected in (reason or ""))


def test_inconclusive_run_yields_nothing_to_act_on() -> None:
    verdict = judge(history("broken", 24),
                    report(result(URL, Status.BROKEN, "http_404"), inconclusive=True),
                    None, NOW, CurateSettings())
    assert verdict.findings == () and verdict.reachable == frozenset()
    assert verdict.inconclusive_reason == "offline"


def test_without_freshness_nothing_counts_as_left_the_roadmap() -> None:
    verdict = judge(History(), report(result(URL)), None, NOW, CurateSettings())
    assert verdict.present is None and verdict.reachable == {"resource:py-book"}
    partial = judge(History(), report(result(URL)), {}, NOW, CurateSettings(), partial=True)
    assert partial.present is None


def test_one_finding_per_url_with_every_place_whatever_the_kind() -> None:
    used_twice = replace(result(URL, Status.BROKEN, "http_404", rid="note", line=40),
                         sources=(source("note", 40), source("py-book", 12)))
    stale = {rid: {"verdict": "stale", "url": "https://b.test/", "title": rid}
             for rid in ("course-a", "course-b")}
    verdict = judge(history("broken", 24), report(used_twice), stale, NOW, CurateSettings())
    broken, old = sorted(verdict.findings, key=lambda f: f.kind != FindingKind.BROKEN)
    assert broken.key == "resource:py-book"  # the first place in reading order names it
    assert [p.line for p in broken.all_places] == [12, 40]
    assert broken.aliases == {"resource:note"}
    assert old.kind is FindingKind.STALE and old.key == "resource:course-a"
    assert [p.resource_id for p in old.all_places] == ["course-a", "course-b"]
    assert old.aliases == {"resource:course-b"}
