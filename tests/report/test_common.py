"""Shared report helpers: section order, ages and the tolerant reading of extension keys."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.model import Report
from bot.report import common

NOW = datetime(2026, 11, 28, tzinfo=UTC)


def test_sections_sort_numerically_and_unnumbered_last() -> None:
    names = ["5.10. Later", "Other", "1.1. Python", "5.2. Orchestration", "10. Ten", "2. Two",
             "Appendix"]
    assert sorted(names, key=common.section_key) == [
        "1.1. Python", "2. Two", "5.2. Orchestration", "5.10. Later", "10. Ten", "Appendix",
        "Other"]


@pytest.mark.parametrize(
    ("days", "expected"),
    [(None, "unknown"), (0, "0 d"), (59, "59 d"), (60, "1 mo"), (364, "11 mo"), (365, "1 y"),
     (400, "1 y 1 mo"), (2000, "5 y 5 mo")],
)
def test_age_text(days: int | None, expected: str) -> None:
    assert common.age_text(days) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2026-11-01", 27), ("2026-11-01T10:00:00Z", 27), ("2027-01-01", 0), ("yesterday", None),
     (None, None), (20261101, None), ("2026-13-01", None)],
)
def test_age_days(value: object, expected: int | None) -> None:
    assert common.age_days(value, NOW) == expected


@pytest.mark.parametrize(
    ("marks", "expected"),
    [
        ([], [None] * 4),
        ([{"at": "2026-11-26T03:00:00Z", "status": "broken"}], [None, "broken", "broken", "broken"]),
        # Change points: a status holds until the next change; the latest of a day wins.
        ([{"at": "2026-11-01T03:00:00Z", "status": "ok"},
          {"at": "2026-11-26T03:00:00Z", "status": "error"},
          {"at": "2026-11-26T15:00:00Z", "status": "broken"},
          {"at": "2026-11-28T03:00:00Z", "status": "ok"}], ["ok", "broken", "broken", "ok"]),
        ([{"at": "junk", "status": "ok"}, {"status": "ok"}], [None] * 4),
    ],
)
def test_timeline_expands_change_points_into_days(marks: list[dict[str, str]],
                                                  expected: list[str | None]) -> None:
    days = common.timeline(marks, NOW, days=4)
    assert [day for day, _ in days] == ["2026-11-25", "2026-11-26", "2026-11-27", "2026-11-28"]
    assert [status for _, status in days] == expected


@pytest.mark.parametrize(
    "extra",
    [{}, {"freshness": None, "history": "x", "previous_summary": []},
     {"freshness": {"a": "not a mapping"}, "history": {"u": "not a list"}}],
)
def test_missing_or_malformed_extension_keys_read_as_empty(extra: dict[str, object]) -> None:
    report = Report((), NOW, (), extra=extra)
    assert common.freshness(report) == {}
    assert common.history(report) == {}
    assert common.previous_summary(report) is None


def test_every_format_renders_odd_extension_values() -> None:
    from bot.model import LinkResult, Source, Status
    from bot.report import FORMATS

    link = LinkResult("https://a.example/", Status.BROKEN, "http_404",
                      sources=(Source("roadmap.yaml", None, None, "a", None),))
    extra = {
        "freshness": {"a": {"verdict": 5, "last_updated": "soon", "suggestion": "text",
                            "kind": None, "section": None, "title": None}},
        "history": {"https://a.example/": [{"status": None}, "junk", {"at": 3}]},
        "previous_summary": {"total": "many", "broken": None},
    }
    report = Report(("roadmap.yaml",), NOW, (link,), extra=extra)
    for name, render in FORMATS.items():
        assert render(report), name
