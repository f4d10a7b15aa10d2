"""The event loop a check runs on: asyncio's, with a selector that gathers answers.

With hundreds of requests in flight, answers arrive a few at a time, and a loop that wakes for
each one pays the wake-up, a context switch and cold CPU caches for a single answer, then
sleeps again. Where the run shares the machine (its other worker processes, the runner's
other jobs, a simulated web), each of those wake-ups also takes the CPU from another process.
So when a wait that was allowed to block ends with only a few events while many files are
watched, the selector naps `NAP_SECONDS` and polls once more: the answers that arrived
meanwhile are handled in the same turn. The nap is never taken when the loop has work queued
(it asked not to block) and never outlasts the wait it was given, so no timer fires later
than it would have by more than the nap. Measured on the benchmark's 10,000 links over 200
hosts (benchmarks/README.md): ~10% less CPU with two worker processes, no slower.
"""

from __future__ import annotations

import asyncio
import selectors
import time
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

# A wake-up bringing fewer events than this is worth a nap to gather more.
FEW_EVENTS = 16
# Only a loop watching at least this many files naps: with fewer requests in flight there is
# little to gather, and each answer waits out the nap for nothing.
BUSY_FILES = 64
# Long enough for a burst of answers to land, short against any answer's round trip.
NAP_SECONDS = 0.001

_T = TypeVar("_T")
Events = list[tuple[selectors.SelectorKey, int]]


class GatheringSelector(selectors.DefaultSelector):
    """The platform's default selector (epoll, kqueue), napping after a thin wake-up (see the
    module docstring). `nap` is how it sleeps: `time.sleep`, blocking the loop on purpose."""

    def __init__(self, *, few: int = FEW_EVENTS, busy: int = BUSY_FILES,
                 seconds: float = NAP_SECONDS, nap: Callable[[float], None] = time.sleep) -> None:
        super().__init__()
        self._few = few
        self._busy = busy
        self._seconds = seconds
        self._nap = nap

    def select(self, timeout: float | None = None) -> Events:
        events: Events = super().select(timeout)
        if not events or len(events) >= self._few or len(self.get_map()) < self._busy:
            return events
        if timeout is not None and timeout <= 0:
            return events  # the loop has callbacks ready: they go first
        self._nap(self._seconds if timeout is None else min(self._seconds, timeout))
        return _merged(events, super().select(0))


def _merged(first: Events, later: Events) -> Events:
    """`first` and `later` as one list, a file that is in both once, with both masks."""
    if not later:
        return first
    at = {key.fd: index for index, (key, _) in enumerate(first)}
    for key, mask in later:
        index = at.get(key.fd)
        if index is None:
            first.append((key, mask))
        else:
            first[index] = (key, first[index][1] | mask)
    return first


def gathering_loop() -> asyncio.AbstractEventLoop:
    return asyncio.SelectorEventLoop(GatheringSelector())


def run(main: Coroutine[Any, Any, _T]) -> _T:
    """`asyncio.run(main)` on a loop whose selector gathers answers (see the module)."""
    with asyncio.Runner(loop_factory=gathering_loop) as runner:
        return runner.run(main)
