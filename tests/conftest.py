"""Fixtures shared across the test packages: the local fakes of the provider APIs and of the
Internet Archive, each on a loopback port of its own for one test."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.fakes.archive import FakeArchive, start_archive
from tests.fakes.providers import Upstreams, start_upstreams


@pytest.fixture
async def upstreams() -> AsyncIterator[Upstreams]:
    running = await start_upstreams()
    try:
        yield running
    finally:
        await running.close()


@pytest.fixture
async def archive() -> AsyncIterator[FakeArchive]:
    running = await start_archive()
    try:
        yield running
    finally:
        await running.close()
