"""Date parsing: every printed form we meet, to ISO dates; anything unclear gives None."""

from __future__ import annotations

import pytest

from bot.freshness.dates import parse_date, search_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sun, 02 Mar 2025 10:00:00 GMT", "2025-03-02"),  # RFC 1123 (HTTP headers)
        ("Tue, 15 Nov 1994 08:12:31 -0500", "1994-11-15"),
        ("Sunday, 02-Mar-25 10:00:00 GMT", None),  # RFC 850 two-digit years: not trusted
        ("2025-03-02", "2025-03-02"),
        ("2025-03-02T10:00:00+09:00", "2025-03-02"),
        ("2025-03-02T01:00:00+09:00", "2025-03-01"),  # converted to UTC first
        ("2025-03-02T23:30:00-05:00", "2025-03-03"),
        ("2024-01-05T12:00:00.000Z", "2024-01-05"),
        ("2023-10-23T18:51:16.12345-0700", "2023-10-24"),
        ("2025-03-02 10:00:00", "2025-03-02"),  # no zone: the date as printed
        ("March 2, 2025", "2025-03-02"),
        ("Mar 2, 2025", "2025-03-02"),
        ("Sept 3, 2023", "2023-09-03"),
        ("Sunday, March 2nd, 2025", "2025-03-02"),
        ("2 Mar 2025", "2025-03-02"),
        ("2nd of March, 2025", "2025-03-02"),
        ("March 2025", "2025-03-01"),
        ("Last updated 11/2024", "2024-11-01"),  # Udemy prints the month only
        ("Updated: Jan 5, 2024", "2024-01-05"),
        ("Published on 2 March 2025", "2025-03-02"),
        ("Last modified: 2024/11/05", "2024-11-05"),
        ("05.11.2024", "2024-11-05"),
        ("13/05/2024", "2024-05-13"),
        ("05/13/2024", "2024-05-13"),
        ("11/05/2024", None),  # US or European order? Unclear, so unknown
        ("2025-02-30", None),
        ("1875-01-01", None),
        ("2024", None),  # a year alone is no date
        ("yesterday", None),
        ("March 2, 2025 and then some words", None),
        ("", None),
        (None, None),
        ("9" * 500, None),
    ],
)
def test_parse_date(text: str | None, expected: str | None) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Last updated 11/2024 English", "2024-11-01"),
        ("Jan 5, 2024 · 5 min read", "2024-01-05"),
        ("Last modified on 2 March 2025. More", "2025-03-02"),
        ("daily with new problems", None),
        ("2024 LeetCode", None),
    ],
)
def test_search_date_reads_only_the_start(text: str, expected: str | None) -> None:
    assert search_date(text) == expected
