"""The engine over the simulated web: retries, Retry-After, per-host limits, fairness between
hosts, the run deadline, skips, remaps, the page hook, validators and the run's health."""

from __future__ import annotations

import asyncio
import gc
import re
import threading
import time
from collections import deque
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp import web

from bot.check.engine import (
    FAILING_LINKS,
    GC_YOUNG_THRESHOLD,
    Lane,
    backoff,
    check_links,
    failing,
    fewer_collections,
    retry_after_seconds,
    silent,
)
from bot.check.observation import Failure, Observation
from bot.check.settings import CheckSettings, DomainRule, Remap
from bot.model import Link, LinkResult, PageSnapshot, Source, Status
from tests.simweb import Flaky, Gate, Handler, Page, Redirect, SimHost, SimWeb

NOW = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)


class Sleeps:
    """An injected sleep that records what the engine asked for and yields without waiting."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)
        await asyncio.sleep(0)


def links(*urls: str) -> list[Link]:
    return [Link(url, (Source("doc.md", n + 1),)) for n, url in enumerate(urls)]


async def run(urls: list[str], settings: CheckSettings, **kwargs: Any) -> dict[str, LinkResult]:
    report = await check_links(links(*urls), settings, **kwargs)
    return {result.url: result for result in report.links}


# ---- pure policy ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("120", 120.0),
        ("0", 0.0),
        ("Sat, 28 Nov 2026 03:00:30 GMT", 30.0),
        ("Sat, 28 Nov 2026 02:00:00 GMT", 0.0),  # in the past: no wait
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_seconds(header: str | None, seconds: float | None) -> None:
    assert retry_after_seconds(header, NOW) == seconds


@pytest.mark.parametrize(("attempt", "low", "high"), [(1, 0.25, 0.5), (2, 0.5, 1.0), (3, 1.0, 2.0),
                                                      (10, 4.0, 8.0)])
def test_backoff_grows_exponentially_within_jitter(attempt: int, low: float, high: float) -> None:
    settings = CheckSettings(backoff_base=0.5, backoff_max=8.0)
    assert backoff(attempt, settings, 0.0) == low
    assert backoff(attempt, settings, 0.999) == pytest.approx(high, rel=0.01)


# ---- retries ----------------------------------------------------------------------------------


async def test_flaky_503_then_200_is_ok_after_counted_attempts(
    alpha: SimHost, settings: CheckSettings
) -> None:
    url = alpha.route("/flaky", Flaky(failures=2, status=503))
    sleeps = Sleeps()
    result = (await run([url], settings, sleep=sleeps))[url]
    assert (result.status, result.reason, result.attempts) == (Status.OK, "http_200", 3)
    assert alpha.hits["/flaky"] == 3
    assert len(sleeps.calls) == 2 and sleeps.calls[0] < sleeps.calls[1] * 2


async def test_retries_are_bounded(alpha: SimHost, settings: CheckSettings) -> None:
    url = alpha.route("/down", Flaky(failures=100, status=500))
    result = (await run([url], settings, sleep=Sleeps()))[url]
    assert (result.status, result.reason) == (Status.ERROR, "http_500")
    assert result.attempts == settings.retries + 1 == alpha.hits["/down"]


async def test_429_retry_after_is_honoured(alpha: SimHost, settings: CheckSettings) -> None:
    url = alpha.route("/limited", Flaky(failures=1, status=429, retry_after="0.15"))
    sleeps = Sleeps()
    result = (await run([url], replace(settings, backoff_base=0.001), sleep=sleeps))[url]
    assert result.status is Status.OK and result.attempts == 2
    assert sleeps.calls == [0.15]


async def test_retry_after_beyond_the_bound_is_not_waited(
    alpha: SimHost, settings: CheckSettings
) -> None:
    url = alpha.route("/later", Flaky(failures=5, status=429, retry_after="3600"))
    sleeps = Sleeps()
    result = (await run([url], settings, sleep=sleeps))[url]
    assert (result.status, result.reason, result.attempts) == (Status.ERROR, "rate_limited", 1)
    assert sleeps.calls == []


async def test_a_404_is_not_retried(alpha: SimHost, settings: CheckSettings) -> None:
    url = alpha.url("/missing")
    result = (await run([url], settings, sleep=Sleeps()))[url]
    assert (result.status, result.reason, result.attempts) == (Status.BROKEN, "http_404", 1)


async def test_timeouts_are_retried_then_error(alpha: SimHost, settings: CheckSettings) -> None:
    url = alpha.route("/slow", Page(latency=5))
    fast = replace(settings, first_byte_timeout=0.1, total_timeout=0.2, retries=1)
    result = (await run([url], fast, sleep=Sleeps()))[url]
    assert (result.status, result.reason, result.attempts) == (Status.ERROR, "timeout", 2)


async def test_a_host_silent_for_two_links_is_not_asked_for_the_rest(
    alpha: SimHost, beta: SimHost, settings: CheckSettings
) -> None:
    # alpha never answers: its window never opens past one, so each of its links would wait
    # out every attempt after the one before. After two such links, the rest are errors
    # without a request; beta is checked as usual.
    silent = [alpha.route(f"/s{n}", Gate()) for n in range(5)]
    fine = [beta.route(f"/f{n}", Page()) for n in range(3)]
    quick = replace(settings, first_byte_timeout=0.3, total_timeout=0.5, retries=1)
    results = await run([*silent, *fine], quick, sleep=Sleeps())
    assert [results[url].status for url in fine] == [Status.OK] * 3
    assert [results[url].reason for url in silent] == ["timeout"] * 5
    assert [results[url].status for url in silent] == [Status.ERROR] * 5
    assert sorted(alpha.hits.values()) == [2, 2]  # two links, each attempt
    told = [results[url].metadata.get("not_requested") for url in silent]
    assert told == [None, None, *["the host has not answered in this run"] * 3]


async def test_a_host_failing_two_links_through_every_retry_gets_one_attempt_per_link(
    alpha: SimHost, settings: CheckSettings
) -> None:
    # A dead backend behind a live proxy: 502 for everything. After two links that failed
    # every attempt, each other link is asked once; every link is still requested and judged.
    urls = [alpha.route(f"/b{n}", Page(status=502)) for n in range(5)]
    results = await run(urls, replace(settings, retries=2), sleep=Sleeps())
    assert [results[url].reason for url in urls] == ["http_502"] * 5
    assert [alpha.hits[f"/b{n}"] for n in range(5)] == [3, 3, 1, 1, 1]


async def test_a_host_that_served_a_page_keeps_its_retries(
    alpha: SimHost, settings: CheckSettings
) -> None:
    urls = [alpha.route("/ok", Page()), *[alpha.route(f"/b{n}", Page(status=502))
                                          for n in range(3)]]
    results = await run(urls, replace(settings, retries=2), sleep=Sleeps())
    assert results[urls[0]].status is Status.OK
    assert [alpha.hits[f"/b{n}"] for n in range(3)] == [3, 3, 3]


@pytest.mark.parametrize(
    ("status", "counts"),
    [(500, True), (502, True), (504, True), (503, False), (404, False), (200, False)],
)
def test_which_answers_make_a_host_failing(status: int, counts: bool) -> None:
    final = Observation("https://broken.test/", final_status=status)
    assert failing(False, final) is counts
    assert not failing(True, final)  # a host that served a page once is not failing
    lane = Lane("broken.test", deque(), 4, 0.0, failing_links=FAILING_LINKS - 1)
    assert lane.retry and not replace(lane, failing_links=FAILING_LINKS).retry


@pytest.mark.parametrize(
    ("failure", "counts"),
    [
        (Failure.TIMEOUT, True),
        (Failure.DNS_TEMPORARY, True),  # a resolver that cannot say: as slow as a timeout
        (Failure.DNS_NXDOMAIN, False),  # a fast, final answer about the name
        (Failure.CONNECTION_REFUSED, False),  # fast: nothing to save by not asking
        (None, False),  # an HTTP answer
    ],
)
def test_which_failures_make_a_host_silent(failure: Failure | None, counts: bool) -> None:
    final = Observation("https://down.test/", failure=failure)
    assert silent(False, final) is counts
    assert not silent(True, final)  # once the host answered, nothing it does makes it silent


async def test_a_host_that_answered_once_is_asked_for_every_link(
    alpha: SimHost, settings: CheckSettings
) -> None:
    # One answer shows the host is there: links that time out may be slow pages, not a
    # host that is down, and each is asked for.
    urls = [alpha.route("/ok", Page()), *[alpha.route(f"/s{n}", Gate()) for n in range(3)]]
    quick = replace(settings, first_byte_timeout=0.3, total_timeout=0.5, retries=1)
    results = await run(urls, quick, sleep=Sleeps())
    assert [results[url].status for url in urls] == [Status.OK, *[Status.ERROR] * 3]
    assert alpha.hits["/ok"] == 1 and [alpha.hits[f"/s{n}"] for n in range(3)] == [2, 2, 2]


# ---- limits and fairness ------------------------------------------------------------------


async def test_per_host_limit_is_respected(alpha: SimHost, settings: CheckSettings) -> None:
    alpha.latency = 0.1
    urls = [alpha.route(f"/p{n}", Page()) for n in range(12)]
    results = await run(urls, replace(settings, concurrency=10, per_host=3))
    assert all(r.status is Status.OK for r in results.values())
    assert alpha.max_in_flight == 3


async def test_redirects_from_other_hosts_count_against_the_target_hosts_limit(
    alpha: SimHost, beta: SimHost, settings: CheckSettings
) -> None:
    # A host that moved its pages (pytorch.org/docs -> docs.pytorch.org) sends every link of
    # its lane to the other host, which its own links also reach: together, never more than
    # the target's limit at once.
    beta.latency = 0.1
    moved = [alpha.route(f"/old{n}", Redirect(beta.route(f"/new{n}", Page()))) for n in range(8)]
    direct = [beta.route(f"/p{n}", Page()) for n in range(8)]
    results = await run([*moved, *direct], replace(settings, concurrency=16, per_host=2))
    assert all(result.status in (Status.OK, Status.REDIRECTED) for result in results.values())
    assert beta.max_in_flight == 2


async def test_domain_rule_overrides_the_per_host_limit(
    alpha: SimHost, settings: CheckSettings
) -> None:
    alpha.latency = 0.02
    urls = [alpha.route(f"/p{n}", Page()) for n in range(6)]
    rule = DomainRule(host=alpha.address, per_host=1, delay=0.01)
    sleeps = Sleeps()
    await run(urls, replace(settings, per_host=4, domains=(rule,)), sleep=sleeps)
    assert alpha.max_in_flight == 1
    assert sleeps.calls == [0.01] * 5  # a pause between consecutive requests to the host


async def test_global_limit_is_respected(sim: SimWeb, settings: CheckSettings) -> None:
    in_flight = {"now": 0, "max": 0}

    async def counted(request: web.Request, hit: int) -> web.StreamResponse:
        in_flight["now"] += 1
        in_flight["max"] = max(in_flight["max"], in_flight["now"])
        await asyncio.sleep(0.1)
        in_flight["now"] -= 1
        return web.Response(text="ok", content_type="text/html")

    hosts = [await sim.add_host(f"h{n}") for n in range(6)]
    urls = [host.route(f"/{k}", Handler(counted)) for host in hosts for k in range(4)]
    await run(urls, replace(settings, concurrency=5, per_host=4))
    assert in_flight["max"] == 5


async def test_each_host_keeps_one_connection_when_hosts_outnumber_the_workers(
    web: SimWeb, settings: CheckSettings
) -> None:
    # Two workers serve six hosts round-robin, so a host's connection waits while the other
    # five take their turns: it must still be there for the host's next link.
    hosts = [await web.add_host(f"r{n}") for n in range(6)]
    urls = [host.route(f"/{k}", Page()) for k in range(4) for host in hosts]
    results = await run(urls, replace(settings, concurrency=2, per_host=1))
    assert [result.status for result in results.values()] == [Status.OK] * len(urls)
    assert [len(host.clients) for host in hosts] == [1] * 6


async def test_one_slow_host_does_not_stall_the_others(
    alpha: SimHost, beta: SimHost, settings: CheckSettings
) -> None:
    # Every request to alpha hangs until all of beta's links are done. If a worker waiting on
    # alpha could hold up beta's links, the gate never opens and the deadline ends the run.
    gate = Gate(Page())
    slow = [alpha.route(f"/s{n}", gate) for n in range(6)]
    fast = [beta.route(f"/f{n}", Page()) for n in range(20)]
    order: list[str] = []

    def progress(result: LinkResult) -> None:
        order.append(result.url)
        if sum(url in fast for url in order) == len(fast):
            gate.open()

    tight = replace(settings, concurrency=3, per_host=2, run_deadline=10.0, total_timeout=10.0,
                    first_byte_timeout=10.0)
    report = await check_links(links(*slow, *fast), tight, progress=progress)
    assert all(result.status is Status.OK for result in report.links)
    assert set(order[: len(fast)]) == set(fast)
    # alpha's window opens at two requests (its per-host limit here) and none of its answers
    # came while beta ran.
    assert gate.waiting <= 6 and alpha.max_in_flight <= 2


async def test_a_retry_wait_does_not_hold_a_worker(
    alpha: SimHost, beta: SimHost, settings: CheckSettings
) -> None:
    # One worker. alpha asks to come back later; the wait only ends once all of beta's links
    # are done, which needs the only worker: it must not be the one waiting.
    limited = alpha.route("/limited", Flaky(failures=1, status=429, retry_after="0.1"))
    fast = [beta.route(f"/{n}", Page()) for n in range(5)]
    beta_done = asyncio.Event()
    waits: list[float] = []

    async def sleep_until_beta_is_done(seconds: float) -> None:
        waits.append(seconds)
        await beta_done.wait()

    done: set[str] = set()

    def progress(result: LinkResult) -> None:
        done.add(result.url)
        if done >= set(fast):
            beta_done.set()

    one = replace(settings, concurrency=1, run_deadline=10.0)
    report = await check_links(links(limited, *fast), one, sleep=sleep_until_beta_is_done,
                               progress=progress)
    assert (report.links[0].url, report.links[0].status) == (limited, Status.OK)
    assert report.links[0].attempts == 2 and waits == [0.1]
    assert all(r.status is Status.OK for r in report.links)


async def test_workers_are_bounded_not_one_task_per_link(
    web: SimWeb, settings: CheckSettings
) -> None:
    hosts = [await web.add_host(f"n{n}") for n in range(5)]
    urls = [host.route(f"/{k}", Page()) for host in hosts for k in range(60)]
    peak = 0

    def progress(result: LinkResult) -> None:
        nonlocal peak
        peak = max(peak, len(asyncio.all_tasks()))

    report = await check_links(links(*urls), replace(settings, concurrency=8), progress=progress)
    assert len(report.links) == 300
    # workers + the test's own task + a few aiohttp/server helpers; far below 300
    assert peak < 8 + 40


# ---- the run deadline -------------------------------------------------------------------


async def test_deadline_marks_unfinished_links(
    alpha: SimHost, beta: SimHost, settings: CheckSettings
) -> None:
    hang = alpha.route("/hang", Gate(Page()))
    ok = beta.route("/ok", Page())
    slow = replace(settings, run_deadline=0.4, total_timeout=30.0, first_byte_timeout=30.0)
    results = await run([hang, ok], slow)
    assert (results[hang].status, results[hang].reason) == (Status.ERROR, "deadline")
    assert results[ok].status is Status.OK



@contextmanager
def answering_from_its_own_thread(delay: float) -> Iterator[str]:
    """The URL of a page served by an aiohttp.web server on loopback with an event loop of its
    own, so it answers (after `delay`) even while the test's loop is held."""
    loop = asyncio.new_event_loop()
    ready: list[str] = []

    async def page(request: web.Request) -> web.Response:
        await asyncio.sleep(delay)
        return web.Response(text="<title>Late</title>", content_type="text/html")

    async def start() -> web.AppRunner:
        app = web.Application()
        app.router.add_get("/late", page)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        ready.append(f"http://127.0.0.1:{port}/late")
        return runner

    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    runner = asyncio.run_coroutine_threadsafe(start(), loop).result(timeout=5)
    try:
        yield ready[0]
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(timeout=5)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=5)
        loop.close()


