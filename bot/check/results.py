"""Observation + verdict -> the report's `LinkResult`; and the result for a link not checked."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any

from bot.check.classify import permanent_target
from bot.check.observation import Observation, Verdict
from bot.model import Link, LinkResult, Status


def to_link_result(
    link: Link,
    observation: Observation,
    verdict: Verdict,
    checked_at: datetime,
    metadata: Mapping[str, Any],
) -> LinkResult:
    """The report entry for a checked link. `final_url` is where the link ended up for every
    status; for `redirected` it is the replacement a fix may propose (see `permanent_target`)."""
    return LinkResult(
        url=link.url,
        status=verdict.status,
        reason=str(verdict.reason),
        http_status=observation.final_status,
        final_url=_final_url(observation, verdict),
        redirects=observation.hops,
        attempts=observation.attempts,
        elapsed_ms=observation.elapsed_ms,
        checked_at=checked_at,
        sources=link.sources,
        metadata=MappingProxyType(dict(metadata)),
    )


def _final_url(observation: Observation, verdict: Verdict) -> str | None:
    if verdict.status is Status.REDIRECTED:
        return permanent_target(observation) or observation.final_url
    if observation.final_status is None and not observation.hops:
        return None  # no answer at all: there is no "final" URL to speak of
    return observation.final_url or observation.url


def skipped_result(link: Link, reason: str, checked_at: datetime | None = None) -> LinkResult:
    """The report entry for a link not checked by choice (excluded, unsupported scheme, ...)."""
    return LinkResult(
        url=link.url,
        status=Status.SKIPPED,
        reason=str(reason),
        checked_at=checked_at,
        sources=link.sources,
    )
