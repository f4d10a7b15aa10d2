"""What every human-facing report format shares: status order, grouping, and the extension keys."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from bot.model import LinkResult, Opinion, Report, Source, Status

# Worst first: a maintainer reads from the top and stops when the rest is fine.
STATUS_ORDER: tuple[Status, ...] = (
    Status.BROKEN,
    Status.REDIRECTED,
    Status.BLOCKED,
    Status.ERROR,
    Status.SKIPPED,
    Status.OK,
)

STATUS_LABEL: Mapping[Status, str] = {
    Status.BROKEN: "Broken",
    Status.REDIRECTED: "Redirected",
    Status.BLOCKED: "Blocked",
    Status.ERROR: "Error (inconclusive)",
    Status.SKIPPED: "Skipped",
    Status.OK: "OK",
}

FRESHNESS_ORDER: tuple[str, ...] = ("broken", "stale", "review", "unknown", "fresh")

NO_SECTION = "Other"
_SECTION_NUMBER = re.compile(r"^\s*(\d+(?:\.\d+)*)")


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One place a link occurs, the unit reports list under a section."""

    link: LinkResult
    source: Source

    @property
    def section(self) -> str:
        return self.source.section or NO_SECTION


def section_key(section: str) -> tuple[tuple[int, ...], str]:
    """Sort "2.10. X" after "2.9. Y" and unnumbered sections last."""
    match = _SECTION_NUMBER.match(section)
    if section == NO_SECTION or not match:
        return (10**9,), section
    return tuple(int(part) for part in match.group(1).split(".")), section


def occurrences(link: LinkResult) -> tuple[Occurrence, ...]:
    """Every source of a link; a link with no recorded source still gets one, unlocated."""
    sources = link.sources or (Source(file="?"),)
    return tuple(Occurrence(link, source) for source in sources)


def by_status(report: Report) -> Iterator[tuple[Status, tuple[LinkResult, ...]]]:
    """The report's links grouped by status in `STATUS_ORDER`, each group sorted by URL."""
    for status in STATUS_ORDER:
        group = tuple(sorted((r for r in report.links if r.status is status), key=lambda r: r.url))
        if group:
            yield status, group


def by_section(links: tuple[LinkResult, ...]) -> list[tuple[str, list[Occurrence]]]:
    """Occurrences grouped by roadmap section, sections in roadmap order, lines ascending."""
    groups: dict[str, list[Occurrence]] = {}
    for link in links:
        for occurrence in occurrences(link):
            groups.setdefault(occurrence.section, []).append(occurrence)
    ordered = sorted(groups.items(), key=lambda item: section_key(item[0]))
    return [(name, sorted(items, key=_occurrence_key)) for name, items in ordered]


def _occurrence_key(occurrence: Occurrence) -> tuple[str, int, str]:
    return occurrence.source.file, occurrence.source.line or 0, occurrence.link.url


def where(source: Source) -> str:
    """``roadmap.yaml:12`` (or just the file when the line is unknown)."""
    return f"{source.file}:{source.line}" if source.line else source.file


def detail(link: LinkResult) -> str:
    """A short human explanation of a verdict: the reason, the HTTP code, the new address."""
    parts = [link.reason]
    if link.http_status is not None and link.reason != f"http_{link.http_status}":
        parts.append(f"HTTP {link.http_status}")
    if link.status is Status.REDIRECTED and link.final_url:
        parts.append(f"now at {link.final_url}")
    return ", ".join(parts)


def _mapping(report: Report, key: str) -> Mapping[str, Any]:
    value = report.extra.get(key)
    return value if isinstance(value, Mapping) else {}


def freshness(report: Report) -> Mapping[str, Mapping[str, Any]]:
    """``extra["freshness"]``: resource id -> freshness entry (empty when absent)."""
    return {k: v for k, v in _mapping(report, "freshness").items() if isinstance(v, Mapping)}


def history(report: Report) -> Mapping[str, list[Mapping[str, Any]]]:
    """``extra["history"]``: url -> recent runs, oldest first (empty when absent)."""
    found = _mapping(report, "history")
    return {url: [run for run in runs if isinstance(run, Mapping)]
            for url, runs in found.items() if isinstance(runs, list)}


def previous_summary(report: Report) -> Mapping[str, Any] | None:
    """``extra["previous_summary"]``, the last run's counts, or None on a first run."""
    value = report.extra.get("previous_summary")
    return value if isinstance(value, Mapping) else None


TIMELINE_DAYS = 14


def timeline(marks: list[Mapping[str, Any]], now: datetime,
             days: int = TIMELINE_DAYS) -> list[tuple[str, str | None]]:
    """The last `days` days up to `now`, each with the status the URL had that day.

    History marks are status changes ("from `at` on, the URL answered `status`"; a run that
    changes nothing adds none), so each day takes the latest mark at or before it; days
    before the first mark have no data (None).
    """
    dated = sorted((str(m.get("at")), str(m.get("status") or "")) for m in marks
                   if parse_day(m.get("at")) is not None)
    changes = [(at[:10], status) for at, status in dated]  # sorted by time, not by status
    result: list[tuple[str, str | None]] = []
    for offset in range(days - 1, -1, -1):
        day = (now.date() - timedelta(days=offset)).isoformat()
        known = [status for at, status in changes if at <= day]
        result.append((day, known[-1] if known else None))
    return result


def parse_day(value: Any) -> date | None:
    """An ISO date (or date-time) string as a date; None for anything else."""
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def age_days(value: Any, now: datetime) -> int | None:
    day = parse_day(value)
    return None if day is None else max(0, (now.date() - day).days)


def age_text(days: int | None) -> str:
    """A compact age such as ``3 y 2 mo``, ``5 mo`` or ``12 d``; ``unknown`` when None."""
    if days is None:
        return "unknown"
    if days < 60:
        return f"{days} d"
    months = days * 12 // 365
    years, months = divmod(months, 12)
    if not years:
        return f"{months} mo"
    return f"{years} y {months} mo" if months else f"{years} y"


def resource_title(link: LinkResult) -> str:
    """The roadmap's own name for a link (trusted), falling back to the URL."""
    for source in link.sources:
        if source.resource:
            return source.resource
    return link.url


OPINION_PREFIX: Mapping[Opinion, str] = {
    Opinion.ALIVE: "",
    Opinion.GONE: "second opinion says gone: ",
    Opinion.UNKNOWN: "unverified: ",
}


def opinion(link: LinkResult) -> str:
    """The second opinion in one line ("seen alive by the Internet Archive on 2026-11-02"),
    or why there is none for a link no source confirmed; empty when none was needed."""
    found = link.verification
    if found is None:
        return "unverified: no second opinion" if link.unverified else ""
    return OPINION_PREFIX[found.verdict] + (found.evidence or found.verdict.value)


def unverified_since(report: Report) -> Mapping[str, str]:
    """``extra["unverified_since"]``: url -> the day its unconfirmed streak began."""
    return {url: str(day) for url, day in _mapping(report, "unverified_since").items()
            if parse_day(day) is not None}
