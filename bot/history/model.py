"""Frozen history records per URL and per resource, and their stable JSON form.

Only facts that change when the world changes are stored: a status, the reason and the run
it began (`since`), the first run of a failing streak, validators and freshness. There is no
per-run counter: a streak's length is worked out from its first run and the clock
(`bot.history.streaks`). A quiet night (every link as it was) therefore folds into a
byte-identical file and the workflow makes no commit.

Version 1 files also held `runs` and `failures` counters; they are ignored on reading, and
the next save writes version 2 without them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

SCHEMA_VERSION = 2  # 2: no per-run counters (version 1 files are read and migrated)
RECENT_LIMIT = 14  # status changes kept per URL (the report's sparkline shows at most 14)


@dataclass(frozen=True, slots=True)
class Mark:
    """A status change: from run `at` on, the URL answered `status`."""

    at: str
    status: str

    def to_json(self) -> dict[str, str]:
        return {"at": self.at, "status": self.status}


@dataclass(frozen=True, slots=True)
class UrlHistory:
    """One URL across runs; times are ISO 8601 UTC strings (``2026-11-28T03:00:00Z``)."""

    url: str
    status: str
    reason: str  # the reason the current status began with (a flapping reason is no news)
    since: str  # first run of the current status
    failing_since: str | None = None  # first run of the current failing streak, any status
    last_ok: str | None = None  # start of the last reachable spell before the failure
    recent: tuple[Mark, ...] = ()
    etag: str | None = None
    last_modified: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "reason": self.reason,
            "since": self.since,
            "failing_since": self.failing_since,
            "last_ok": self.last_ok,
            "recent": [mark.to_json() for mark in self.recent],
            "etag": self.etag,
            "last_modified": self.last_modified,
        }

    @classmethod
    def from_json(cls, url: str, data: Mapping[str, Any]) -> UrlHistory:
        # Version 1's "runs" and "failures" counters are dropped here: the streaks they
        # counted are worked out from "since" and "failing_since", which version 1 kept too.
        return cls(
            url=url,
            status=str(data["status"]),
            reason=str(data.get("reason") or ""),
            since=str(data["since"]),
            failing_since=data.get("failing_since"),
            last_ok=data.get("last_ok"),
            recent=tuple(Mark(str(m["at"]), str(m["status"])) for m in data.get("recent") or ()),
            etag=data.get("etag"),
            last_modified=data.get("last_modified"),
        )


@dataclass(frozen=True, slots=True)
class ResourceHistory:
    """One roadmap resource's freshness verdict and the run it was first given."""

    resource_id: str
    verdict: str
    since: str
    last_updated: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"verdict": self.verdict, "since": self.since, "last_updated": self.last_updated}

    @classmethod
    def from_json(cls, resource_id: str, data: Mapping[str, Any]) -> ResourceHistory:
        return cls(resource_id, str(data["verdict"]), str(data["since"]), data.get("last_updated"))


def _empty() -> Mapping[str, Any]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class History:
    """Everything remembered; keyed by URL and by resource id."""

    urls: Mapping[str, UrlHistory] = field(default_factory=_empty)
    resources: Mapping[str, ResourceHistory] = field(default_factory=_empty)

    def to_json(self) -> dict[str, Any]:
        # Sorted keys: the same history always serialises to the same bytes.
        return {
            "schema_version": SCHEMA_VERSION,
            "urls": {url: self.urls[url].to_json() for url in sorted(self.urls)},
            "resources": {rid: self.resources[rid].to_json() for rid in sorted(self.resources)},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> History:
        urls = {
            url: UrlHistory.from_json(url, item) for url, item in (data.get("urls") or {}).items()
        }
        resources = {
            rid: ResourceHistory.from_json(rid, item)
            for rid, item in (data.get("resources") or {}).items()
        }
        return cls(MappingProxyType(urls), MappingProxyType(resources))

    def sparkline(self) -> dict[str, list[dict[str, str]]]:
        """The report's `history` extra: per URL, its recent status changes, oldest first."""
        return {url: [m.to_json() for m in self.urls[url].recent] for url in sorted(self.urls)}
