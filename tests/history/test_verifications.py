"""The history's memory of second opinions: a stable JSON round trip; malformed entries dropped."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from types import MappingProxyType

from bot.history.fold import fold
from bot.history.model import History
from bot.history.verifications import Remembered
from bot.model import LinkResult, Method, Opinion, Report, Status, Verification

OPINION = Verification(Method.ARCHIVE, "https://web.archive.org/web/*/https://x.org/c",
                       Opinion.ALIVE, "2026-11-02", "seen alive by the Internet Archive on 2026-11-02")
MEMORY = Remembered("2026-12-01T03:00:00Z", "blocked/bot_protection", OPINION)


def test_round_trip_is_byte_stable() -> None:
    history = History(verifications=MappingProxyType({"https://x.org/c": MEMORY}))
    text = json.dumps(history.to_json(), sort_keys=True)
    again = History.from_json(json.loads(text))
    assert again.verifications["https://x.org/c"] == MEMORY
    assert json.dumps(again.to_json(), sort_keys=True) == text


def test_malformed_entries_are_dropped_not_fatal() -> None:
    data = {"urls": {}, "verifications": {
        "https://a.org/": {"asked": "2026-12-01T03:00:00Z", "direct": "blocked/http_403"},
        "https://b.org/": "yes", "https://c.org/": {**MEMORY.to_json(), "verdict": "maybe"},
        "https://d.org/": MEMORY.to_json()}}
    assert list(History.from_json(data).verifications) == ["https://d.org/"]
    assert History.from_json({"verifications": [1, 2]}).verifications == {}


def test_fold_keeps_the_memory() -> None:
    history = History(verifications=MappingProxyType({"https://x.org/c": MEMORY}))
    report = Report(("r",), datetime(2026, 12, 2, tzinfo=UTC),
                    (LinkResult("https://x.org/c", Status.BLOCKED, "bot_protection"),))
    assert fold(history, report, report.generated_at).verifications == history.verifications
