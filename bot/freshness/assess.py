"""Assessing a roadmap: one freshness record for every resource, from page metadata and providers.

The async stage: it picks a provider per resource, fetches each upstream thing once (resources
sharing a key share the answer; GitHub batches through GraphQL when it can), bounds concurrency
and time, turns every failure into an "unknown" answer, and hands the facts to the pure policy.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from datetime import UTC, date
from typing import Protocol

import aiohttp

from bot.freshness.policy import Facts, dates_from_metadata, judge
from bot.freshness.providers import BatchProvider, Provider, ProviderResult, build_providers
from bot.freshness.record import FreshnessRecord
from bot.freshness.settings import FreshnessSettings
from bot.model import LinkResult, Report
from bot.roadmap.load import RoadmapDocument
from bot.roadmap.schema import Resource, placements


class Spot(Protocol):
    """A resource and the heading it stands under: a roadmap placement, or a Markdown list's
    link (its text as title, a kind told by its URL)."""

    @property
    def resource(self) -> Resource: ...

    @property
    def heading(self) -> str: ...


def open_session(settings: FreshnessSettings) -> aiohttp.ClientSession:
    """The one HTTP session of a run, for callers that have none yet (use `async with`)."""
    return aiohttp.ClientSession(headers={"User-Agent": settings.user_agent},
                                 timeout=aiohttp.ClientTimeout(total=settings.timeout * 4))


def link_index(report: Report | None) -> tuple[dict[str, LinkResult], dict[str, LinkResult]]:
    """The report's link results by resource id (from their sources) and by URL."""
    by_id: dict[str, LinkResult] = {}
    by_url: dict[str, LinkResult] = {}
    for result in report.links if report else ():
        by_url.setdefault(result.url, result)
        if result.final_url:
            by_url.setdefault(result.final_url, result)
        for source in result.sources:
            if source.resource_id:
                by_id.setdefault(source.resource_id, result)
    return by_id, by_url


def link_for(resource: Resource, index: tuple[dict[str, LinkResult], dict[str, LinkResult]],
             ) -> LinkResult | None:
    by_id, by_url = index
    if resource.id in by_id:  # the checker may have normalised the URL; the id still matches
        return by_id[resource.id]
    return by_url.get(resource.url) if resource.url else None


def provider_for(resource: Resource, providers: Sequence[Provider]) -> Provider | None:
    return next((p for p in providers if p.matches(resource)), None)


async def _guarded(provider: Provider, resource: Resource, http: aiohttp.ClientSession,
                   limit: asyncio.Semaphore, deadline: float) -> ProviderResult:
    """One fetch that cannot raise or hang: whatever goes wrong becomes an unknown answer."""
    async with limit:
        try:
            return await asyncio.wait_for(provider.fetch(resource, http), deadline)
        except TimeoutError:
            return ProviderResult.unknown(provider.name, "timeout")
        except Exception as exc:  # a provider bug must not cost the whole run
            return ProviderResult.unknown(provider.name, f"provider failed ({type(exc).__name__})")


async def _batched(provider: Provider, resources: Sequence[Resource],
                   http: aiohttp.ClientSession, deadline: float) -> Mapping[str, ProviderResult]:
    if not isinstance(provider, BatchProvider):
        return {}
    try:
        return await asyncio.wait_for(provider.fetch_all(resources, http), deadline)
    except Exception:  # the one-by-one path below still answers
        return {}


async def fetch_results(
    wanted: Mapping[str, tuple[Provider, Resource]], http: aiohttp.ClientSession,
    settings: FreshnessSettings,
) -> dict[str, ProviderResult]:
    """Provider results by resource id; one fetch per distinct (provider, key)."""
    distinct: dict[tuple[str, str], tuple[Provider, Resource]] = {}
    for provider, resource in wanted.values():
        distinct.setdefault((provider.name, provider.key(resource)), (provider, resource))
    deadline = settings.timeout * 4
    answers: dict[tuple[str, str], ProviderResult] = {}
    for provider in {p.name: p for p, _ in distinct.values()}.values():
        mine = [r for (name, _), (_, r) in distinct.items() if name == provider.name]
        batch = await _batched(provider, mine, http, deadline)
        answers.update({(provider.name, key): value for key, value in batch.items()})
    limit = asyncio.Semaphore(settings.concurrency)
    todo = {key: pair for key, pair in distinct.items() if key not in answers}
    fetched = await asyncio.gather(*(_guarded(p, r, http, limit, deadline)
                                     for p, r in todo.values()))
    answers.update(zip(todo, fetched, strict=True))
    return {rid: answers[(p.name, p.key(r))] for rid, (p, r) in wanted.items()}


def facts_for(resource: Resource, link: LinkResult | None, provider: ProviderResult | None,
              trust_status: bool = True) -> Facts:
    """The policy's input; an inconclusive run's link verdicts are not trusted (`trust_status`)."""
    page_dates = dates_from_metadata(link.metadata) if link else ()
    status = link if link and trust_status else None
    return Facts(
        kind=resource.kind.value, has_url=resource.url is not None,
        dates=page_dates + (provider.dates if provider else ()), provider=provider,
        link_status=status.status.value if status else None,
        link_reason=status.reason if status else None,
        checked_on=link.checked_at.astimezone(UTC).date().isoformat()
        if link and link.checked_at else None,
    )


def build_record(placement: Spot, facts: Facts, settings: FreshnessSettings,
                 today: date) -> FreshnessRecord:
    resource = placement.resource
    judgement = judge(facts, settings.policy, today)
    return FreshnessRecord(
        resource_id=resource.id, title=resource.title, kind=resource.kind.value,
        url=resource.url, section=placement.heading, last_updated=judgement.last_updated,
        date_source=judgement.date_source, verdict=judgement.verdict,
        priority=judgement.priority, evidence=judgement.evidence,
        suggestion=judgement.suggestion,
        provider=facts.provider.provider if facts.provider else None,
    )


async def assess(document: RoadmapDocument, report: Report | None, settings: FreshnessSettings,
                 session: aiohttp.ClientSession, today: date) -> tuple[FreshnessRecord, ...]:
    """One record for every resource of the roadmap, in reading order, with or without a URL."""
    return await assess_spots(list(placements(document.roadmap)), report, settings, session,
                              today)


async def assess_spots(spots: Sequence[Spot], report: Report | None,
                       settings: FreshnessSettings, session: aiohttp.ClientSession,
                       today: date) -> tuple[FreshnessRecord, ...]:
    """One record for every resource of any source of truth, in the order given."""
    index = link_index(report)
    providers = build_providers(settings)
    links = {p.resource.id: link_for(p.resource, index) for p in spots}
    wanted: dict[str, tuple[Provider, Resource]] = {}
    for spot in spots:
        provider = provider_for(spot.resource, providers)
        link = links[spot.resource.id]
        if provider is None or (provider.only_without_page_date and link is not None
                                and dates_from_metadata(link.metadata)):
            continue
        wanted[spot.resource.id] = (provider, spot.resource)
    results = await fetch_results(wanted, session, settings)
    trusted = not (report and report.inconclusive)  # nothing may act on an unhealthy run
    return tuple(
        build_record(spot, facts_for(spot.resource, links[spot.resource.id],
                                     results.get(spot.resource.id), trusted), settings, today)
        for spot in spots
    )
