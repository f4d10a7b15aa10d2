"""Worker processes: hosts are dealt whole (each host's limit lives in one process), the global
concurrency is shared, and the report is the same whatever the number of workers."""

from __future__ import annotations

import asyncio
import json
import os
import pickle
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest

from bot.check.engine import check_links
from bot.check.parallel import check_in_workers, passes
from bot.check.settings import CheckSettings
from bot.check.shards import deal, lane_host
from bot.cli import main
from bot.commands.check import usable_cpus
from bot.errors import BotError
from bot.model import (
    Hop,
    Link,
    LinkResult,
    Method,
    Opinion,
    PageSnapshot,
    Report,
    Source,
    Status,
    Verification,
    Via,
)
from bot.report.json_report import report_to_dict
from tests.simweb import Flaky, Page, Redirect, SimWeb, moved_to, refusing_target

TIMING = ("generated_at", "checked_at", "elapsed_ms", "waited_s")


def untimed(data: Any) -> Any:
    """The report without the fields that say when or how long (they differ run to run)."""
    if isinstance(data, dict):
        return {key: untimed(value) for key, value in data.items() if key not in TIMING}
    if isinstance(data, list):
        return [untimed(item) for item in data]
    return data


def report_json(report: Report) -> Any:
    return untimed(json.loads(json.dumps(report_to_dict(report))))


def test_deal_keeps_hosts_whole_and_balances_the_busiest_first() -> None:
    hosts = ["a", "b", "a", "c", "a", "b", "d"]
    assert deal(hosts, 2) == [[0, 2, 4, 6], [1, 3, 5]]  # a | b, then c and d where lighter
    assert deal(hosts, 1) == [list(range(7))]
    assert deal(hosts, 9)[:4] == [[0, 2, 4], [1, 5], [3], [6]]


def test_passes_share_the_global_concurrency(settings: CheckSettings) -> None:
    links = [Link(f"http://h{n % 5}.example/{n}") for n in range(20)]
    shares = passes(links, replace(settings, concurrency=10), jobs=3)
    assert len(shares) == 3 and sum(share.settings.concurrency for share in shares) <= 10
    hosts = [{lane_host(links[at], settings) for at in share.indices} for share in shares]
    assert sum(len(group) for group in hosts) == 5  # no host in two workers
    assert sorted(at for share in shares for at in share.indices) == list(range(20))
    assert len(passes(links, replace(settings, concurrency=1), jobs=3)) == 1


@pytest.mark.parametrize("count", [0, 1, 7])
def test_one_worker_gets_every_link_in_order_as_dealing_would(
        settings: CheckSettings, count: int) -> None:
    links = [Link(f"http://h{n % 3}.example/{n}") for n in range(count)]
    dealt = [group for group in deal([lane_host(link, settings) for link in links], 1) if group]
    for jobs, concurrency in ((1, 10), (3, 1)):
        shares = passes(links, replace(settings, concurrency=concurrency), jobs)
        assert [list(share.indices) for share in shares] == dealt
        assert [share.settings.concurrency for share in shares] == [concurrency] * len(dealt)


async def sim_links(web: SimWeb) -> list[Link]:
    urls: list[str] = []
    for n in range(6):
        host = await web.add_host(f"w{n}")
        host.latency = 0.01
        urls += [host.route(f"/ok{k}", Page(f"<title>Page {n}.{k}</title>")) for k in range(8)]
        urls.append(host.url("/missing"))
        urls.append(host.route("/moved", Redirect(host.url("/ok0"), status=301)))
        urls.append(host.route("/flaky", Flaky(failures=1, status=500)))
    limited = await web.add_host("limited")  # one 429, then the page: a throttled host
    urls.append(limited.route("/once", Flaky(failures=1, status=429, retry_after="0.05")))
    urls += ["mailto:someone@example.org", "ftp://example.org/file"]
    return [Link(url, (Source("list.md", line),)) for line, url in enumerate(urls, start=1)]


