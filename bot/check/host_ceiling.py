"""Requests in flight per host, whichever link sends them. The engine's lanes keep a host's
own links within its window, but a redirect from another host's link adds to that unseen: a
site that moved its pages to another host (pytorch.org/docs to docs.pytorch.org) sends every
link of its lane there, on top of the links that name the new host. So every request, first
or hop, passes its host's ceiling here: at most `per_host_limit(host)` at once. A request
holds no ceiling while it waits for another's, so no two wait on each other.

With worker processes (`check --jobs N`) a host's own links live in one process, but links
of any process may redirect to it, so the count is kept in memory the forked workers share
(`SharedCeilings`); a single process counts with asyncio semaphores (`HostCeilings`).
"""

from __future__ import annotations

import asyncio
import contextlib
import zlib
from collections import deque
from collections.abc import Iterable
from multiprocessing.context import BaseContext
from types import TracebackType
from typing import Any, Protocol

from bot.check.settings import CheckSettings
from bot.urls import host_key, host_of

# Hosts reached only by redirects are not known when the workers are forked: they count in
# one of these extra slots, chosen by hash. Two such hosts that share a slot share one ceiling
# (the lower of theirs in effect): slower, never less polite.
SPARE_SLOTS = 4096
# A ceiling released by another process wakes no waiter here: waiters look again this often.
POLL_SECONDS = 0.01


class Ceiling(Protocol):
    async def __aenter__(self) -> Any: ...

    async def __aexit__(self, kind: type[BaseException] | None, error: BaseException | None,
                        trace: TracebackType | None) -> Any: ...


class Ceilings(Protocol):
    def of(self, url: str) -> Ceiling: ...


class HostCeilings:
    """One semaphore per host (as the engine keys hosts: host[:port]), made at its first
    request: the ceilings of a run in one process."""

    def __init__(self, settings: CheckSettings) -> None:
        self._settings = settings
        self._gates: dict[str, asyncio.Semaphore] = {}

    def of(self, url: str) -> asyncio.Semaphore:
        host = host_key(url)
        gate = self._gates.get(host)
        if gate is None:
            gate = asyncio.Semaphore(self._settings.per_host_limit(host_of(url)))
            self._gates[host] = gate
        return gate


class SharedCeilings:
    """The ceilings of a run over forked workers: a count per host in shared memory, changed
    under one lock. Made before the fork, with every host the links name."""

    def __init__(self, settings: CheckSettings, hosts: Iterable[str],
                 context: BaseContext) -> None:
        self._settings = settings
        self._slots = {host: at for at, host in enumerate(sorted(set(hosts)))}
        self._counts = context.RawArray("i", len(self._slots) + SPARE_SLOTS)
        self._lock = context.Lock()
        self._gates: dict[str, SharedCeiling] = {}

    def slot_of(self, host: str) -> int:
        known = self._slots.get(host)
        if known is not None:
            return known
        return len(self._slots) + zlib.crc32(host.encode("utf-8")) % SPARE_SLOTS

    def of(self, url: str) -> SharedCeiling:
        host = host_key(url)
        gate = self._gates.get(host)
        if gate is None:
            limit = self._settings.per_host_limit(host_of(url))
            gate = SharedCeiling(self._counts, self._lock, self.slot_of(host), limit)
            self._gates[host] = gate
        return gate


class SharedCeiling:
    """One host's ceiling in one process: takes a place in the shared count, or waits for
    one (woken by a release here, or looking again every POLL_SECONDS for one elsewhere)."""

    def __init__(self, counts: Any, lock: Any, slot: int, limit: int) -> None:
        self._counts = counts
        self._lock = lock
        self._slot = slot
        self._limit = limit
        self._waiters: deque[asyncio.Future[None]] = deque()

    def _take(self) -> bool:
        with self._lock:
            if self._counts[self._slot] >= self._limit:
                return False
            self._counts[self._slot] += 1
            return True

    async def __aenter__(self) -> None:
        while not self._take():
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            try:
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(POLL_SECONDS):
                        await waiter
            finally:
                with contextlib.suppress(ValueError):
                    self._waiters.remove(waiter)

    async def __aexit__(self, kind: type[BaseException] | None, error: BaseException | None,
                        trace: TracebackType | None) -> None:
        with self._lock:
            self._counts[self._slot] -= 1
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                break
