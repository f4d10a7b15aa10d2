"""Literal reports, findings and histories for the curation tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.model import Hop, LinkResult, Report, Source, Status

NOW = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def hours_ago(hours: float) -> str:
    return iso(NOW - timedelta(hours=hours))


def source(rid: str = "py-book", line: int = 12, section: str = "1.1. Python & IDEs") -> Source:
    return Source("roadmap.yaml", line, rid.replace("-", " ").title(), rid, section)


def result(url: str, status: Status = Status.OK, reason: str = "http_200", *,
           rid: str = "py-book", line: int = 12, http_status: int | None = 200,
           final_url: str | None = None, redirects: tuple[Hop, ...] = ()) -> LinkResult:
    return LinkResult(url, status, reason, http_status=http_status, final_url=final_url or url,
                      redirects=redirects, sources=(source(rid, line),))


def report(*results: LinkResult, inconclusive: bool = False) -> Report:
    return Report(("roadmap.yaml",), NOW, tuple(results), inconclusive=inconclusive,
                  inconclusive_reason="offline" if inconclusive else None)