async def test_an_answer_read_as_the_deadline_strikes_is_judged(
    alpha: SimHost, settings: CheckSettings
) -> None:
    # The page hook of the first link holds the event loop past the run's deadline; the other
    # link's answer arrives meanwhile, is read when the loop goes on, and the deadline strikes
    # before any round could conclude it. It is judged on its answer, not reported unchecked.
    fast = alpha.route("/fast", Page())

    def hold(snapshot: PageSnapshot) -> dict[str, Any]:
        if snapshot.url == fast:
            time.sleep(0.6)
        return {}

    with answering_from_its_own_thread(delay=0.05) as late:
        slow = replace(settings, run_deadline=0.3, total_timeout=5.0, first_byte_timeout=5.0)
        results = await run([fast, late], slow, page_hook=hold)
    assert (results[fast].status, results[late].status, results[late].reason) == (
        Status.OK, Status.OK, "http_200")


# ---- skips, remaps, hooks, validators -------------------------------------------------------


async def test_skips_without_a_request(alpha: SimHost, settings: CheckSettings) -> None:
    excluded = alpha.route("/private/x", Page())
    rule = replace(settings, exclude=(re.compile(r"/private/"),))
    results = await run([excluded, "mailto:someone@example.org", "ftp://example.org/f"], rule)
    assert (results[excluded].status, results[excluded].reason) == (Status.SKIPPED, "excluded")
    assert results["mailto:someone@example.org"].reason == "unsupported_scheme"
    assert results["ftp://example.org/f"].reason == "unsupported_scheme"
    assert alpha.requests == 0


