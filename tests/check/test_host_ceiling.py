"""`HostCeilings`: one ceiling per host as the engine keys hosts (scheme and default port
aside), as wide as the host's per-host limit, a domain rule's included; `SharedCeilings`: the
same count across forked processes. No request is sent: hosts here are names only."""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import pytest

from bot.check.host_ceiling import (
    POLL_SECONDS,
    SPARE_SLOTS,
    Ceiling,
    HostCeilings,
    Place,
    SharedCeilings,
)
from bot.check.host_limits import OPENING_WINDOW
from bot.check.settings import CheckSettings, DomainRule

SETTINGS = CheckSettings(per_host=3, domains=(DomainRule(host="ruled.example", per_host=1),))
if "fork" not in multiprocessing.get_all_start_methods():  # pragma: no cover - Windows
    pytest.skip("worker processes are forked", allow_module_level=True)
FORKS = multiprocessing.get_context("fork")


async def places(gate: Ceiling) -> int:
    """How many requests take a place under `gate` at once (of ten that try); all given back."""
    tries = [asyncio.create_task(gate.__aenter__()) for _ in range(10)]
    for _ in range(3):
        await asyncio.sleep(0)
    taken = [attempt for attempt in tries if attempt.done()]
    for attempt in tries:
        attempt.cancel()
    await asyncio.gather(*tries, return_exceptions=True)
    for _ in taken:  # each place given back, as a request gives back its own
        await gate.__aexit__(None, None, None)
    return len(taken)


async def test_a_host_is_one_ceiling_whatever_its_scheme_default_port_and_path() -> None:
    ceilings = HostCeilings(SETTINGS)
    first = ceilings.of("https://docs.example/a")
    assert ceilings.of("http://docs.example/b?q=1") is first
    assert ceilings.of("https://DOCS.example:443/c") is first
    assert ceilings.of("https://docs.example:8443/a") is not first
    assert ceilings.of("https://other.example/a") is not first


def opened(gate: Ceiling, answers: int) -> Ceiling:
    """`gate` after `answers` answers of 200, each to a request at the top of its window."""
    for level in range(1, answers + 1):
        gate.heard(Place(level, lessons=0), 200)
    return gate


async def test_a_ceiling_opens_one_place_an_answer_up_to_the_hosts_per_host_limit() -> None:
    ceilings = HostCeilings(SETTINGS)
    gate = ceilings.of("https://docs.example/")
    assert await places(gate) == OPENING_WINDOW == 2
    gate.heard(Place(1, lessons=0), 200)  # not at the top: proves nothing more
    assert await places(gate) == 2
    gate.heard(Place(2, lessons=0), 404)  # an answer is an answer: the host is not refusing
    assert await places(gate) == 3
    assert await places(opened(gate, 5)) == 3  # the per-host limit
    assert await places(opened(ceilings.of("https://www.ruled.example/page"), 5)) == 1


@pytest.mark.parametrize(("status", "after"), [(429, 1), (503, 2)])
async def test_a_refusal_opens_nothing(status: int, after: int) -> None:
    """At the top of the opening two: a 429 leaves half of them, a 503 no more than two."""
    gate = HostCeilings(SETTINGS).of("https://docs.example/")
    gate.heard(Place(2, lessons=0), status)
    assert await places(gate) == after


@pytest.mark.parametrize(("level", "after"), [(1, 1), (2, 1), (3, 1), (4, 2), (8, 3)])
async def test_a_429_leaves_half_the_refused_level_and_never_more(level: int, after: int) -> None:
    gate = opened(HostCeilings(replace(SETTINGS, per_host=3)).of("https://docs.example/"), 5)
    gate.heard(Place(level, lessons=0), 429)
    assert await places(gate) == after
    gate.heard(Place(8, lessons=1), 429)  # a later 429 at a higher level gives nothing back
    assert await places(opened(gate, 5)) == after


async def test_a_429_to_a_request_sent_before_the_last_lesson_teaches_nothing() -> None:
    gate = opened(HostCeilings(replace(SETTINGS, per_host=4)).of("https://docs.example/"), 5)
    gate.heard(Place(4, lessons=0), 429)
    gate.heard(Place(2, lessons=0), 429)  # in flight with the first: 2 was allowed then
    assert await places(gate) == 2
    gate.heard(Place(2, lessons=1), 429)  # sent since: 2 is too many after all
    assert await places(gate) == 1


