"""The second-opinion stage: for each link the check could not see, ask in order a public
equivalent (already requested by the check through `check.remaps`), a provider API, then the
Internet Archive, remembering each answer so a quiet night asks nothing again.

Order and reuse: a remembered opinion stands for `recheck_days` while the direct check sees
the same status and reason; a change there asks at once. Opinions are recorded on the link
(`verification`); the link's status stays what the direct check saw.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from types import MappingProxyType

from bot.check.http import open_client
from bot.check.observation import Exchange
from bot.check.settings import CheckSettings
from bot.freshness.settings import FreshnessSettings
from bot.history.verifications import Remembered
from bot.model import LinkResult, Opinion, Report
from bot.report.json_report import iso
from bot.verify.archive import Archive, Asked
from bot.verify.polite import Politeness
from bot.verify.providers import Providers, provider_session
from bot.verify.rules import direct_key, public_page, reusable, wants_opinion
from bot.verify.settings import VerifySettings


@dataclass(frozen=True, slots=True)
class Trace:
    """How a link's second opinion was reached: the rule, and the requests (none if reused)."""

    rule: str
    exchanges: tuple[Exchange, ...] = ()
    remembered: bool = False


@dataclass(frozen=True, slots=True)
class Verified:
    """The report with opinions on its links, the memory to keep, and what it cost."""

    report: Report
    memory: Mapping[str, Remembered]
    traces: Mapping[str, tuple[Trace, ...]] = field(default_factory=dict)
    requests: int = 0
    asked: int = 0  # links asked afresh this run
    reused: int = 0  # links whose remembered opinion stood


@dataclass
class _Run:
    """One run's tools and its answers so far (mutable while the tasks gather)."""

    archive: Archive
    providers: Providers | None
    now: datetime
    settings: VerifySettings
    memory: Mapping[str, Remembered]
    traces: dict[str, tuple[Trace, ...]] = field(default_factory=dict)
    kept: dict[str, Remembered] = field(default_factory=dict)
    requests: int = 0
    asked: int = 0
    reused: int = 0


def _title(result: LinkResult) -> str | None:
    return next((s.resource for s in result.sources if s.resource), None)


def _answered(exchanges: tuple[Exchange, ...]) -> bool:
    """True when some API gave a real answer (a 404 from oEmbed is one; a timeout, a 5xx or
    a 429 is not): only then is the opinion worth remembering."""
    return any(e.status is not None and e.status < 500 and e.status != 429 for e in exchanges)


async def _second_opinion(run: _Run, result: LinkResult) -> LinkResult:
    remembered = run.memory.get(result.url)
    if reusable(remembered, result, run.now, run.settings.recheck_days):
        assert remembered is not None
        run.kept[result.url] = remembered
        run.traces[result.url] = (Trace(f"remembered:{remembered.asked[:10]}", remembered=True),)
        run.reused += 1
        return replace(result, verification=remembered.verification)
    run.asked += 1
    asked = await _ask(run, result)
    final = asked[-1]
    run.traces[result.url] = tuple(Trace(a.judgement.rule, a.exchanges) for a in asked)
    exchanges = tuple(e for a in asked for e in a.exchanges)
    run.requests += len(exchanges)  # each exchange is one request (no retries here)
    if _answered(exchanges):
        run.kept[result.url] = Remembered(iso(run.now) or "", direct_key(result),
                                          final.judgement.verification)
    elif remembered is not None:
        run.kept[result.url] = remembered  # the archive was out: keep what we knew
    return replace(result, verification=final.judgement.verification)


async def _ask(run: _Run, result: LinkResult) -> list[Asked]:
    """Every source asked, in order, until one says alive or gone; the decisive one last."""
    target = str(result.metadata.get("checked_as") or result.url)
    asked: list[Asked] = []
    if run.providers is not None:
        found = await run.providers.ask(target, _title(result), run.now.date().isoformat())
        if found is not None:
            asked.append(found)
            if found.judgement.verification.verdict is not Opinion.UNKNOWN:
                return asked
    return [*asked, await run.archive.ask(target, run.now)]


async def _verify_links(run: _Run, report: Report, failing_before: frozenset[str],
                        ) -> tuple[LinkResult, ...]:
    async def one(result: LinkResult) -> LinkResult:
        public = public_page(result)
        if public is not None and public.verification.verdict is not Opinion.UNKNOWN:
            run.traces[result.url] = (Trace(public.rule),)
            return replace(result, verification=public.verification)
        if not wants_opinion(result, result.url in failing_before):
            return result
        return await _second_opinion(run, result)

    return tuple(await asyncio.gather(*(one(result) for result in report.links)))


async def verify(
    report: Report, settings: VerifySettings, check: CheckSettings,
    freshness: FreshnessSettings | None, *, now: datetime,
    memory: Mapping[str, Remembered] | None = None,
    failing_before: frozenset[str] = frozenset(),
) -> Verified:
    """Second opinions for `report`'s unseen links. An inconclusive run, or the stage turned
    off, changes nothing (the memory passes through as it was)."""
    memory = memory or {}
    if report.inconclusive or not settings.enabled:
        return Verified(report, memory)
    polite = Politeness(check)
    async with open_client(check) as client, provider_session(check) as session:
        providers = Providers(session, freshness, polite, check) if freshness else None
        run = _Run(Archive(client, settings, polite), providers, now, settings, memory)
        links = await _verify_links(run, report, failing_before)
    return Verified(replace(report, links=links), MappingProxyType(dict(run.kept)),
                    MappingProxyType(dict(run.traces)), run.requests, run.asked, run.reused)
