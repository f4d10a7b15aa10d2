"""The Internet Archive's answers read and judged, purely: CDX rows and the availability API's
closest snapshot -> alive, gone or unknown, with a one-line evidence and the rule's name.

What the archive can say, and what it cannot: a 200 capture within the age limit means
"seen alive on DATE"; newest captures that are 404/410, or a redirect to the site's front or
search page, mean "probably withdrawn since DATE". That is never proof: the stage records it,
the link keeps the status the direct check gave, and curation asks a human. Anything odd
(garbage, dates in the future, challenge pages captured with 403) says nothing: unknown.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

from bot.model import Method, Opinion, Verification
from bot.urls import same_site, same_site_home

ARCHIVE_NAME = "the Internet Archive"
GONE_STATUSES = frozenset({404, 410})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# A capture that redirects here means "we removed it, search our catalogue instead".
SEARCH_PATH = re.compile(r"/(search|s|courses/search|problemset/all)/?$", re.IGNORECASE)
SEARCH_QUERY_KEYS = frozenset({"q", "query", "search", "k", "keywords"})
_TIMESTAMP = re.compile(r"^\d{4,14}$")
_REPLAY = re.compile(r"/web/\d{1,14}(?:[a-z]{2}_)?/(?P<original>.+)$")


@dataclass(frozen=True, slots=True)
class Capture:
    """One CDX row: when the archive fetched the URL, the status it got, and for a redirect
    where it pointed (filled in from the replay when it matters)."""

    when: datetime
    status: int | None  # None: a revisit or anything that is not a status code
    original: str
    target: str | None = None


@dataclass(frozen=True, slots=True)
class Judgement:
    """A second opinion and the name of the rule that gave it (shown by `explain`)."""

    verification: Verification
    rule: str


def parse_timestamp(value: Any) -> datetime | None:
    """A CDX timestamp (``YYYYMMDDhhmmss``, possibly shortened) as UTC; None if unreadable."""
    if not isinstance(value, str) or not _TIMESTAMP.match(value):
        return None
    padded = (value + "0101000000"[len(value) - 4:]) if len(value) < 14 else value
    try:
        return datetime.strptime(padded, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        return None


def _status(value: Any) -> int | None:
    text = str(value)
    return int(text) if text.isdigit() and 100 <= int(text) <= 599 else None


def parse_cdx(body: bytes) -> tuple[Capture, ...] | None:
    """Captures from a CDX ``output=json`` answer (a header row, then rows); None if malformed."""
    try:
        rows = json.loads(body)
    except (ValueError, RecursionError):
        return None
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        return None
    if not rows:
        return ()
    header = [str(name) for name in rows[0]]
    if "timestamp" not in header or "statuscode" not in header:
        return None
    at, code = header.index("timestamp"), header.index("statuscode")
    original = header.index("original") if "original" in header else None
    captures = []
    for row in rows[1:]:
        when = parse_timestamp(row[at]) if len(row) > max(at, code) else None
        if when is not None:
            url = str(row[original]) if original is not None and len(row) > original else ""
            captures.append(Capture(when, _status(row[code]), url))
    return tuple(sorted(captures, key=lambda capture: capture.when))


def replay_target(location: str) -> str:
    """The original URL behind a replay URL's ``Location`` (``/web/2026.../https://x/``)."""
    found = _REPLAY.search(location)
    return found["original"] if found else location


def is_search_or_home(url: str, target: str) -> bool:
    """True when `target` is the front page or the search page of `url`'s own site."""
    if same_site_home(url, target):
        return True
    parts = urlsplit(target)
    searching = bool(SEARCH_PATH.search(parts.path)) or bool(
        SEARCH_QUERY_KEYS & set(parse_qs(parts.query)))
    return searching and same_site(url, target)


def _day(moment: datetime) -> str:
    return moment.date().isoformat()


def _gone_evidence(capture: Capture, url: str) -> str | None:
    if capture.status in GONE_STATUSES:
        return f"HTTP {capture.status}"
    if capture.status in REDIRECT_STATUSES and capture.target and is_search_or_home(
            url, capture.target):
        return "a redirect to the site's front or search page"
    return None


