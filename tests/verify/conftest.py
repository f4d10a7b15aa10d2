"""Fixtures for second-opinion tests: the simulated web, the fake archive, the provider fakes."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.fakes.archive import FakeArchive, start_archive
from tests.fakes.providers import Upstreams, start_upstreams
from tests.simweb import SimWeb


@pytest.fixture
async def web() -> AsyncIterator[SimWeb]:
    async with SimWeb() as sim:
        yield sim


@pytest.fixture
async def archive() -> AsyncIterator[FakeArchive]:
    running = await start_archive()
    try:
        yield running
    finally:
        await running.close()


@pytest.fixture
async def upstreams() -> AsyncIterator[Upstreams]:
    running = await start_upstreams()
    try:
        yield running
    finally:
        await running.close()