async def test_one_worker_and_three_workers_write_the_same_report(
    web: SimWeb, settings: CheckSettings
) -> None:
    links = await sim_links(web)
    wide = replace(settings, concurrency=12, per_host=4)
    assert len(passes(links, wide, 3)) == 3
    single = await check_in_workers(links, wide, 1, inputs=["list.md"])
    web.reset_counts()
    several = await check_in_workers(links, wide, 3, inputs=["list.md"])
    assert report_json(several) == report_json(single)
    assert [result.url for result in several.links] == [link.url for link in links]
    (throttled,) = several.extra["throttling"]["hosts"]
    assert (throttled["refusals"], throttled["limit"], throttled["waited_s"]) == (1, 1, 0.05)
    # and the same as the engine alone writes
    web.reset_counts()
    alone = await check_links(links, wide, inputs=["list.md"])
    assert report_json(alone) == report_json(single)


async def test_the_jobs_flag_does_not_change_the_report(web: SimWeb, tmp_path: Path) -> None:
    links = await sim_links(web)
    doc = tmp_path / "list.md"
    doc.write_text("".join(f"- [{n}]({link.url})\n" for n, link in enumerate(links)))
    config = tmp_path / "roadmap-bot.yaml"
    config.write_text("check:\n  retries: 1\n  backoff_base: 0.01\n  backoff_max: 0.02\n"
                      "  max_retry_after: 0.1\n")
    reports = []
    for jobs in ("1", "3"):
        out = tmp_path / f"report-{jobs}.json"
        web.reset_counts()  # the flaky pages fail afresh
        code = await asyncio.to_thread(main, [
            "check", str(doc), "--allow-private", "--no-progress", "--jobs", jobs,
            "--output", str(out), "--timeout", "2", "--config", str(config)])
        assert code == 1  # the /missing links
        reports.append(untimed(json.loads(out.read_text())))
    assert reports[0] == reports[1]
    assert len(reports[0]["links"]) == len(links)


async def test_jobs_must_be_positive(tmp_path: Path) -> None:
    doc = tmp_path / "list.md"
    doc.write_text("- [a](https://example.org/)\n")
    code = await asyncio.to_thread(main, ["check", str(doc), "--jobs", "0", "--no-progress"])
    assert code == 2


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="no CPU affinity here")
def test_the_default_jobs_are_the_cpus_this_process_may_use() -> None:
    # Under taskset or a container's cpuset a worker per machine CPU would only take turns.
    # Run in a child process, whose affinity is narrowed to one CPU it may already use.
    code = (
        "import argparse, os\n"
        "from bot.commands.check import jobs_from_args\n"
        "os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})\n"
        "print(jobs_from_args(argparse.Namespace(jobs=None)),"
        " jobs_from_args(argparse.Namespace(jobs=3)))\n"
    )
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True).stdout.split()
    assert shown == ["1", "3"]


def test_the_default_jobs_stay_within_the_cgroups_cpu_limit(tmp_path: Path) -> None:
    # `docker run --cpus 1` on a machine of many CPUs: the affinity shows them all.
    (tmp_path / "proc/self").mkdir(parents=True)
    (tmp_path / "proc/self/cgroup").write_text("0::/\n", encoding="ascii")
    (tmp_path / "sys/fs/cgroup").mkdir(parents=True)
    (tmp_path / "sys/fs/cgroup/cpu.max").write_text("100000 100000\n", encoding="ascii")
    assert usable_cpus(tmp_path) == 1
    (tmp_path / "sys/fs/cgroup/cpu.max").write_text("max 100000\n", encoding="ascii")
    assert usable_cpus(tmp_path) == (
        len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count())


async def test_a_redirect_from_another_workers_host_counts_against_the_hosts_limit(
    web: SimWeb, settings: CheckSettings
) -> None:
    # The moved host's links and the target's own are dealt to different workers; the
    # target's ceiling is counted across both.
    moved, target = await web.add_host("moved"), await web.add_host("target")
    target.latency = 0.1
    urls = [moved.route(f"/old{n}", Redirect(target.route(f"/new{n}", Page()))) for n in range(8)]
    urls += [target.route(f"/p{n}", Page()) for n in range(8)]
    links = [Link(url) for url in urls]
    narrow = replace(settings, concurrency=16, per_host=2)
    shares = passes(links, narrow, 2)
    assert [{lane_host(links[at], narrow) for at in share.indices} for share in shares] == [
        {lane_host(links[0], narrow)}, {lane_host(links[8], narrow)}]
    report = await check_in_workers(links, narrow, 2)
    assert {result.status for result in report.links} == {Status.OK, Status.REDIRECTED}
    assert target.max_in_flight == 2