async def test_private_address_is_skipped_without_allow_private(alpha: SimHost) -> None:
    url = alpha.route("/ok", Page())
    results = await run([url], CheckSettings(run_deadline=10))
    assert (results[url].status, results[url].reason) == (Status.SKIPPED, "private_address")
    assert alpha.requests == 0


async def test_remap_checks_the_public_twin(alpha: SimHost, settings: CheckSettings) -> None:
    alpha.route("/courses/python", Page("<title>Python</title>"))
    app_url = alpha.url("/learn/courses/python")
    remap = Remap("app-to-public", re.compile(r"/learn/courses/"), "/courses/")
    results = await run([app_url], replace(settings, remaps=(remap,)))
    result = results[app_url]
    assert result.status is Status.OK
    assert result.metadata["remap"] == "app-to-public"
    assert result.metadata["checked_as"] == alpha.url("/courses/python")
    assert alpha.hits == {"/courses/python": 1}


async def test_page_hook_sees_html_2xx_pages_only(alpha: SimHost, settings: CheckSettings) -> None:
    page = alpha.route("/page", Page("<title>Fresh</title>", charset="latin-1"))
    pdf = alpha.route("/file.pdf", Page(b"%PDF-1.7", content_type="application/pdf", charset=None))
    gone = alpha.url("/gone")
    seen: list[PageSnapshot] = []

    def hook(snapshot: PageSnapshot) -> Mapping[str, Any]:
        seen.append(snapshot)
        return {"title": snapshot.body.decode(snapshot.encoding or "utf-8")[7:12]}

    results = await run([page, pdf, gone], settings, page_hook=hook)
    assert [snapshot.url for snapshot in seen] == [page]
    assert seen[0].encoding == "latin-1" and seen[0].http_status == 200
    assert results[page].metadata["title"] == "Fresh"
    assert "title" not in results[pdf].metadata


