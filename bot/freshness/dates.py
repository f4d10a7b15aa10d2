"""Date parsing for freshness: the many ways pages print a date, normalised to ISO `YYYY-MM-DD`.

Pure and strict: a text that is not clearly one date gives None, never a guess. Times with an
offset are converted to UTC before the date is taken, so every source compares alike. A date
printed to the month only ("Last updated 11/2024", as Udemy prints it) gives the month's first day.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime

MIN_YEAR = 1990  # nothing on the roadmap predates the web as we know it
MAX_YEAR = 2100

MONTHS: dict[str, int] = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}

_MONTH = r"(?P<mon>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"
_WEEKDAY = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"

# Labels that pages put before a date; stripped before parsing ("Updated: Jan 5, 2024").
LABEL = re.compile(
    r"^\s*(?:last\s+updated|last\s+modified|last\s+update|updated|modified|published|posted"
    r"|released|date)(?:\s+(?:on|at))?\s*[:\-–—]?\s*",
    re.IGNORECASE,
)

ISO = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
    r"(?:[T ](?P<time>\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)\s*(?P<tz>Z|[+-]\d{2}(?::?\d{2})?)?)?",
    re.IGNORECASE,
)


def _valid(year: int, month: int, day: int) -> date | None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _from_iso(match: re.Match[str]) -> date | None:
    if match["time"] is None or match["tz"] is None:
        return _valid(int(match["year"]), int(match["month"]), int(match["day"]))
    tz = match["tz"].upper()
    tz = "+00:00" if tz == "Z" else (tz if len(tz) != 3 else tz + ":00")
    try:
        moment = datetime.fromisoformat(f"{match['year']}-{match['month']}-{match['day']}T"
                                        f"{match['time'].replace(',', '.')}{tz}")
    except ValueError:
        return None
    utc = moment.astimezone(UTC)
    return _valid(utc.year, utc.month, utc.day)


def _from_named(match: re.Match[str]) -> date | None:
    day = int(match["day"]) if "day" in match.groupdict() and match["day"] else 1
    return _valid(int(match["year"]), MONTHS[match["mon"].lower()], day)


def _from_dmy(match: re.Match[str]) -> date | None:
    return _valid(int(match["year"]), int(match["month"]), int(match["day"]))


def _from_slashed(match: re.Match[str]) -> date | None:
    """`a/b/yyyy` is read only when unambiguous: US and European order differ otherwise."""
    first, second, year = int(match["a"]), int(match["b"]), int(match["year"])
    if first > 12 >= second:
        return _valid(year, second, first)
    if second > 12 >= first:
        return _valid(year, first, second)
    if first == second:
        return _valid(year, first, second)
    return None


def _from_month_year(match: re.Match[str]) -> date | None:
    return _valid(int(match["year"]), int(match["month"]), 1)


def _from_rfc(match: re.Match[str]) -> date | None:
    try:
        moment = parsedate_to_datetime(match[0])
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return _valid(moment.year, moment.month, moment.day)


_Builder = Callable[[re.Match[str]], date | None]

# Each printed form, most specific first; each is tried anchored at the start of the text.
FORMATS: tuple[tuple[str, re.Pattern[str], _Builder], ...] = (
    ("rfc1123", re.compile(
        r"(?:mon|tue|wed|thu|fri|sat|sun),\s*\d{1,2}[\s-][a-z]{3}[\s-]\d{2,4}\s+\d{2}:\d{2}:\d{2}"
        r"\s*(?:gmt|utc|ut|[+-]\d{4})", re.IGNORECASE), _from_rfc),
    ("iso8601", ISO, _from_iso),
    ("month-day-year", re.compile(_WEEKDAY + _MONTH + r"\s+" + _DAY + r",?\s+" + _YEAR,
                                  re.IGNORECASE), _from_named),
    ("day-month-year", re.compile(_WEEKDAY + _DAY + r"\s+(?:of\s+)?" + _MONTH + r",?\s+" + _YEAR,
                                  re.IGNORECASE), _from_named),
    ("year-slash", re.compile(r"(?P<year>\d{4})/(?P<month>\d{1,2})/(?P<day>\d{1,2})"), _from_dmy),
    ("dotted", re.compile(r"(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4})"), _from_dmy),
    ("slashed", re.compile(r"(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<year>\d{4})"), _from_slashed),
    ("month-year", re.compile(_MONTH + r",?\s+" + _YEAR, re.IGNORECASE), _from_named),
    ("numeric-month-year", re.compile(r"(?P<month>\d{1,2})/(?P<year>\d{4})"), _from_month_year),
)

_END = re.compile(r"(?=$|[\s,;.)\]|<])")


def match_date(text: str) -> tuple[date, int] | None:
    """The date printed at the start of `text` and where it ends, or None."""
    for _name, pattern, build in FORMATS:
        found = pattern.match(text)
        if found is None or not _END.match(text, found.end()):
            continue
        value = build(found)
        if value is not None:
            return value, found.end()
    return None


def to_date(text: str) -> date | None:
    """The one date `text` holds (labels like "Last updated" allowed), or None."""
    text = LABEL.sub("", text.strip(), count=1).strip()
    found = match_date(text)
    if found is None or text[found[1]:].strip(" .,"):
        return None
    return found[0]


def parse_date(text: str | None) -> str | None:
    """`text` as an ISO date `YYYY-MM-DD`, or None when it is not clearly one date."""
    if not text or len(text) > 200:
        return None
    value = to_date(text)
    return value.isoformat() if value else None


def search_date(text: str) -> str | None:
    """The date that starts `text` (after an optional label), ignoring what follows it."""
    found = match_date(LABEL.sub("", text.lstrip(), count=1).lstrip())
    return found[0].isoformat() if found else None