async def test_a_host_that_refused_is_held_in_every_worker_and_named_once(
    web: SimWeb, settings: CheckSettings
) -> None:
    # Two moved hosts, dealt to different workers, redirect to a target that allows one
    # request and asks for 0.3 s after a refusal: the worker that did not draw the refusal
    # waits it out too, and the report names the target once, not a moved host.
    target, arrivals = await refusing_target(web, 0.3)
    links = [Link(url) for url in await moved_to(web, target, hosts=2, links=6)]
    polite = replace(settings, concurrency=16, per_host=4, max_retry_after=1.0)
    assert len({lane_host(links[at], polite) for at in passes(links, polite, 2)[1].indices}) == 1
    report = await check_in_workers(links, polite, 2)
    assert {result.status for result in report.links} == {Status.REDIRECTED}
    assert arrivals.quiet_after_refusal() >= 0.3
    (entry,) = report.extra["throttling"]["hosts"]
    assert entry["host"] == f"{target.address}:{target.port}" and entry["refusals"] == 1


async def test_workers_use_the_injected_clock(web: SimWeb, settings: CheckSettings) -> None:
    links = await sim_links(web)
    moment = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)
    report = await check_in_workers(links, replace(settings, concurrency=12), 3,
                                    clock=lambda: moment)
    checked = {result.checked_at for result in report.links if result.status is not Status.SKIPPED}
    assert report.generated_at == moment and checked == {moment}


async def test_the_parent_checks_a_share_itself_beside_n_minus_one_workers(
    web: SimWeb, settings: CheckSettings
) -> None:
    links = await sim_links(web)

    def whose(snapshot: PageSnapshot) -> dict[str, Any]:
        return {"pid": os.getpid()}  # which process fetched the page

    report = await check_in_workers(links, replace(settings, concurrency=12), 3, page_hook=whose)
    pids = {result.metadata["pid"] for result in report.links if "pid" in result.metadata}
    assert os.getpid() in pids and len(pids) == 3


async def test_a_lost_worker_is_an_error_not_a_partial_report(
    web: SimWeb, settings: CheckSettings
) -> None:
    links = await sim_links(web)
    parent = os.getpid()

    def die(snapshot: PageSnapshot) -> dict[str, Any]:
        if os.getpid() != parent:  # this process checks a share of its own: it goes on
            os._exit(3)  # the worker process ends mid-run, as a crash would
        return {}

    assert len(passes(links, settings, 3)) == 3
    with pytest.raises(BotError, match="ended without its results"):
        await check_in_workers(links, settings, 3, page_hook=die)


def test_a_result_crosses_the_pipe_unchanged() -> None:
    # Workers pickle results with the reducers parallel.py registers; every field comes back.
    result = LinkResult(
        url="https://a.example/x", status=Status.REDIRECTED, reason="http_301", http_status=200,
        final_url="https://a.example/y", redirects=(Hop("https://a.example/x", 301, Via.HTTP),),
        attempts=2, elapsed_ms=41, checked_at=datetime(2026, 12, 4, 12, 0, tzinfo=UTC),
        sources=(Source("README.md", 7, "A resource", "r1", "1.1. Python"),),
        metadata=MappingProxyType({"etag": '"v1"', "dates": {"modified": "2026-01-02"}}),
        verification=Verification(Method.ARCHIVE, "https://web.archive.org/x", Opinion.ALIVE,
                                  "2026-11-30", "a capture"),
    )
    back = pickle.loads(pickle.dumps(result))
    assert back == result
    assert isinstance(back.metadata, MappingProxyType)
