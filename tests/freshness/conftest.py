"""Fixtures for freshness tests: the fake upstreams on loopback, the real roadmap."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from tests.fakes.providers import Upstreams, start_upstreams

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
async def upstreams() -> AsyncIterator[Upstreams]:
    running = await start_upstreams()
    try:
        yield running
    finally:
        await running.close()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session
