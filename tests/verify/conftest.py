"""Fixtures for second-opinion tests: the simulated web (the archive and provider fakes are
in tests/conftest.py, shared with the freshness and curation tests)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.simweb import SimWeb


@pytest.fixture
async def web() -> AsyncIterator[SimWeb]:
    async with SimWeb() as sim:
        yield sim