def relevant_captures(captures: Sequence[Capture], now: datetime, tolerance: int) -> list[Capture]:
    """Captures that say something: dated no later than `now` (+ tolerance), with a status
    that is a page, a redirect or a gone page (403/5xx captures are walls and outages)."""
    latest = now + timedelta(days=tolerance)
    return [c for c in captures if c.when <= latest and c.status is not None
            and (c.status == 200 or c.status in REDIRECT_STATUSES or c.status in GONE_STATUSES)]


def judge_captures(url: str, source: str, captures: Sequence[Capture] | None, now: datetime,
                   max_age_days: int, tolerance_days: int = 2) -> Judgement:
    """The archive's second opinion on `url` from its captures (oldest first)."""
    def opinion(verdict: Opinion, evidence: str, rule: str, seen: datetime | None = None,
                ) -> Judgement:
        found = Verification(Method.ARCHIVE, source, verdict, _day(seen) if seen else None,
                             evidence)
        return Judgement(found, rule)

    if captures is None:
        return opinion(Opinion.UNKNOWN, "the archive's answer could not be read",
                       "archive:malformed")
    relevant = relevant_captures(captures, now, tolerance_days)
    if not relevant:
        return opinion(Opinion.UNKNOWN, f"no usable capture in {ARCHIVE_NAME}", "archive:none")
    alive = [c.when for c in relevant if c.status == 200]
    last_alive = max(alive) if alive else None
    newest = relevant[-1]
    if newest.status == 200:
        if now - newest.when <= timedelta(days=max_age_days):
            return opinion(Opinion.ALIVE, f"seen alive by {ARCHIVE_NAME} on {_day(newest.when)}",
                           "archive:recent_200", newest.when)
        return opinion(Opinion.UNKNOWN,
                       f"last seen alive by {ARCHIVE_NAME} on {_day(newest.when)}, more than "
                       f"{max_age_days} days ago", "archive:old_200", newest.when)
    gone = _trailing_gone(url, relevant)
    if gone:
        since, why = gone[0].when, _gone_evidence(gone[-1], url)
        alive_note = f"; last seen alive on {_day(last_alive)}" if last_alive else ""
        return opinion(Opinion.GONE,
                       f"probably withdrawn since {_day(since)}: {ARCHIVE_NAME}'s newest "
                       f"capture is {why}{alive_note}", "archive:newest_gone", last_alive)
    moved = f" to {newest.target}" if newest.target else ""
    return opinion(Opinion.UNKNOWN, f"{ARCHIVE_NAME}'s newest capture ({_day(newest.when)}) is "
                   f"a redirect{moved}", "archive:newest_redirect", last_alive)


def _trailing_gone(url: str, relevant: Sequence[Capture]) -> list[Capture]:
    """The newest captures that each say "gone", oldest first (empty if the newest does not)."""
    trail: list[Capture] = []
    for capture in reversed(relevant):
        if _gone_evidence(capture, url) is None:
            break
        trail.insert(0, capture)
    return trail


def judge_availability(source: str, body: bytes, now: datetime, max_age_days: int,
                       tolerance_days: int = 2) -> Judgement:
    """The availability API's closest snapshot: alive when it is a recent 200, else unknown.
    It names only one snapshot, so it never says "gone"."""
    closest = _closest(body)
    when = parse_timestamp(closest.get("timestamp")) if closest else None
    status = _status(closest.get("status")) if closest else None
    if when is None or status != 200 or when > now + timedelta(days=tolerance_days):
        found = Verification(Method.ARCHIVE, source, Opinion.UNKNOWN, None,
                             f"no usable snapshot in {ARCHIVE_NAME}")
        return Judgement(found, "availability:none")
    if now - when <= timedelta(days=max_age_days):
        found = Verification(Method.ARCHIVE, source, Opinion.ALIVE, _day(when),
                             f"seen alive by {ARCHIVE_NAME} on {_day(when)}")
        return Judgement(found, "availability:recent_200")
    found = Verification(Method.ARCHIVE, source, Opinion.UNKNOWN, _day(when),
                         f"last seen alive by {ARCHIVE_NAME} on {_day(when)}, more than "
                         f"{max_age_days} days ago")
    return Judgement(found, "availability:old_200")


def _closest(body: bytes) -> dict[str, Any] | None:
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return None
    snapshots = data.get("archived_snapshots") if isinstance(data, dict) else None
    closest = snapshots.get("closest") if isinstance(snapshots, dict) else None
    return closest if isinstance(closest, dict) else None