async def test_a_failing_page_hook_does_not_end_the_run(
    alpha: SimHost, settings: CheckSettings
) -> None:
    url = alpha.route("/page", Page())

    def hook(snapshot: PageSnapshot) -> Mapping[str, Any]:
        raise ValueError("malformed")

    result = (await run([url], settings, page_hook=hook))[url]
    assert result.status is Status.OK
    assert result.metadata["scrape_error"] == "ValueError: malformed"


async def test_validators_are_kept_and_sent_next_time(
    alpha: SimHost, settings: CheckSettings
) -> None:
    async def conditional(request: web.Request, hit: int) -> web.StreamResponse:
        if request.headers.get("If-None-Match") == '"v7"':
            return web.Response(status=304)
        headers = {"ETag": '"v7"', "Last-Modified": "Mon, 02 Nov 2026 10:00:00 GMT"}
        return web.Response(text="<title>x</title>", content_type="text/html", headers=headers)

    url = alpha.route("/doc", Handler(conditional))
    first = (await run([url], settings))[url]
    assert first.metadata["etag"] == '"v7"'
    sent = {url: (first.metadata["etag"], first.metadata["last_modified"])}
    second = (await run([url], settings, validators=sent))[url]
    assert second.http_status == 304 and second.status is Status.OK
    assert second.metadata["etag"] == '"v7"'  # carried over: a 304 need not repeat it
    assert second.metadata["last_modified"] == "Mon, 02 Nov 2026 10:00:00 GMT"


