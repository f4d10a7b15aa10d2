"""The contract's JSON report: building it from a `Report` and reading it back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from bot import pretty_json
from bot.errors import InputError
from bot.fileio import read_json
from bot.model import Hop, LinkResult, Report, Source, Status, Verification, Via

SCHEMA_VERSION = 1

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_SECOND = timedelta(seconds=1)


def iso(moment: datetime | None) -> str | None:
    """UTC timestamp in the contract's form, ``2026-11-28T03:00:00Z``."""
    if moment is None:
        return None
    if moment.tzinfo is not UTC:
        moment = moment.astimezone(UTC)  # a naive moment is local time, as the OS says
    # The text names whole seconds, and a run's links end within a few of them: formatting
    # each second once saves a 10,000-link report ~15 ms of strftime.
    return _utc_second_text((moment - _EPOCH) // _SECOND)


@lru_cache(maxsize=1024)
def _utc_second_text(second: int) -> str:
    return (_EPOCH + second * _SECOND).strftime("%Y-%m-%dT%H:%M:%SZ")


def link_to_dict(result: LinkResult) -> dict[str, Any]:
    return {
        "url": result.url,
        "status": result.status._value_,  # `.value` is a Python-level property: 3x slower
        "reason": result.reason,
        "http_status": result.http_status,
        "final_url": result.final_url,
        "redirects": [hop_to_dict(hop) for hop in result.redirects],
        "attempts": result.attempts,
        "elapsed_ms": result.elapsed_ms,
        "checked_at": iso(result.checked_at),
        "sources": [source.to_json() for source in result.sources],
        "metadata": dict(result.metadata),
        "verification": None if result.verification is None else result.verification.to_json(),
    }


def hop_to_dict(hop: Hop) -> dict[str, Any]:
    """A redirect hop; `via` only for a page's own redirect (meta refresh, script), so HTTP
    hops keep the contract's two keys."""
    data: dict[str, Any] = {"url": hop.url, "status": hop.status}
    if hop.via is not Via.HTTP:
        data["via"] = hop.via.value
    return data


def _hop_from_dict(data: dict[str, Any]) -> Hop:
    try:
        via = Via(data.get("via") or Via.HTTP.value)
    except ValueError:  # written by a newer version: still a redirect
        via = Via.HTTP
    return Hop(data["url"], data["status"], via)


def report_to_dict(report: Report) -> dict[str, Any]:
    data: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "roadmap-bot", "version": report.tool_version},
        "generated_at": iso(report.generated_at),
        "inputs": list(report.inputs),
        "inconclusive": report.inconclusive,
        "inconclusive_reason": report.inconclusive_reason,
        "summary": report.summary.to_json(),
        "links": [link_to_dict(result) for result in report.links],
    }
    data.update(report.extra)
    return data


def render(report: Report) -> str:
    """The report as pretty, stable JSON text (keys in contract order)."""
    return pretty_json.dumps(report_to_dict(report)) + "\n"


def _parse_time(value: Any) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def link_from_dict(data: dict[str, Any]) -> LinkResult:
    return LinkResult(
        url=data["url"],
        status=Status(data["status"]),
        reason=data["reason"],
        http_status=data.get("http_status"),
        final_url=data.get("final_url"),
        redirects=tuple(_hop_from_dict(h) for h in data.get("redirects") or ()),
        attempts=data.get("attempts") or 0,
        elapsed_ms=data.get("elapsed_ms"),
        checked_at=_parse_time(data.get("checked_at")),
        sources=tuple(
            Source(s["file"], s.get("line"), s.get("resource"), s.get("resource_id"),
                   s.get("section"))
            for s in data.get("sources") or ()
        ),
        metadata=data.get("metadata") or {},
        verification=Verification.from_json(data.get("verification")),
    )


_KNOWN_KEYS = {"schema_version", "tool", "generated_at", "inputs", "inconclusive",
               "inconclusive_reason", "summary", "links"}


def report_from_dict(data: dict[str, Any]) -> Report:
    return Report(
        inputs=tuple(data.get("inputs") or ()),
        generated_at=_parse_time(data.get("generated_at")) or datetime.now(UTC),
        links=tuple(link_from_dict(item) for item in data.get("links") or ()),
        inconclusive=bool(data.get("inconclusive")),
        inconclusive_reason=data.get("inconclusive_reason"),
        tool_version=(data.get("tool") or {}).get("version", "0.1.0"),
        extra={k: v for k, v in data.items() if k not in _KNOWN_KEYS},
    )


def load(path: str) -> Report:
    """Read a report file; a missing or malformed one is an `InputError` naming the file."""
    data = read_json(path, "report")
    try:
        return report_from_dict(data)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InputError(f"not a roadmap-bot report: {exc!r}", path) from exc
