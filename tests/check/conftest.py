"""Fixtures for the checker's tests: the simulated web and fast, loopback-allowing settings."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from bot.check.http import HttpClient, open_client
from bot.check.settings import CheckSettings, HttpClientKind
from tests.simweb import SimHost, SimWeb

# Tiny timeouts and backoff so the whole suite runs in seconds; loopback allowed.
FAST = CheckSettings(
    concurrency=8, per_host=2, connect_timeout=1.0, first_byte_timeout=0.5, total_timeout=1.0,
    run_deadline=20.0, retries=2, backoff_base=0.01, backoff_max=0.05, max_retry_after=0.2,
    max_body_bytes=64 * 1024, max_decompressed_bytes=64 * 1024, allow_private=True,
)


@pytest.fixture(params=list(HttpClientKind), ids=lambda kind: f"via-{kind}")
def settings(request: pytest.FixtureRequest) -> CheckSettings:
    """Every checker test runs through both clients: the lean wire client must judge every
    answer as aiohttp's ClientSession does, and aiohttp stays a working second opinion."""
    return replace(FAST, http_client=request.param)


@pytest.fixture
async def web() -> AsyncIterator[SimWeb]:
    async with SimWeb() as sim:
        yield sim


@pytest.fixture
async def alpha(web: SimWeb) -> SimHost:
    return await web.add_host("alpha")


@pytest.fixture
async def beta(web: SimWeb) -> SimHost:
    return await web.add_host("beta")


@pytest.fixture
async def client(settings: CheckSettings, web: SimWeb) -> AsyncIterator[HttpClient]:
    async with open_client(replace(settings, resolve=web.resolve_table())) as http:
        yield http


@pytest.fixture
def sim(web: SimWeb) -> SimWeb:
    """The simulated web, for tests that also need `aiohttp.web` under its usual name."""
    return web