# ---- the run's health -------------------------------------------------------------------------


async def test_all_hosts_down_makes_the_run_inconclusive(
    web: SimWeb, settings: CheckSettings
) -> None:
    urls = [web.closed_port_url(f"/{n}") for n in range(3)]
    urls += [f"https://site{n}.invalid/page" for n in range(3)]
    report = await check_links(links(*urls), settings, sleep=Sleeps())
    assert report.inconclusive
    assert report.inconclusive_reason == ("6 of 6 hosts failed at the DNS or connection level: "
                                          "the machine is probably offline")
    # An offline machine fails every name: none of it proves a link gone.
    assert {(r.status, r.reason) for r in report.links} == {
        (Status.ERROR, "connection_refused"), (Status.ERROR, "dns")}
    assert not report.has_broken


async def test_healthy_run_is_conclusive(alpha: SimHost, settings: CheckSettings) -> None:
    urls = [alpha.route(f"/{n}", Page()) for n in range(3)] + [alpha.url("/missing")]
    report = await check_links(links(*urls), settings, inputs=["doc.md"], clock=lambda: NOW)
    assert not report.inconclusive and report.inconclusive_reason is None
    assert report.inputs == ("doc.md",) and report.generated_at == NOW
    assert [result.url for result in report.links] == urls  # input order kept
    assert report.links[0].checked_at == NOW
    assert report.links[0].sources == (Source("doc.md", 1),)


