"""Judging: pure (history + report + freshness) -> findings, behind the outage guard."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from bot.curate.model import (
    SEVERITY,
    Finding,
    FindingKind,
    Judgement,
    LinkEvidence,
    Place,
    finding_key,
)
from bot.curate.settings import CurateSettings
from bot.history.model import History, UrlHistory
from bot.history.streaks import counted_runs, hours_since
from bot.model import LinkResult, Method, Opinion, Reason, Report, Source, Status, Verification
from bot.urls import host_key

REACHABLE = frozenset({Status.OK, Status.REDIRECTED})
FAILING = frozenset({Status.BROKEN.value, Status.BLOCKED.value, Status.ERROR.value})
# Failures that say "could not talk to the host at all": when most hosts fail like this the
# machine (or its network) is the problem, not the links.
CONNECTION_LEVEL = frozenset(
    {
        Reason.DNS,
        Reason.DNS_TEMPORARY,
        Reason.CONNECTION_REFUSED,
        Reason.CONNECTION_RESET,
        Reason.TIMEOUT,
        Reason.TLS,
        Reason.DEADLINE,
    }
)
Freshness = Mapping[str, Mapping[str, Any]]
# Freshness "broken" mirrors the link verdict, which has its own confirmation rule.
STALE_VERDICTS = frozenset({"stale"})


def _host_down(results: list[LinkResult]) -> bool:
    return all(r.status not in REACHABLE and r.reason in CONNECTION_LEVEL for r in results)


def outage_reason(report: Report, settings: CurateSettings) -> str | None:
    """Why this run must not be acted on, or None when it looks healthy."""
    if report.inconclusive:
        return report.inconclusive_reason or "the checker marked the run inconclusive"
    for result in report.links:
        if result.url in settings.canaries and result.status not in REACHABLE:
            return f"canary {result.url} failed ({result.reason})"
    by_host: dict[str, list[LinkResult]] = defaultdict(list)
    for result in report.links:
        if result.status is not Status.SKIPPED:
            by_host[host_key(result.url) or result.url].append(result)
    down = sum(1 for results in by_host.values() if _host_down(results))
    if len(by_host) >= settings.outage_min_hosts and down > settings.outage_ratio * len(by_host):
        return f"{down} of {len(by_host)} hosts failed at connection level"
    return None


def place_of(source: Source) -> Place:
    return Place(source.file, source.line, source.section, source.resource, source.resource_id)


def failing_runs(past: UrlHistory | None, now: datetime, settings: CurateSettings) -> int:
    """The failing streak (any failing status) in counted runs; 0 when not failing."""
    if past is None or past.status not in FAILING:
        return 0
    return counted_runs(past.failing_since or past.since, now, settings.confirm_hours)


def _capture(verification: Verification | None, url: str) -> tuple[str | None, str | None]:
    """The archive's copy of the day it last saw the link alive (the archive picks the
    nearest capture), when a second opinion from the archive knows that day."""
    if verification is None or verification.method is not Method.ARCHIVE:
        return None, None
    if not verification.seen_alive or "/web/" not in verification.source:
        return None, None
    base = verification.source.split("/web/", 1)[0]
    return f"{base}/web/{verification.seen_alive.replace('-', '')}/{url}", verification.seen_alive


def evidence(
    result: LinkResult, past: UrlHistory | None, now: datetime, settings: CurateSettings
) -> LinkEvidence:
    archived_url, archived_on = _capture(result.verification, result.url)
    return LinkEvidence(
        url=result.url,
        status=result.status.value,
        reason=result.reason,
        http_status=result.http_status,
        final_url=result.final_url,
        redirects=result.redirects,
        first_failing=past.failing_since if past else None,
        failures=failing_runs(past, now, settings),
        last_ok=past.last_ok if past else None,
        archived_url=archived_url,
        archived_on=archived_on,
        second_opinion=result.verification,
    )


def confirmed_broken(past: UrlHistory | None, now: datetime, settings: CurateSettings) -> bool:
    """Broken on enough counted runs, spread over enough hours (one bad night is not proof)."""
    if past is None or past.status != Status.BROKEN.value:
        return False
    runs = counted_runs(past.since, now, settings.confirm_hours)
    return runs >= settings.confirm_runs and hours_since(past.since, now) >= settings.confirm_hours


def confirmed_failing(past: UrlHistory | None, now: datetime, settings: CurateSettings) -> bool:
    """Failing (any failing status) on as many runs, over as many hours, as a broken link
    needs before its issue: the usual confirmation for a second opinion saying "gone"."""
    if past is None or past.status not in FAILING:
        return False
    since = past.failing_since or past.since
    return (failing_runs(past, now, settings) >= settings.confirm_runs
            and hours_since(since, now) >= settings.confirm_hours)


def opinion_of(result: LinkResult) -> Opinion | None:
    return result.verification.verdict if result.verification else None


def link_kind(
    result: LinkResult, past: UrlHistory | None, now: datetime, settings: CurateSettings
) -> FindingKind | None:
    """The finding one link makes on its own. A link the check could not see makes one only
    when a second opinion says it is gone; seen alive, it makes none; unconfirmed, it is
    listed in the one issue of links no source could confirm (`unverified_findings`)."""
    if result.status is Status.BROKEN:
        return FindingKind.BROKEN if confirmed_broken(past, now, settings) else None
    if result.status in (Status.ERROR, Status.BLOCKED):
        gone = opinion_of(result) is Opinion.GONE
        return FindingKind.MANUAL if gone and confirmed_failing(past, now, settings) else None
    if result.status is Status.REDIRECTED and result.final_url:
        return FindingKind.MOVED
    return None


def unverified_findings(
    report: Report, history: History, now: datetime, settings: CurateSettings
) -> tuple[Finding, ...]:
    """The links no source could confirm for `manual_check_runs` runs (a second opinion
    saying "gone" aside): one issue lists them."""
    found = []
    for result in report.links:
        if not result.unverified or settings.ignored(result.url) or not result.sources:
            continue
        if opinion_of(result) is Opinion.GONE:
            continue  # its own issue, with the evidence (see `link_kind`)
        past = history.urls.get(result.url)
        if failing_runs(past, now, settings) < settings.manual_check_runs:
            continue
        places = ordered(place_of(source) for source in result.sources)
        found.append(Finding(FindingKind.MANUAL, finding_key(places[0].resource_id, result.url),
                             result.url, places[0], evidence(result, past, now, settings),
                             low_priority=True, places=places))
    return tuple(sorted(found, key=lambda f: (f.place.file, f.place.line or 0, f.url or "")))


def vouched_keys(report: Report) -> frozenset[str]:
    """Keys of links the check could not see but a second opinion saw alive."""
    return frozenset(
        finding_key(s.resource_id, r.url)
        for r in report.links
        if r.status in (Status.ERROR, Status.BLOCKED) and opinion_of(r) is Opinion.ALIVE
        for s in r.sources
    )


def link_findings(
    report: Report, history: History, now: datetime, settings: CurateSettings
) -> Iterable[Finding]:
    for result in report.links:
        if settings.ignored(result.url):
            continue
        past = history.urls.get(result.url)
        kind = link_kind(result, past, now, settings)
        if kind is None or not result.sources:  # a canary has no source: nobody's issue
            continue
        places = ordered(place_of(source) for source in result.sources)
        yield Finding(
            kind=kind,
            key=finding_key(places[0].resource_id, result.url),
            url=result.url,
            place=places[0],
            link=evidence(result, past, now, settings),
            replacement=result.final_url if kind is FindingKind.MOVED else None,
            places=places,
        )


def _replacement(record: Mapping[str, Any]) -> str | None:
    suggestion = record.get("suggestion") or {}
    return suggestion.get("url") if suggestion.get("action") == "replace_url" else None


def stale_findings(
    freshness: Freshness, settings: CurateSettings, lines: Mapping[str, int],
    files: Mapping[str, str] | None = None,
) -> Iterable[Finding]:
    for rid, record in freshness.items():
        url = record.get("url")
        if record.get("verdict") not in STALE_VERDICTS or (url and settings.ignored(url)):
            continue
        place = Place(
            file=(files or {}).get(rid, settings.roadmap_path),
            line=lines.get(rid),
            section=record.get("section"),
            resource=record.get("title"),
            resource_id=rid,
        )
        yield Finding(
            FindingKind.STALE,
            finding_key(rid, url),
            url,
            place,
            freshness=record,
            replacement=_replacement(record),
            low_priority=record.get("priority") == "low",
        )


def ordered(places: Iterable[Place]) -> tuple[Place, ...]:
    """Places in reading order (file, line), each once; the first one names the issue."""
    unique = dict.fromkeys(places)
    return tuple(sorted(unique, key=lambda p: (p.file, p.line is None, p.line or 0,
                                                p.resource_id or "")))


def _subject(finding: Finding) -> str:
    """What one issue is about: the URL, wherever it is used; a link-less resource alone."""
    return f"url {finding.url}" if finding.url else finding.key


def _one_issue(group: list[Finding]) -> Finding:
    """The findings about one URL as one: the most severe kind, every place, one key."""
    worst = min(group, key=lambda f: SEVERITY[f.kind])
    places = ordered(place for finding in group for place in finding.all_places)
    first = next((p for p in places if p.resource_id), None)
    key = finding_key(first.resource_id, worst.url) if first else worst.key
    keys = {finding_key(p.resource_id, worst.url) for p in places} | {f.key for f in group}
    return replace(worst, key=key, place=places[0], places=places,
                   aliases=frozenset(keys - {key}))


def _most_severe(findings: Iterable[Finding], freshness: Freshness) -> tuple[Finding, ...]:
    """One finding per URL (one URL, one issue), whatever kinds and places it came with."""
    groups: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        groups[_subject(finding)].append(finding)
    merged = (_with_freshness(_one_issue(group), freshness) for group in groups.values())
    return tuple(sorted(merged, key=lambda f: f.key))


def _with_freshness(finding: Finding, freshness: Freshness) -> Finding:
    record = freshness.get(finding.place.resource_id or "")
    if record is None or finding.freshness:
        return finding
    return replace(
        finding, freshness=record, replacement=finding.replacement or _replacement(record)
    )


def _keys_of(finding: Finding) -> frozenset[str]:
    return frozenset(finding_key(p.resource_id, finding.url) for p in finding.all_places)


def health(report: Report, freshness: Freshness | None) -> tuple[frozenset[str], frozenset[str]]:
    """Keys whose link answered this run, and keys proven fresh this run."""
    reachable = frozenset(
        finding_key(s.resource_id, r.url)
        for r in report.links
        if r.status in REACHABLE
        for s in r.sources
    )
    fresh = frozenset(
        finding_key(rid, rec.get("url"))
        for rid, rec in (freshness or {}).items()
        if rec.get("verdict") == "fresh"
    )
    return reachable, fresh


def present_keys(report: Report, freshness: Freshness | None) -> frozenset[str]:
    keys = {finding_key(s.resource_id, r.url) for r in report.links for s in r.sources}
    keys |= {finding_key(rid, rec.get("url")) for rid, rec in (freshness or {}).items()}
    return frozenset(keys)


def judge(
    history: History,
    report: Report,
    freshness: Freshness | None,
    now: datetime,
    settings: CurateSettings,
    *,
    partial: bool = False,
    lines: Mapping[str, int] | None = None,
    files: Mapping[str, str] | None = None,
) -> Judgement:
    """Findings for this run; `history` must already hold this run (fold first).

    An unhealthy run yields no findings and proves nothing healthy: nothing gets acted on.
    `lines` (resource id -> its line in roadmap.yaml) places the freshness findings;
    `files` names the file of those not in roadmap.yaml (a Markdown list's links).
    """
    reason = outage_reason(report, settings)
    if reason is not None:
        return Judgement(inconclusive_reason=reason)
    found = [
        *link_findings(report, history, now, settings),
        *stale_findings(freshness or {}, settings, lines or {}, files or {}),
    ]
    reachable, fresh = health(report, freshness)
    unverified = unverified_findings(report, history, now, settings)
    return Judgement(
        findings=_most_severe(found, freshness or {}),
        reachable=reachable,
        fresh=fresh,
        # A partial run saw only some links: the list of unconfirmed ones is left as it is.
        unverified=None if partial else unverified,
        listed=frozenset(key for f in unverified for key in _keys_of(f)),
        vouched=vouched_keys(report),
        # Without freshness records the link-less resources are unseen: "left" is unknowable.
        present=None if partial or freshness is None else present_keys(report, freshness),
    )
