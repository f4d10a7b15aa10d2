"""Fixtures shared across the test packages: the local fakes of the provider APIs and of the
Internet Archive, each on a loopback port of its own for one test, and the guard that keeps
every test on this machine (`tests/offline.py`)."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Iterator

import pytest

from tests.fakes.archive import FakeArchive, start_archive
from tests.fakes.providers import Upstreams, start_upstreams
from tests.offline import OffMachine


@pytest.fixture(autouse=True)
def stays_on_this_machine(monkeypatch: pytest.MonkeyPatch) -> Iterator[OffMachine]:
    """Every test: connections only to loopback, name lookups only of literal IPs and
    localhost; anything else is refused before a packet leaves, and fails the test."""
    guard = OffMachine()
    for name in ("connect", "connect_ex"):
        monkeypatch.setattr(socket.socket, name, guard.guard_connect(getattr(socket.socket, name)))
    monkeypatch.setattr(socket, "getaddrinfo", guard.guard_lookup(socket.getaddrinfo))
    monkeypatch.setattr(socket, "gethostbyname", guard.guard_lookup(socket.gethostbyname))
    yield guard
    assert not guard.attempts, f"a test tried to leave the machine: {guard.attempts}"


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