async def test_redirect_loop_and_permanent_redirect(alpha: SimHost, settings: CheckSettings) -> None:
    alpha.route("/new", Page())
    moved = alpha.route("/old", Redirect("/new", 301))
    alpha.route("/a", Redirect("/b"))
    loop = alpha.route("/b", Redirect("/a"))
    results = await run([moved, loop], settings)
    assert (results[moved].status, results[moved].final_url) == (Status.REDIRECTED,
                                                                  alpha.url("/new"))
    assert (results[loop].status, results[loop].reason) == (Status.BROKEN, "redirect_loop")


def test_now_is_utc() -> None:
    from bot.check.engine import utc_now

    assert utc_now().tzinfo is not None and abs(utc_now() - datetime.now(UTC)) < timedelta(1)


async def test_collections_are_rarer_during_the_run_and_as_before_after(
    alpha: SimHost, settings: CheckSettings
) -> None:
    seen: list[tuple[int, int, int]] = []

    def hook(snapshot: PageSnapshot) -> Mapping[str, Any]:
        seen.append(gc.get_threshold())
        return {}

    before = gc.get_threshold()
    urls = [alpha.route("/a", Page()), alpha.url("/missing")]
    await run(urls, settings, page_hook=hook)
    assert seen and seen[0][0] >= GC_YOUNG_THRESHOLD and seen[0][1:] == before[1:]
    assert gc.get_threshold() == before
    with pytest.raises(RuntimeError), fewer_collections():
        raise RuntimeError("a run that fails still gives the thresholds back")
    assert gc.get_threshold() == before
