"""Requests in flight per host, whichever link sends them. The engine's lanes keep a host's own
links within its window, but a redirect from another host's link adds to that unseen: a site
that moved its pages to another host (pytorch.org/docs to docs.pytorch.org) sends every link
of its lane there, on top of the links that name the new host. So every request, first or hop,
passes its host's ceiling here. A ceiling opens as the engine's windows do (`host_limits`):
two requests at first (`OPENING_WINDOW`), one more for each answer to a request at the top of
it, up to `per_host_limit(host)`; the windows need two answers a level above their opening,
so a ceiling never holds a lane's own links back, but the first requests of several lanes
that redirect to one host reach it two at a time. After an answer of 429, whichever link
drew it, a ceiling never again allows more than half the requests that were in flight with
the refused one; a 429 to a request sent before the last lesson teaches nothing new (its
level was allowed then, not now). A request holds no ceiling while it waits for another's,
so no two wait on each other. A host that refused a request (429/503), its own link's or a
redirected one, is held (`hold`) for the pause the engine gives it (its Retry-After within
bounds, or a backoff): no request reaches it from any link until then.

With worker processes (`check --jobs N`) a host's own links live in one process, but links
of any process may redirect to it, so the counts are kept in memory the forked workers share
(`SharedCeilings`); a single process keeps them in lists of its own (`HostCeilings`).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import zlib
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Iterable, MutableSequence
from dataclasses import dataclass, fields
from multiprocessing.context import BaseContext
from types import TracebackType
from typing import Any, NamedTuple, Protocol

from bot.check.host_limits import LIMIT_STATUS, OPENING_WINDOW, REFUSAL_STATUSES, allowed_after
from bot.check.settings import CheckSettings
from bot.urls import host_key, host_of

# Hosts reached only by redirects are not known when the workers are forked: they count in
# one of these extra slots, chosen by hash. Two such hosts that share a slot count each
# other's requests against their own limits, and wait out each other's holds: slower, never
# less polite.
SPARE_SLOTS = 4096
# A place freed by another process wakes no waiter here: one waiter per host looks again
# this often.
POLL_SECONDS = 0.01


class Place(NamedTuple):
    """A request's place under a ceiling: the requests in flight with it (itself included),
    and how many lessons the ceiling had learned when it was taken."""

    level: int
    lessons: int


class Ceiling(Protocol):
    async def __aenter__(self) -> Place: ...

    async def __aexit__(self, kind: type[BaseException] | None, error: BaseException | None,
                        trace: TracebackType | None) -> Any: ...

    def heard(self, place: Place, status: int) -> None: ...

    @property
    def limit(self) -> int: ...

    def hold(self, seconds: float) -> None: ...


class Ceilings(Protocol):
    def of(self, url: str) -> Ceiling: ...


@dataclass(frozen=True)
class Slots:
    """Per slot: requests in flight, places opened beyond the first two, the learned limit (0:
    none yet), lessons learned, and until when it is held (`time.monotonic()`, one clock for
    every process of the machine)."""

    counts: MutableSequence[int]
    opened: MutableSequence[int]
    learned: MutableSequence[int]
    lessons: MutableSequence[int]
    held_until: MutableSequence[float]

    def columns(self) -> tuple[MutableSequence[float], ...]:
        return tuple(getattr(self, column.name) for column in fields(self))


class CountedCeiling:
    """One host's ceiling in one process: a place in a count per slot (`counts`: this
    process's list, or an array the forked workers share) under the slot's learned limit
    (`learned`, 0 until a 429; `lessons`, how many times it was learned), changed under
    `lock`. A waiter is woken by a release in its own process; one waiter at a time (the
    poller) also looks again every `poll` seconds for a place freed elsewhere (None: there is
    no elsewhere), and hands that on to the next in line when it leaves."""

    def __init__(self, slots: Slots, lock: Any, slot: int, limit: int,
                 poll: float | None) -> None:
        self._counts = slots.counts
        self._opened = slots.opened
        self._learned = slots.learned
        self._lessons = slots.lessons
        self._held_until = slots.held_until
        self._lock = lock
        self._slot = slot
        self._limit = limit
        self._poll = poll
        self._polling = False
        self._waiters: deque[asyncio.Future[None]] = deque()

    @property
    def limit(self) -> int:
        """The most requests it lets through at once once opened: the configured limit, or
        what a 429 taught."""
        with self._lock:
            learned = self._learned[self._slot]
        return min(self._limit, learned or self._limit)

    def hold(self, seconds: float) -> None:
        """No request passes for `seconds` from now (a longer hold already set stays)."""
        with self._lock:
            until = time.monotonic() + seconds
            if until > self._held_until[self._slot]:
                self._held_until[self._slot] = until

    def _held_for(self) -> float:
        until = self._held_until[self._slot]
        return max(0.0, until - time.monotonic()) if until else 0.0  # 0: never held

    def _take(self) -> Place | None:
        with self._lock:
            if self._held_for():
                return None
            learned = self._learned[self._slot]
            limit = min(self._limit, self._top(), learned or self._limit)
            level = self._counts[self._slot] + 1
            if level > limit:
                return None
            self._counts[self._slot] = level
            return Place(level, self._lessons[self._slot])

    async def __aenter__(self) -> Place:
        while (place := self._take()) is None:
            # A held host wakes nobody when its hold ends: each waiter looks again then.
            held = self._held_for()
            polling = not held and self._poll is not None and not self._polling
            self._polling = self._polling or polling
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            try:
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(held or (self._poll if polling else None)):
                        await waiter
            except BaseException:
                self._leave(waiter, polling)
                # Cancelled: a wake-up this waiter got, or its looking, passes to the next.
                if polling or (waiter.done() and not waiter.cancelled()):
                    self._wake_one()
                raise
            self._leave(waiter, polling)
        if self._poll is not None and not self._polling:
            self._wake_one()  # the next in line looks again, and polls in its turn
        return place

    def _leave(self, waiter: asyncio.Future[None], polling: bool) -> None:
        with contextlib.suppress(ValueError):  # gone already if a release woke it
            self._waiters.remove(waiter)
        if polling:
            self._polling = False

    async def __aexit__(self, kind: type[BaseException] | None, error: BaseException | None,
                        trace: TracebackType | None) -> None:
        with self._lock:
            self._counts[self._slot] -= 1
        self._wake_one()

    def _wake_one(self) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return

    def heard(self, place: Place, status: int) -> None:
        """The host answered the request that had `place` with `status`."""
        if status == LIMIT_STATUS:
            self._refused(place)
        elif status not in REFUSAL_STATUSES:  # a 503 is no answer here, and states no limit
            with self._lock:
                top = self._top()
                if place.level >= top and top < self._limit:
                    self._opened[self._slot] += 1  # its level was the top: one more

    def _top(self) -> int:
        """How many requests the answers so far let through at once (under the lock)."""
        return OPENING_WINDOW + self._opened[self._slot]

    def _refused(self, place: Place) -> None:
        """From now on at most half the level of the refused request, unless a lesson was
        learned since it was sent."""
        with self._lock:
            if place.lessons != self._lessons[self._slot]:
                return
            learned = self._learned[self._slot]
            half = allowed_after(LIMIT_STATUS, place.level)
            self._learned[self._slot] = min(learned, half) if learned else half
            self._lessons[self._slot] += 1


class _CeilingsOfARun(ABC):
    """A run's ceilings, one per host (as the engine keys hosts: host[:port]), made at its
    first request in a slot of `slots` (`slot_of`)."""

    def __init__(self, settings: CheckSettings, slots: Slots, lock: Any,
                 poll: float | None) -> None:
        self._settings = settings
        self._slots = slots
        self._lock = lock
        self._poll = poll
        self._gates: dict[str, CountedCeiling] = {}

    @abstractmethod
    def slot_of(self, host: str) -> int:
        """The slot that counts `host`'s requests."""

    def of(self, url: str) -> CountedCeiling:
        host = host_key(url)
        gate = self._gates.get(host)
        if gate is None:
            limit = self._settings.per_host_limit(host_of(url))
            gate = CountedCeiling(self._slots, self._lock, self.slot_of(host), limit, self._poll)
            self._gates[host] = gate
        return gate


class HostCeilings(_CeilingsOfARun):
    """The ceilings of a run in one process: its own lists, a slot added per host."""

    def __init__(self, settings: CheckSettings) -> None:
        super().__init__(settings, Slots([], [], [], [], []), contextlib.nullcontext(), None)

    def slot_of(self, host: str) -> int:
        for column in self._slots.columns():
            column.append(0)
        return len(self._slots.counts) - 1


class SharedCeilings(_CeilingsOfARun):
    """The ceilings of a run over forked workers: the slots in shared memory, changed under
    one lock. Made before the fork, with every host the links name."""

    def __init__(self, settings: CheckSettings, hosts: Iterable[str],
                 context: BaseContext) -> None:
        self._known = {host: at for at, host in enumerate(sorted(set(hosts)))}
        size = len(self._known) + SPARE_SLOTS
        slots = Slots(*(context.RawArray("d" if column.name == "held_until" else "i", size)
                        for column in fields(Slots)))
        super().__init__(settings, slots, context.Lock(), POLL_SECONDS)

    def slot_of(self, host: str) -> int:
        known = self._known.get(host)
        if known is not None:
            return known
        return len(self._known) + zlib.crc32(host.encode("utf-8")) % SPARE_SLOTS
