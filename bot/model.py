"""Frozen records shared by every stage: links, sources, verdicts, results and the report."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from bot.records import quick_init


class Status(StrEnum):
    """The verdict vocabulary fixed by the contract; nothing else may appear in a report."""

    OK = "ok"
    REDIRECTED = "redirected"
    BROKEN = "broken"
    BLOCKED = "blocked"
    ERROR = "error"
    SKIPPED = "skipped"


class Reason(StrEnum):
    """Named reasons; HTTP-code reasons (`http_404`) are built by `http_reason`."""

    PERMANENT_REDIRECT = "permanent_redirect"
    DNS = "dns"
    CONNECTION_REFUSED = "connection_refused"
    SOFT_404 = "soft_404"
    PARKED_DOMAIN = "parked_domain"
    REDIRECT_LOOP = "redirect_loop"
    REDIRECT_TO_404 = "redirect_to_404"
    TOO_MANY_REDIRECTS = "too_many_redirects"
    BOT_PROTECTION = "bot_protection"
    LOGIN_REQUIRED = "login_required"
    TIMEOUT = "timeout"
    CONNECTION_RESET = "connection_reset"
    TLS = "tls"
    RATE_LIMITED = "rate_limited"
    DNS_TEMPORARY = "dns_temporary"
    DEADLINE = "deadline"
    INVALID_RESPONSE = "invalid_response"
    NOT_MODIFIED = "not_modified"
    EXCLUDED = "excluded"
    UNSUPPORTED_SCHEME = "unsupported_scheme"
    PRIVATE_ADDRESS = "private_address"
    INVALID_URL = "invalid_url"
    VIDEO_REMOVED = "video_removed"
    CLIENT_RENDERED = "client_rendered"


def http_reason(code: int) -> str:
    """The contract's reason for a bare HTTP status code, e.g. ``http_404``."""
    return f"http_{code}"


@quick_init
@dataclass(frozen=True, slots=True)
class Source:
    """One place a URL occurs: a file, a 1-based line, and the roadmap resource if known."""

    file: str
    line: int | None = None
    resource: str | None = None
    resource_id: str | None = None
    section: str | None = None  # e.g. "1.1. Python & IDEs", for grouping in reports

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"file": self.file, "line": self.line, "resource": self.resource}
        if self.resource_id is not None:
            data["resource_id"] = self.resource_id
        if self.section is not None:
            data["section"] = self.section
        return data


@quick_init
@dataclass(frozen=True, slots=True)
class Link:
    """A distinct URL to check, with every place it was found."""

    url: str
    sources: tuple[Source, ...] = ()


class Via(StrEnum):
    """How a redirect was given: by the HTTP answer (3xx + Location), or by a 200 page itself
    (an immediate meta refresh, a script-only redirect)."""

    HTTP = "http"
    META_REFRESH = "meta_refresh"
    SCRIPT = "script"


@quick_init
@dataclass(frozen=True, slots=True)
class Hop:
    """One redirect answer: the URL that was requested, the status it gave, and how it sent
    the reader on (a page's own redirect answers 200)."""

    url: str
    status: int
    via: Via = Via.HTTP


@quick_init
@dataclass(frozen=True, slots=True)
class PageSnapshot:
    """What the checker holds of a fetched page: enough for freshness scraping, bounded in size."""

    url: str
    http_status: int
    headers: Mapping[str, str]
    body: bytes
    encoding: str | None = None


def _frozen_mapping(data: Mapping[str, Any] | None = None) -> Mapping[str, Any]:
    return MappingProxyType(dict(data or {}))


class Method(StrEnum):
    """Where a second opinion on a link came from (the contract's `verification.method`)."""

    PUBLIC_PAGE = "public_page"
    PROVIDER = "provider"
    ARCHIVE = "archive"


class Opinion(StrEnum):
    """What a second opinion says of a resource the direct check could not see."""

    ALIVE = "alive"
    GONE = "gone"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Verification:
    """A second opinion on a link: who vouched (or could not), what they said, since when."""

    method: Method
    source: str  # a URL, or a provider's name
    verdict: Opinion
    seen_alive: str | None = None  # YYYY-MM-DD of the newest sighting alive, when known
    evidence: str = ""  # one line a maintainer can check

    def to_json(self) -> dict[str, Any]:
        return {"method": self.method.value, "source": self.source,
                "verdict": self.verdict.value, "seen_alive": self.seen_alive,
                "evidence": self.evidence}

    @classmethod
    def from_json(cls, data: Any) -> Verification | None:
        """The record back from JSON; None for null or anything not shaped like one."""
        if not isinstance(data, Mapping):
            return None
        try:
            return cls(Method(data["method"]), str(data["source"]), Opinion(data["verdict"]),
                       data.get("seen_alive") if isinstance(data.get("seen_alive"), str)
                       else None, str(data.get("evidence") or ""))
        except (KeyError, ValueError):
            return None


# Statuses whose resource the direct check could not confirm (a second opinion may).
UNCONFIRMED = frozenset({Status.BLOCKED, Status.ERROR})


@quick_init
@dataclass(frozen=True, slots=True)
class LinkResult:
    """The verdict on one distinct URL, as the report's `links` entries carry it."""

    url: str
    status: Status
    reason: str
    http_status: int | None = None
    final_url: str | None = None
    redirects: tuple[Hop, ...] = ()
    attempts: int = 0
    elapsed_ms: int | None = None
    checked_at: datetime | None = None
    sources: tuple[Source, ...] = ()
    metadata: Mapping[str, Any] = field(default_factory=_frozen_mapping)
    verification: Verification | None = None  # None: the URL itself showed the answer

    @property
    def unverified(self) -> bool:
        """Blocked or inconclusive, and no second opinion saw the resource alive."""
        seen = self.verification is not None and self.verification.verdict is Opinion.ALIVE
        return self.status in UNCONFIRMED and not seen


@dataclass(frozen=True, slots=True)
class Summary:
    """Counts per status; always derived from the results, never stored beside them."""

    total: int
    counts: Mapping[Status, int]
    unverified: int = 0  # links no source confirmed (see `LinkResult.unverified`)

    @classmethod
    def of(cls, results: tuple[LinkResult, ...]) -> Summary:
        counts = {status: 0 for status in Status}
        for result in results:
            counts[result.status] += 1
        unverified = sum(1 for result in results if result.unverified)
        return cls(total=len(results), counts=MappingProxyType(counts), unverified=unverified)

    def to_json(self) -> dict[str, int]:
        return {"total": self.total, **{status.value: n for status, n in self.counts.items()},
                "unverified": self.unverified}


@dataclass(frozen=True, slots=True)
class Report:
    """One run's results over its inputs, plus the run-level health flag."""

    inputs: tuple[str, ...]
    generated_at: datetime
    links: tuple[LinkResult, ...]
    inconclusive: bool = False
    inconclusive_reason: str | None = None
    tool_version: str = "0.1.0"
    extra: Mapping[str, Any] = field(default_factory=_frozen_mapping)

    @property
    def summary(self) -> Summary:
        return Summary.of(self.links)

    def __repr__(self) -> str:
        # asyncio.run formats its main task's result; a 10,000-link repr costs 0.1-0.2 s.
        counts = ", ".join(f"{key}={value}" for key, value in self.summary.to_json().items())
        return f"Report(inputs={self.inputs!r}, {counts}, inconclusive={self.inconclusive})"

    @property
    def has_broken(self) -> bool:
        return any(result.status is Status.BROKEN for result in self.links)
