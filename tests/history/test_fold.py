"""History folding: streaks, validators, quiet nights, inconclusive runs, old files."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.history.fold import fold, validators
from bot.history.model import History
from bot.history.store import dumps
from bot.history.streaks import counted_runs
from bot.model import LinkResult, Report, Source, Status

NIGHT0 = datetime(2026, 11, 1, 3, 0, tzinfo=UTC)
URL = "https://example.org/a"


def night(n: int) -> datetime:
    return NIGHT0 + timedelta(days=n)


def report(*results: LinkResult, inconclusive: bool = False) -> Report:
    return Report(("roadmap.yaml",), NIGHT0, tuple(results), inconclusive=inconclusive)


def link(status: Status, reason: str = "x", url: str = URL, **metadata: str) -> LinkResult:
    return LinkResult(url, status, reason, sources=(Source("roadmap.yaml", 3, "A", "a"),),
                      metadata=metadata)


def run_nights(statuses: list[Status]) -> History:
    history = History()
    for n, status in enumerate(statuses):
        history = fold(history, report(link(status)), night(n))
    return history


def stamp(n: int) -> str:
    return night(n).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize(
    ("statuses", "status", "since_night", "failing_since_night"),
    [
        ([Status.OK], "ok", 0, None),
        ([Status.OK, Status.BROKEN], "broken", 1, 1),
        ([Status.OK, Status.BROKEN, Status.BROKEN], "broken", 1, 1),
        ([Status.BROKEN, Status.ERROR, Status.BROKEN], "broken", 2, 0),
        ([Status.BROKEN, Status.OK], "ok", 1, None),
        ([Status.OK, Status.REDIRECTED], "redirected", 1, None),
        ([Status.BROKEN, Status.SKIPPED], "broken", 0, 0),  # skipped proves nothing
        ([Status.BROKEN] * 15, "broken", 0, 0),
    ],
)
def test_streaks_are_kept_as_the_runs_they_began(
        statuses: list[Status], status: str, since_night: int, failing_since_night: int | None
) -> None:
    item = run_nights(statuses).urls[URL]
    assert (item.status, item.since) == (status, stamp(since_night))
    expected = None if failing_since_night is None else stamp(failing_since_night)
    assert item.failing_since == expected
    assert "runs" not in item.to_json() and "failures" not in item.to_json()


@pytest.mark.parametrize(
    ("hours", "spacing", "runs"),
    [
        (0, 20, 1),
        (2, 20, 1),  # a second run the same morning adds nothing
        (19.9, 20, 1),
        (20, 20, 2),
        (24, 20, 2),
        (26, 20, 2),  # the nightly plus a manual run two hours later: still two
        (96, 20, 5),  # five nightly runs
        (-1, 20, 1),  # a clock that went back counts the run once
        (3, 0, 4),  # spacing 0 falls back to one hour
    ],
)
def test_counted_runs_need_the_spacing_between_them(hours: float, spacing: float, runs: int
                                                   ) -> None:
    assert counted_runs(stamp(0), night(0) + timedelta(hours=hours), spacing) == runs


def test_last_ok_is_the_reachable_spell_before_the_failure() -> None:
    item = run_nights([Status.OK, Status.OK, Status.BROKEN, Status.BROKEN]).urls[URL]
    assert item.last_ok == "2026-11-01T03:00:00Z"
    assert [m.status for m in item.recent] == ["ok", "broken"]


@pytest.mark.parametrize("status", [Status.OK, Status.BROKEN, Status.BLOCKED, Status.ERROR])
def test_quiet_nights_fold_to_identical_bytes(status: Status) -> None:
    assert dumps(run_nights([status] * 2)) == dumps(run_nights([status] * 9))
    newly = run_nights([Status.OK, status])
    assert dumps(newly) == dumps(fold(newly, report(link(status)), night(2)))


def test_a_flapping_reason_is_no_news() -> None:
    history = fold(History(), report(link(Status.ERROR, "timeout")), night(0))
    again = fold(history, report(link(Status.ERROR, "http_503")), night(1))
    assert dumps(again) == dumps(history) and again.urls[URL].reason == "timeout"


OLD = {"schema_version": 1, "urls": {URL: {
    "status": "blocked", "reason": "http_403", "since": "2026-10-20T03:00:00Z", "runs": 10,
    "failing_since": "2026-10-20T03:00:00Z", "failures": 10, "last_ok": None,
    "recent": [{"at": "2026-10-20T03:00:00Z", "status": "blocked"}], "etag": None,
    "last_modified": None}}, "resources": {}}


def test_an_old_file_with_counters_is_read_and_migrated() -> None:
    history = History.from_json(OLD)
    item = history.urls[URL]
    assert (item.status, item.failing_since) == ("blocked", "2026-10-20T03:00:00Z")
    once = fold(history, report(link(Status.BLOCKED, "http_403")), night(0))
    assert '"runs"' not in dumps(once) and '"schema_version": 2' in dumps(once)
    assert dumps(fold(once, report(link(Status.BLOCKED, "http_403")), night(1))) == dumps(once)


def test_inconclusive_run_folds_nothing() -> None:
    history = run_nights([Status.OK])
    assert fold(history, report(link(Status.BROKEN), inconclusive=True), night(1)) is history


def test_urls_that_left_are_pruned_unless_partial() -> None:
    history = run_nights([Status.OK])
    other = link(Status.OK, url="https://example.org/b")
    assert set(fold(history, report(other), night(1)).urls) == {other.url}
    assert set(fold(history, report(other), night(1), prune=False).urls) == {URL, other.url}


def test_validators_kept_through_not_modified() -> None:
    history = fold(History(), report(link(Status.OK, etag='"v1"', last_modified="Mon")), night(0))
    history = fold(history, report(link(Status.OK, "not_modified")), night(1))
    assert validators(history) == {URL: ('"v1"', "Mon")}


def test_recent_changes_are_bounded() -> None:
    flapping = run_nights([Status.OK, Status.ERROR] * 20)
    assert len(flapping.urls[URL].recent) == 14
    assert flapping.sparkline()[URL][-1]["status"] == "error"


def test_freshness_verdicts_keep_their_first_day() -> None:
    record = {"verdict": "stale", "last_updated": "2019-01-01"}
    history = fold(History(), report(), night(0), {"r": record})
    history = fold(history, report(), night(1), {"r": record})
    assert history.resources["r"].since == "2026-11-01T03:00:00Z"
    history = fold(history, report(), night(2), {"r": {"verdict": "fresh"}})
    assert history.resources["r"].since == "2026-11-03T03:00:00Z"


def test_json_round_trip() -> None:
    history = run_nights([Status.OK, Status.BROKEN, Status.ERROR])
    assert History.from_json(history.to_json()) == history
