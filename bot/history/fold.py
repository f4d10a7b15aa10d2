"""Folding one run into the history: pure (history, report, now) -> new history."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from types import MappingProxyType
from typing import Any

from bot.history.model import RECENT_LIMIT, History, Mark, ResourceHistory, UrlHistory
from bot.model import LinkResult, Report, Status
from bot.report.json_report import iso

REACHABLE = frozenset({Status.OK, Status.REDIRECTED})
FAILING = frozenset({Status.BROKEN, Status.BLOCKED, Status.ERROR})


def _validators(result: LinkResult, prev: UrlHistory | None) -> tuple[str | None, str | None]:
    # A 304 carries no new validators: keep the ones that earned it.
    etag = result.metadata.get("etag") or (prev.etag if prev else None)
    modified = result.metadata.get("last_modified") or (prev.last_modified if prev else None)
    return etag, modified


def _first(result: LinkResult, at: str) -> UrlHistory:
    failing = result.status in FAILING
    etag, modified = _validators(result, None)
    return UrlHistory(
        url=result.url,
        status=result.status.value,
        reason=result.reason,
        since=at,
        failing_since=at if failing else None,
        recent=(Mark(at, result.status.value),),
        etag=etag,
        last_modified=modified,
    )


def _streaks(prev: UrlHistory, status: Status, at: str) -> dict[str, Any]:
    if status in REACHABLE:
        return {"failing_since": None, "last_ok": None}
    was_failing = Status(prev.status) in FAILING
    return {
        "failing_since": (prev.failing_since or prev.since) if was_failing else at,
        "last_ok": prev.last_ok if was_failing else prev.since,
    }


def fold_url(prev: UrlHistory | None, result: LinkResult, at: str) -> UrlHistory:
    """One URL's history after this run's result.

    Nothing here counts runs: a run that finds the URL as it was changes nothing but the
    validators, so a quiet night folds into the same bytes whatever the links' states.
    """
    if prev is None:
        return _first(result, at)
    status = result.status
    etag, modified = _validators(result, prev)
    if status.value == prev.status:
        new = prev
    else:
        recent = (*prev.recent, Mark(at, status.value))[-RECENT_LIMIT:]
        new = replace(prev, status=status.value, reason=result.reason, since=at, recent=recent)
    return replace(new, etag=etag, last_modified=modified, **_streaks(prev, status, at))


def fold_resource(
    prev: ResourceHistory | None, rid: str, record: Mapping[str, Any], at: str
) -> ResourceHistory:
    verdict = str(record.get("verdict") or "unknown")
    updated = record.get("last_updated")
    if prev is not None and prev.verdict == verdict:
        return replace(prev, last_updated=updated)
    return ResourceHistory(rid, verdict, at, updated)


def fold(
    history: History,
    report: Report,
    now: datetime,
    freshness: Mapping[str, Mapping[str, Any]] | None = None,
    *,
    prune: bool = True,
) -> History:
    """The history after `report`; an inconclusive run changes nothing at all.

    `prune` drops URLs and resources this run did not see (they left the roadmap); a run
    limited to some links (`--only-url`) passes False.
    """
    if report.inconclusive:
        return history
    at = iso(now) or ""
    urls = {} if prune else dict(history.urls)
    for result in report.links:
        if result.status is Status.SKIPPED:
            if result.url in history.urls:
                urls[result.url] = history.urls[result.url]
            continue
        urls[result.url] = fold_url(history.urls.get(result.url), result, at)
    resources = dict(history.resources)
    if freshness is not None:
        resources = {} if prune else resources
        for rid, record in freshness.items():
            resources[rid] = fold_resource(history.resources.get(rid), rid, record, at)
    return History(MappingProxyType(urls), MappingProxyType(resources))


def validators(history: History) -> dict[str, tuple[str | None, str | None]]:
    """The checker's conditional-request validators: url -> (etag, last_modified)."""
    return {
        url: (item.etag, item.last_modified)
        for url, item in history.urls.items()
        if item.etag or item.last_modified
    }