def test_a_host_reached_only_by_redirects_counts_in_a_spare_slot() -> None:
    shared = SharedCeilings(SETTINGS, ["b.example", "a.example", "b.example"], FORKS)
    assert [shared.slot_of("a.example"), shared.slot_of("b.example")] == [0, 1]
    spare = shared.slot_of("docs.example")
    assert 2 <= spare < 2 + SPARE_SLOTS and shared.slot_of("docs.example") == spare


@contextmanager
def held_elsewhere(shared: SharedCeilings, count: int) -> Iterator[Any]:
    """A forked worker holding `count` places of docs.example until the event it yields is
    set (the places are opened for it first). Not inside an event loop: the fork happens
    before any runs in this process."""
    held, release = FORKS.Event(), FORKS.Event()

    def holder() -> None:
        async def hold() -> None:
            gate = opened(shared.of("https://docs.example/a"), count - 1)
            async with contextlib.AsyncExitStack() as stack:
                for _ in range(count):
                    await stack.enter_async_context(gate)
                held.set()
                await asyncio.to_thread(release.wait, 10)

        asyncio.run(hold())

    worker = FORKS.Process(target=holder, daemon=True)
    worker.start()
    try:
        assert held.wait(10)
        yield release
    finally:
        release.set()
        worker.join(10)
    assert worker.exitcode == 0


def test_a_shared_ceiling_holds_across_forked_processes() -> None:
    # A worker holds the only place of a host; here, taking one waits until it lets go.
    shared = SharedCeilings(replace(SETTINGS, per_host=1), ["docs.example"], FORKS)
    with held_elsewhere(shared, 1) as release:
        assert asyncio.run(waits_for_the_other(shared, release))


async def waits_for_the_other(shared: SharedCeilings, release: Any) -> bool:
    """True when taking the host's place waits while the other process holds it, and gets it
    once that one lets go."""
    gate = shared.of("http://docs.example/b")
    taking = asyncio.create_task(gate.__aenter__())
    await asyncio.sleep(5 * POLL_SECONDS)
    waited = not taking.done()
    release.set()
    await asyncio.wait_for(taking, 10)
    await gate.__aexit__(None, None, None)
    return waited


async def test_a_release_here_wakes_a_waiter_here_at_once() -> None:
    shared = SharedCeilings(replace(SETTINGS, per_host=1), ["docs.example"], FORKS)
    gate = shared.of("https://docs.example/")
    await gate.__aenter__()
    taking = asyncio.create_task(gate.__aenter__())
    await asyncio.sleep(0)
    assert not taking.done()
    await gate.__aexit__(None, None, None)
    for _ in range(3):  # a few turns of the loop, far fewer than a look every POLL_SECONDS
        await asyncio.sleep(0)
    assert taking.done()
    await gate.__aexit__(None, None, None)


def test_what_a_worker_learns_holds_in_every_worker() -> None:
    shared = SharedCeilings(SETTINGS, ["docs.example"], FORKS)

    def learner() -> None:
        gate = opened(shared.of("https://docs.example/a"), 2)  # open to 3 in that worker
        assert asyncio.run(places(gate)) == 3
        gate.heard(Place(3, lessons=0), 429)

    worker = FORKS.Process(target=learner, daemon=True)
    worker.start()
    worker.join(10)
    assert worker.exitcode == 0
    # Opened here too, as answers here would: the lesson learned there still holds.
    assert asyncio.run(places(opened(shared.of("http://docs.example/b"), 2))) == 1


def test_places_freed_elsewhere_reach_every_waiter_here() -> None:
    # Another worker holds both places and lets them go; the two waiters here learn of it
    # only by looking (one looks at a time, and hands the looking on), never by a wake-up.
    shared = SharedCeilings(replace(SETTINGS, per_host=2), ["docs.example"], FORKS)
    with held_elsewhere(shared, 2) as release:
        assert asyncio.run(both_get_places(shared, release)) == 2


