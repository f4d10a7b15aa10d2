"""The archive's answers judged purely: captures -> alive / gone / unknown, never a crash."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from bot.model import Method, Opinion
from bot.verify.archive_rules import (
    Capture,
    is_search_or_home,
    judge_availability,
    judge_captures,
    parse_cdx,
    parse_timestamp,
    replay_target,
)

NOW = datetime(2026, 12, 4, 3, 0, tzinfo=UTC)
URL = "https://www.udemy.com/course/mlflow-course/"
SOURCE = "https://web.archive.org/web/*/" + URL


def ago(days: int) -> datetime:
    return NOW - timedelta(days=days)


def cap(days: int, status: int | None, target: str | None = None) -> Capture:
    return Capture(ago(days), status, URL, target)


@pytest.mark.parametrize(
    ("name", "captures", "verdict", "seen", "rule"),
    [
        ("alive recently", [cap(400, 200), cap(20, 200)], Opinion.ALIVE, "2026-11-14",
         "archive:recent_200"),
        ("alive long ago", [cap(300, 200)], Opinion.UNKNOWN, "2026-02-07", "archive:old_200"),
        ("404 newest", [cap(200, 200), cap(40, 404), cap(10, 404)], Opinion.GONE, "2026-05-18",
         "archive:newest_gone"),
        ("410 newest, never alive", [cap(10, 410)], Opinion.GONE, None, "archive:newest_gone"),
        ("redirect to home newest", [cap(100, 200), cap(15, 301, "https://www.udemy.com/")],
         Opinion.GONE, "2026-08-26", "archive:newest_gone"),
        ("redirect to search newest",
         [cap(100, 200), cap(15, 302, "https://www.udemy.com/courses/search/?q=mlflow")],
         Opinion.GONE, "2026-08-26", "archive:newest_gone"),
        ("redirect elsewhere", [cap(100, 200), cap(15, 301, "https://www.udemy.com/course/mlflow-2/")],
         Opinion.UNKNOWN, "2026-08-26", "archive:newest_redirect"),
        ("redirect, target unknown", [cap(15, 301)], Opinion.UNKNOWN, None,
         "archive:newest_redirect"),
        ("no capture", [], Opinion.UNKNOWN, None, "archive:none"),
        ("walls captured only", [cap(5, 403), cap(3, 503), cap(2, None)], Opinion.UNKNOWN, None,
         "archive:none"),
        ("future dates only", [Capture(datetime(2099, 1, 1, tzinfo=UTC), 200, URL)],
         Opinion.UNKNOWN, None, "archive:none"),
        ("future 404 after a recent 200",
         [cap(5, 200), Capture(datetime(2099, 1, 1, tzinfo=UTC), 404, URL)],
         Opinion.ALIVE, "2026-11-29", "archive:recent_200"),
        ("alive again after a 404", [cap(30, 404), cap(3, 200)], Opinion.ALIVE, "2026-12-01",
         "archive:recent_200"),
    ],
)
def test_captures_judged(name: str, captures: list[Capture], verdict: Opinion, seen: str | None,
                         rule: str) -> None:
    judgement = judge_captures(URL, SOURCE, captures, NOW, max_age_days=60)
    found = judgement.verification
    assert (found.verdict, found.seen_alive, judgement.rule) == (verdict, seen, rule), name
    assert found.method is Method.ARCHIVE and found.source == SOURCE
    assert "\n" not in found.evidence and found.evidence


def test_gone_evidence_names_since_and_last_alive() -> None:
    judged = judge_captures(URL, SOURCE, [cap(200, 200), cap(40, 404), cap(10, 404)], NOW, 60)
    assert judged.verification.evidence == (
        "probably withdrawn since 2026-10-25: the Internet Archive's newest capture is HTTP 404;"
        " last seen alive on 2026-05-18")


def test_recent_alive_evidence_reads_as_the_issue_asks() -> None:
    judged = judge_captures(URL, SOURCE, [cap(32, 200)], NOW, 60)
    assert judged.verification.evidence == "seen alive by the Internet Archive on 2026-11-02"


def test_malformed_is_unknown() -> None:
    judged = judge_captures(URL, SOURCE, None, NOW, 60)
    assert judged.verification.verdict is Opinion.UNKNOWN
    assert judged.rule == "archive:malformed"


@pytest.mark.parametrize(
    ("body", "count"),
    [
        (b'[["timestamp","statuscode","original"],["20261102093412","200","u"]]', 1),
        (b"[]", 0),
        (b'[["timestamp","statuscode","original"],["20261102093412","-","u"],["2026","200","u"]]', 2),
        (b'[["timestamp","statuscode"],["not-a-date","200"],["20261301000000","200"]]', 0),
        (b'[["timestamp","statuscode","original"],["20261102093412"]]', 0),
    ],
)
def test_parse_cdx_reads_rows(body: bytes, count: int) -> None:
    parsed = parse_cdx(body)
    assert parsed is not None and len(parsed) == count


@pytest.mark.parametrize(
    "body",
    [b"", b"<html>busy</html>", b'{"a": 1}', b'[["timestamp"]]', b"[1, 2]",
     b'[["timestamp","statuscode"],["2026', b"[" * 100_000, "[\"é\"]".encode("latin-1")],
)
def test_parse_cdx_malformed_is_none(body: bytes) -> None:
    assert parse_cdx(body) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [("20261102093412", datetime(2026, 11, 2, 9, 34, 12, tzinfo=UTC)),
     ("20261102", datetime(2026, 11, 2, tzinfo=UTC)), ("2026", datetime(2026, 1, 1, tzinfo=UTC)),
     ("20261399000000", None), ("x", None), (20261102, None), ("", None)],
)
def test_parse_timestamp(value: object, expected: datetime | None) -> None:
    assert parse_timestamp(value) == expected


@pytest.mark.parametrize(
    ("target", "expected"),
    [("https://www.udemy.com/", True), ("https://udemy.com/", True),
     ("https://www.udemy.com/courses/search/?q=mlflow", True),
     ("https://www.udemy.com/course/other/", False), ("https://example.org/", False)],
)
def test_search_or_home(target: str, expected: bool) -> None:
    assert is_search_or_home(URL, target) is expected


def test_replay_target_strips_the_archive_prefix() -> None:
    assert replay_target("https://web.archive.org/web/20261120000000/https://www.udemy.com/") == (
        "https://www.udemy.com/")
    assert replay_target("/web/20261120000000id_/https://www.udemy.com/") == (
        "https://www.udemy.com/")


def availability(status: str, when: str) -> bytes:
    return json.dumps({"url": URL, "archived_snapshots": {"closest": {
        "status": status, "available": True, "timestamp": when,
        "url": f"http://web.archive.org/web/{when}/{URL}"}}}).encode()


@pytest.mark.parametrize(
    ("body", "verdict", "seen"),
    [
        (availability("200", "20261120101010"), Opinion.ALIVE, "2026-11-20"),
        (availability("200", "20250101000000"), Opinion.UNKNOWN, "2025-01-01"),
        (availability("404", "20261120101010"), Opinion.UNKNOWN, None),
        (availability("200", "20990101000000"), Opinion.UNKNOWN, None),
        (b'{"url": "x", "archived_snapshots": {}}', Opinion.UNKNOWN, None),
        (b"garbage", Opinion.UNKNOWN, None),
        (b'{"archived_snapshots": {"closest": "yes"}}', Opinion.UNKNOWN, None),
    ],
)
def test_availability_never_says_gone(body: bytes, verdict: Opinion, seen: str | None) -> None:
    found = judge_availability(SOURCE, body, NOW, 60).verification
    assert (found.verdict, found.seen_alive) == (verdict, seen)
