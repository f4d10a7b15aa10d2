"""Provider APIs as second opinions: the freshness stage's provider family, asked about a link
instead of a roadmap resource, over a session with the check's address guard and timeouts.

Only providers whose answer is about the linked page itself vouch for a link (a GitHub
repository, a YouTube video, a Substack or Medium post); Open Library knowing a book says
nothing about a shop's page for it, and PyPI answers for a package, not a URL. The session
has the check's address guard, timeouts and header limits; bodies are read by the provider
family's own bounded reader (`freshness.providers.http`).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import replace
from types import SimpleNamespace

import aiohttp

from bot.check.http import session_headers
from bot.check.observation import Exchange
from bot.check.resolver import GuardedResolver
from bot.check.session import AiohttpResolver
from bot.check.settings import CheckSettings
from bot.freshness.providers import Provider, build_providers
from bot.freshness.providers.interface import ProviderResult
from bot.freshness.settings import FreshnessSettings
from bot.roadmap.schema import Kind, Resource
from bot.verify.archive import Asked
from bot.verify.archive_rules import Judgement
from bot.verify.polite import Politeness
from bot.verify.rules import provider_opinion

# Providers whose answer is about the page a URL names (see the module docstring).
VOUCHING: frozenset[str] = frozenset({"github", "youtube", "substack", "medium"})

# The requests of the provider call running in this task (links are asked concurrently).
_REQUESTS: ContextVar[list[Exchange] | None] = ContextVar("provider_requests", default=None)


def link_resource(url: str, title: str | None) -> Resource | None:
    """A stand-in resource for a link, for providers that match on the URL alone."""
    try:
        return Resource(id="link", title=(title or url)[:300], kind=Kind.ARTICLE, url=url)
    except ValueError:
        return None


class Providers:
    """The vouching providers of one run, sharing one guarded session."""

    def __init__(self, session: aiohttp.ClientSession, settings: FreshnessSettings,
                 polite: Politeness, check: CheckSettings) -> None:
        self._session = session
        # A provider request is held to the check's time limit, like any request of the run.
        settings = replace(settings, timeout=min(settings.timeout, check.total_timeout))
        self._providers = tuple(p for p in build_providers(settings) if p.name in VOUCHING)
        self._polite = polite
        self._timeout = settings.timeout * 2

    def provider_for(self, url: str, title: str | None) -> tuple[Provider, Resource] | None:
        resource = link_resource(url, title)
        if resource is None:
            return None
        found = next((p for p in self._providers if p.matches(resource)), None)
        return (found, resource) if found else None

    async def ask(self, url: str, title: str | None, today: str) -> Asked | None:
        """The provider's opinion with the requests it made; None when no provider knows."""
        match = self.provider_for(url, title)
        if match is None:
            return None
        provider, resource = match
        requests: list[Exchange] = []
        token = _REQUESTS.set(requests)
        try:
            async with self._polite.slot(url):
                found = await self._fetch(provider, resource)
        finally:
            _REQUESTS.reset(token)
        judgement: Judgement = provider_opinion(found, today)
        return Asked(judgement, tuple(requests))

    async def _fetch(self, provider: Provider, resource: Resource) -> ProviderResult:
        try:
            return await asyncio.wait_for(provider.fetch(resource, self._session), self._timeout)
        except TimeoutError:
            return ProviderResult.unknown(provider.name, "timeout")
        except Exception as exc:  # a provider bug must not cost the run
            return ProviderResult.unknown(provider.name, f"provider failed ({type(exc).__name__})")


def _log(exchange: Exchange) -> None:
    requests = _REQUESTS.get()
    if requests is not None:
        requests.append(exchange)


def _recorder() -> aiohttp.TraceConfig:
    """Each provider request as an `Exchange`, for `explain` and the call count."""
    trace = aiohttp.TraceConfig()

    async def on_end(session: aiohttp.ClientSession, context: SimpleNamespace,
                     params: aiohttp.TraceRequestEndParams) -> None:
        _log(Exchange(params.method, str(params.url), status=params.response.status))

    async def on_error(session: aiohttp.ClientSession, context: SimpleNamespace,
                       params: aiohttp.TraceRequestExceptionParams) -> None:
        _log(Exchange(params.method, str(params.url), detail=type(params.exception).__name__))

    trace.on_request_end.append(on_end)
    trace.on_request_exception.append(on_error)
    return trace


@asynccontextmanager
async def provider_session(settings: CheckSettings) -> AsyncIterator[aiohttp.ClientSession]:
    """A session like the check's: the guarded resolver, its timeouts, no credentials from the
    environment; every request is logged."""
    guarded = GuardedResolver(settings)
    connector = aiohttp.TCPConnector(limit=settings.concurrency,
                                     resolver=AiohttpResolver(guarded))
    timeout = aiohttp.ClientTimeout(total=settings.total_timeout,
                                    connect=settings.connect_timeout,
                                    sock_read=settings.first_byte_timeout)
    try:
        async with aiohttp.ClientSession(connector=connector, timeout=timeout,
                                         headers=session_headers(settings), trust_env=False,
                                         max_line_size=settings.max_header_bytes,
                                         max_field_size=settings.max_header_bytes,
                                         trace_configs=[_recorder()]) as session:
            yield session
    finally:
        guarded.close()

