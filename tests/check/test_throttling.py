"""Adaptive per-host limits over the simulated web: hosts that allow 2 to 8 requests at once
teach their limit with at most one 429 each, no verdict changes, and the report says who was
throttled; a host that refuses everything is slowed to a stop, not hammered."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace
from typing import Any

from aiohttp import web

from bot.check.engine import check_links
from bot.check.host_limits import GIVE_UP_REFUSALS
from bot.check.settings import CheckSettings
from bot.model import Link, PageSnapshot, Source, Status
from tests.simweb import (
    Capped,
    Flaky,
    Handler,
    Page,
    Redirect,
    SimWeb,
    moved_to,
    refusing_target,
)

LINKS_PER_HOST = 30


async def test_hosts_allowing_2_to_8_requests_refuse_at_most_once(
    web: SimWeb, settings: CheckSettings
) -> None:
    caps: dict[str, Capped] = {}
    urls: list[str] = []
    for cap in range(2, 9):
        host = await web.add_host(f"cap{cap}")
        host.fallback = caps[host.address] = Capped(cap, Page(latency=0.05), retry_after="0.05")
        urls += [host.url(f"/p{n}") for n in range(LINKS_PER_HOST)]
    polite = replace(settings, concurrency=64, per_host=8, run_deadline=60.0)
    report = await check_links([Link(url, (Source("list.md", 1),)) for url in urls], polite)

    assert [(r.url, r.status, r.reason) for r in report.links] == [
        (url, Status.OK, "http_200") for url in urls
    ]
    assert {address: capped.refused for address, capped in caps.items()
            if capped.refused > 1} == {}
    throttled = {entry["host"]: entry for entry in report.extra["throttling"]["hosts"]}
    refused = {address for address, capped in caps.items() if capped.refused}
    assert {host.split(":")[0] for host in throttled} == refused
    for host, entry in throttled.items():
        cap = caps[host.split(":")[0]].limit
        # after a 429 the window stays at half the level refused: within the host's limit
        assert entry["refusals"] == 1 and 1 <= entry["limit"] <= cap and entry["waited_s"] == 0.05
    assert report.extra["throttling"]["waited_s"] == round(0.05 * len(refused), 3)
    # A host that refused had been sent exactly its limit before; the window opens one slot
    # per two round trips (two successes prove a level), so the roomiest hosts got past the
    # default 4 within 30 links.
    assert all(capped.most == capped.limit for capped in caps.values() if capped.refused)
    assert all(capped.most >= 5 for capped in caps.values() if capped.limit >= 7)


async def test_a_host_that_allows_one_request_refuses_once_then_gets_one_at_a_time(
    web: SimWeb, settings: CheckSettings
) -> None:
    # A new host gets two requests at once: one that holds a single request refuses the
    # second, and that one 429 teaches it: its other links go one at a time.
    host = await web.add_host("single")
    host.fallback = capped = Capped(1, Page(latency=0.05), retry_after="0.05")
    urls = [host.url(f"/p{n}") for n in range(LINKS_PER_HOST)]
    polite = replace(settings, concurrency=64, per_host=4, run_deadline=60.0)
    report = await check_links([Link(url, (Source("list.md", 1),)) for url in urls], polite)
    assert [(r.status, r.reason) for r in report.links] == [(Status.OK, "http_200")] * len(urls)
    assert capped.refused == 1 and capped.most == 1
    (entry,) = report.extra["throttling"]["hosts"]
    assert (entry["refusals"], entry["limit"]) == (1, 1)


async def staggered(request: web.Request, hit: int) -> web.StreamResponse:
    """A page answered after 20 to 76 ms, by its number: answers come back out of order."""
    number = int(request.path.rsplit("p", 1)[1])
    await asyncio.sleep(0.02 + 0.007 * (number * 5 % 9))
    return await Page().respond(request, hit)


def busy_scrape(snapshot: PageSnapshot) -> dict[str, Any]:
    """Holds the event loop 2 ms per page, as heavy scraping does: answers wait unread, so
    the client's count of requests in flight runs ahead of the hosts'."""
    end = time.perf_counter() + 0.002
    while time.perf_counter() < end:
        pass
    return {}


async def test_a_busy_event_loop_draws_no_second_429(web: SimWeb, settings: CheckSettings) -> None:
    # 42 hosts allowing 2 to 8, answers out of order, a loop kept busy: before the window
    # stayed at half a refused level and a level needed two successes, this drew two or
    # three 429s from every host allowing 2 or 3.
    caps: dict[str, Capped] = {}
    urls: list[str] = []
    for cap in range(2, 9):
        for n in range(6):
            host = await web.add_host(f"cap{cap}-{n}")
            host.fallback = caps[host.address] = Capped(cap, Handler(staggered), retry_after="0.05")
            urls += [host.url(f"/p{number}") for number in range(40)]
    patient = replace(settings, concurrency=400, per_host=8, run_deadline=120.0,
                      connect_timeout=30.0, first_byte_timeout=30.0, total_timeout=30.0)
    report = await check_links([Link(url) for url in urls], patient, page_hook=busy_scrape)

    assert [(r.url, r.status) for r in report.links] == [(url, Status.OK) for url in urls]
    assert {address: capped.refused for address, capped in caps.items()
            if capped.refused > 1} == {}
    assert any(capped.refused for capped in caps.values())  # the limits were met


async def test_a_host_that_refuses_everything_is_not_hammered(
    web: SimWeb, settings: CheckSettings
) -> None:
    host = await web.add_host("refusing")
    host.fallback = Flaky(failures=10_000, status=503)
    urls = [host.url(f"/p{n}") for n in range(40)]
    report = await check_links([Link(url) for url in urls], replace(settings, per_host=4))
    assert host.requests == GIVE_UP_REFUSALS  # not 40 links x 3 attempts
    assert {(r.status, r.reason) for r in report.links} == {(Status.ERROR, "http_503")}
    untried = [r for r in report.links if "not_requested" in r.metadata]
    assert len(untried) >= 40 - GIVE_UP_REFUSALS
    assert all(r.final_url == r.url and r.http_status == 503 for r in untried)
    (entry,) = report.extra["throttling"]["hosts"]
    assert entry["gave_up"] is True and entry["refusals"] == GIVE_UP_REFUSALS


async def test_a_calm_run_reports_no_throttling(web: SimWeb, settings: CheckSettings) -> None:
    host = await web.add_host("calm")
    urls = [host.route(f"/p{n}", Page()) for n in range(10)]
    report = await check_links([Link(url) for url in urls], settings)
    assert report.extra["throttling"] == {"hosts": [], "waited_s": 0.0}


async def test_pauses_grow_while_a_host_keeps_refusing(
    web: SimWeb, settings: CheckSettings
) -> None:
    host = await web.add_host("overloaded")
    host.fallback = Flaky(failures=10_000, status=503)
    pauses: list[float] = []

    async def sleep(seconds: float) -> None:
        pauses.append(seconds)
        await asyncio.sleep(0)

    await check_links([Link(host.url(f"/p{n}")) for n in range(20)], settings, sleep=sleep)
    # backoff_base 0.01, backoff_max 0.05: the n-th refusal in a row waits backoff(n) at least
    assert len(pauses) == GIVE_UP_REFUSALS
    assert pauses[0] <= 0.01 and min(pauses[3:]) >= 0.025


async def test_redirects_into_a_host_that_allows_one_request_are_slowed_to_its_pace(
    web: SimWeb, settings: CheckSettings
) -> None:
    # The pages of three hosts moved to a host that allows one request at once, and that host
    # has links of its own: each lane alone would send it one at a time, all four together
    # four. The host's ceiling learns from its first answer of 429, whichever link drew it.
    target = await web.add_host("target")
    target.fallback = capped = Capped(1, Page(latency=0.05), retry_after="0.05")
    urls = [target.url(f"/own{n}") for n in range(6)]
    for k in range(3):
        moved = await web.add_host(f"moved{k}")
        urls += [moved.route(f"/old{n}", Redirect(target.url(f"/new{k}/{n}"))) for n in range(6)]
    polite = replace(settings, concurrency=64, per_host=4, run_deadline=60.0)
    report = await check_links([Link(url, (Source("list.md", 1),)) for url in urls], polite)
    assert {result.status for result in report.links} == {Status.OK, Status.REDIRECTED}
    # Its ceiling opens one place an answer, and the first 429 leaves it one place: one
    # refusal. Before, it refused 28 and some links ended in 429.
    assert capped.refused == 1 and capped.most == 1


HOLD = 0.3  # the Retry-After of the refusing hosts below, in seconds


async def test_a_host_that_refuses_redirected_requests_is_held_and_named_for_it(
    web: SimWeb, settings: CheckSettings
) -> None:
    # The pages of three hosts moved to a host that allows one request at once and has no
    # links of its own. It refused a redirected request: before, the lane whose link drew
    # the refusal was named in the report (with a limit of 1) and slowed, while the refusing
    # host was not named, and its Retry-After held back only that lane's links.
    target, arrivals = await refusing_target(web, HOLD)
    urls = await moved_to(web, target, hosts=3, links=6)
    polite = replace(settings, concurrency=64, per_host=4, run_deadline=60.0,
                     max_retry_after=1.0)
    report = await check_links([Link(url, (Source("list.md", 1),)) for url in urls], polite)

    assert {result.status for result in report.links} == {Status.REDIRECTED}
    assert arrivals.quiet_after_refusal() >= HOLD  # from every lane: held for Retry-After
    (entry,) = report.extra["throttling"]["hosts"]
    assert entry["host"] == f"{target.address}:{target.port}"
    assert (entry["refusals"], entry["limit"], entry["gave_up"]) == (1, 1, False)
    assert entry["waited_s"] >= HOLD and report.extra["throttling"]["waited_s"] >= HOLD


async def test_a_host_that_refuses_its_own_link_is_held_for_redirects_too(
    web: SimWeb, settings: CheckSettings
) -> None:
    # Its own links draw its refusal (its second request goes at 50 ms); the moved host's
    # redirects, answered after 200 ms, then wait out its Retry-After as its own lane does.
    target, arrivals = await refusing_target(web, HOLD)
    urls = [target.url(f"/own{n}") for n in range(4)]
    urls += await moved_to(web, target, hosts=1, links=6, delay=0.2)
    polite = replace(settings, concurrency=64, per_host=4, run_deadline=60.0,
                     max_retry_after=1.0)
    report = await check_links([Link(url) for url in urls], polite)

    assert {result.status for result in report.links} == {Status.OK, Status.REDIRECTED}
    assert arrivals.quiet_after_refusal() >= HOLD
