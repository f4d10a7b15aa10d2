"""The check's event loop: a selector that, woken by a few events while many files are
watched, naps and gathers what arrived meanwhile into the same turn. Real sockets (pairs on
this machine); the nap is the test's own function, so what "arrives during the nap" is
written by it, not left to a clock."""

from __future__ import annotations

import asyncio
import selectors
import socket
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager

from bot.check.event_loop import BUSY_FILES, FEW_EVENTS, GatheringSelector, run

READ = selectors.EVENT_READ
WRITE = selectors.EVENT_WRITE


class Pairs:
    """`count` connected socket pairs: the near ends are watched, the far ends written to."""

    def __init__(self, stack: ExitStack, count: int) -> None:
        self.near: list[socket.socket] = []
        self.far: list[socket.socket] = []
        for _ in range(count):
            near, far = socket.socketpair()
            for end in (near, far):
                end.setblocking(False)
                stack.callback(end.close)
            self.near.append(near)
            self.far.append(far)

    def arrive(self, *which: int) -> None:
        for index in which:
            self.far[index].send(b"x")


@contextmanager
def watched(count: int, nap: Callable[[float], None], *, few: int = 3, busy: int = 4,
            seconds: float = 0.001) -> Iterator[tuple[GatheringSelector, Pairs]]:
    with ExitStack() as stack:
        pairs = Pairs(stack, count)
        selector = GatheringSelector(few=few, busy=busy, seconds=seconds, nap=nap)
        stack.callback(selector.close)
        for index, near in enumerate(pairs.near):
            selector.register(near, READ, index)
        yield selector, pairs


def ready(events: list[tuple[selectors.SelectorKey, int]]) -> dict[int, int]:
    return {key.data: mask for key, mask in events}


def test_a_thin_wake_up_naps_once_and_gathers_what_arrived_meanwhile() -> None:
    naps: list[float] = []
    with watched(6, lambda seconds: None) as (selector, pairs):
        def nap(seconds: float) -> None:
            naps.append(seconds)
            pairs.arrive(2, 4)  # two more answers land during the nap

        selector._nap = nap
        pairs.arrive(0)
        events = selector.select(timeout=1.0)
    assert ready(events) == {0: READ, 2: READ, 4: READ}
    assert len(events) == 3  # each file once
    assert naps == [0.001]


def test_without_the_nap_the_same_wake_up_brings_one_event() -> None:
    """What the nap changes: the plain selector returns the first answer alone."""
    with ExitStack() as stack:
        pairs = Pairs(stack, 6)
        plain = selectors.DefaultSelector()
        stack.callback(plain.close)
        for index, near in enumerate(pairs.near):
            plain.register(near, READ, index)
        pairs.arrive(0)
        assert ready(plain.select(timeout=1.0)) == {0: READ}


def test_a_wake_up_with_enough_events_is_handled_at_once() -> None:
    naps: list[float] = []
    with watched(6, naps.append, few=3) as (selector, pairs):
        pairs.arrive(0, 1, 2)
        assert ready(selector.select(timeout=1.0)) == {0: READ, 1: READ, 2: READ}
    assert naps == []


def test_no_nap_when_the_loop_has_callbacks_ready() -> None:
    """The loop polls with timeout 0 when it has work queued: that work goes first."""
    naps: list[float] = []
    with watched(6, naps.append) as (selector, pairs):
        pairs.arrive(0)
        assert ready(selector.select(timeout=0)) == {0: READ}
    assert naps == []


def test_no_nap_when_the_wait_ended_with_nothing() -> None:
    naps: list[float] = []
    with watched(6, naps.append) as (selector, _):
        assert selector.select(timeout=0.001) == []
    assert naps == []


def test_no_nap_while_few_files_are_watched() -> None:
    """With fewer requests in flight than `busy`, there is little to gather."""
    naps: list[float] = []
    with watched(3, naps.append, busy=4) as (selector, pairs):
        pairs.arrive(0)
        assert ready(selector.select(timeout=1.0)) == {0: READ}
    assert naps == []


def test_the_nap_never_outlasts_the_wait_it_was_given() -> None:
    """A timer due sooner than the nap would otherwise fire late."""
    naps: list[float] = []
    with watched(6, naps.append, seconds=0.05) as (selector, pairs):
        pairs.arrive(0)
        selector.select(timeout=0.002)
        pairs.arrive(1)
        selector.select(timeout=None)
    assert naps == [0.002, 0.05]


def test_a_file_ready_before_and_after_the_nap_comes_once_with_both_events() -> None:
    with watched(6, lambda seconds: None) as (selector, pairs):
        selector.modify(pairs.near[0], READ | WRITE, 0)  # writable at once, readable later
        selector._nap = lambda seconds: pairs.arrive(0)
        events = selector.select(timeout=1.0)
    assert [(key.data, mask) for key, mask in events] == [(0, READ | WRITE)]


def test_run_checks_on_a_gathering_loop() -> None:
    async def selector_kind() -> type:
        loop = asyncio.get_running_loop()
        return type(loop._selector)  # type: ignore[attr-defined]

    assert run(selector_kind()) is GatheringSelector


def test_the_defaults_nap_below_few_events_with_many_files_watched() -> None:
    """With the defaults, a wake-up with one event fewer than FEW_EVENTS naps, while
    BUSY_FILES are watched."""
    count = FEW_EVENTS - 1
    naps: list[float] = []
    with ExitStack() as stack:
        pairs = Pairs(stack, BUSY_FILES)
        selector = GatheringSelector(nap=naps.append)
        stack.callback(selector.close)
        for index, near in enumerate(pairs.near):
            selector.register(near, READ, index)
        pairs.arrive(*range(count))
        assert len(selector.select(timeout=1.0)) == count
    assert len(naps) == 1
