"""History folding: streaks, saturation, validators, quiet nights, inconclusive runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.history.fold import fold, validators
from bot.history.model import RUNS_CAP, History
from bot.history.store import dumps
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


@pytest.mark.parametrize(
    ("statuses", "status", "runs", "failures", "failing_since_night"),
    [
        ([Status.OK], "ok", 1, 0, None),
        ([Status.OK, Status.BROKEN], "broken", 1, 1, 1),
        ([Status.OK, Status.BROKEN, Status.BROKEN], "broken", 2, 2, 1),
        ([Status.BROKEN, Status.ERROR, Status.BROKEN], "broken", 1, 3, 0),
        ([Status.BROKEN, Status.OK], "ok", 1, 0, None),
        ([Status.OK, Status.REDIRECTED], "redirected", 1, 0, None),
        ([Status.BROKEN, Status.SKIPPED], "broken", 1, 1, 0),  # skipped proves nothing
        ([Status.BROKEN] * 15, "broken", RUNS_CAP, RUNS_CAP, 0),
    ],
)
def test_streaks(statuses: list[Status], status: str, runs: int, failures: int,
                 failing_since_night: int | None) -> None:
    item = run_nights(statuses).urls[URL]
    assert (item.status, item.runs, item.failures) == (status, runs, failures)
    expected = None if failing_since_night is None else night(failing_since_night)
    assert item.failing_since == (expected.strftime("%Y-%m-%dT%H:%M:%SZ") if expected else None)


def test_last_ok_is_the_reachable_spell_before_the_failure() -> None:
    item = run_nights([Status.OK, Status.OK, Status.BROKEN, Status.BROKEN]).urls[URL]
    assert item.last_ok == "2026-11-01T03:00:00Z"
    assert [m.status for m in item.recent] == ["ok", "broken"]


def test_quiet_nights_fold_to_identical_bytes() -> None:
    ok_forever = run_nights([Status.OK] * 3)
    assert dumps(ok_forever) == dumps(run_nights([Status.OK] * 9))
    long_broken = run_nights([Status.BROKEN] * 20)
    assert dumps(long_broken) == dumps(fold(long_broken, report(link(Status.BROKEN)), night(30)))


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