async def both_get_places(shared: SharedCeilings, release: Any) -> int:
    gate = shared.of("http://docs.example/b")
    waiting = [asyncio.create_task(gate.__aenter__()) for _ in range(2)]
    await asyncio.sleep(3 * POLL_SECONDS)
    assert not any(task.done() for task in waiting)
    release.set()
    places = await asyncio.wait_for(asyncio.gather(*waiting), 10)
    return len(places)


async def test_a_waiter_cancelled_after_its_wake_up_passes_it_on() -> None:
    gate = HostCeilings(replace(SETTINGS, per_host=1)).of("https://docs.example/")
    await gate.__aenter__()
    first = asyncio.create_task(gate.__aenter__())
    second = asyncio.create_task(gate.__aenter__())
    await asyncio.sleep(0)
    await gate.__aexit__(None, None, None)  # wakes the first in line
    first.cancel()  # before it runs: the place must not be lost
    for _ in range(3):
        await asyncio.sleep(0)
    assert first.cancelled() and second.done()
    await gate.__aexit__(None, None, None)


def test_a_cancelled_poller_hands_the_looking_on() -> None:
    # Places held by another worker only: the waiter here that looks is cancelled, and the
    # next in line must look in its turn, or it would wait for a wake-up that never comes.
    shared = SharedCeilings(replace(SETTINGS, per_host=1), ["docs.example"], FORKS)
    with held_elsewhere(shared, 1) as release:
        assert asyncio.run(the_second_gets_it(shared, release))


async def the_second_gets_it(shared: SharedCeilings, release: Any) -> bool:
    gate = shared.of("http://docs.example/b")
    looking = asyncio.create_task(gate.__aenter__())
    await asyncio.sleep(0)
    waiting = asyncio.create_task(gate.__aenter__())
    await asyncio.sleep(2 * POLL_SECONDS)
    looking.cancel()
    release.set()
    await asyncio.wait_for(waiting, 10)
    return looking.cancelled()


HOLD = 0.2


async def test_a_held_host_lets_no_request_through_until_its_hold_ends() -> None:
    gate = opened(HostCeilings(SETTINGS).of("https://docs.example/a"), 2)
    await gate.__aenter__()  # one in flight, refused elsewhere: the host is held
    gate.hold(HOLD)
    start = asyncio.get_running_loop().time()
    taking = [asyncio.create_task(gate.__aenter__()) for _ in range(2)]
    await asyncio.sleep(0)
    await gate.__aexit__(None, None, None)  # a place freed during the hold wakes a waiter...
    await asyncio.sleep(HOLD / 2)
    assert not any(task.done() for task in taking)  # ...which waits for the hold to end
    await asyncio.wait_for(asyncio.gather(*taking), 10)
    assert asyncio.get_running_loop().time() - start >= HOLD
    gate.hold(0.0)  # a shorter hold leaves a longer one as it is, and an ended one ended
    assert await places(gate) == 1  # both requests still hold their places


async def test_a_hold_keeps_the_longer_of_two() -> None:
    gate = HostCeilings(SETTINGS).of("https://docs.example/a")
    gate.hold(HOLD)
    gate.hold(HOLD / 10)
    start = asyncio.get_running_loop().time()
    async with gate:
        assert asyncio.get_running_loop().time() - start >= HOLD


def test_a_host_held_in_one_worker_is_held_in_every_worker() -> None:
    shared = SharedCeilings(SETTINGS, ["docs.example", "slow.example"], FORKS)

    def holder() -> None:
        shared.of("https://docs.example/a").hold(HOLD)
        shared.of("https://slow.example/a").hold(60.0)

    before = time.monotonic()  # the hold starts later, in the worker, on the same clock
    worker = FORKS.Process(target=holder, daemon=True)
    worker.start()
    worker.join(10)
    assert worker.exitcode == 0
    assert asyncio.run(entered_at(shared.of("http://docs.example/b"))) - before >= HOLD
    assert asyncio.run(places(shared.of("http://slow.example/b"))) == 0  # held still
    assert asyncio.run(places(shared.of("http://other.example/"))) == 2  # one host's hold


async def entered_at(gate: Ceiling) -> float:
    async with gate:
        return time.monotonic()
