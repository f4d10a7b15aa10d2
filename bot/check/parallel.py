"""Checking with several worker processes: whole hosts dealt to forked workers (each host's
limit lives in exactly one process, so it stays exact), results streamed back over pipes and
put in the links' order, and the run judged once over all of them: the report is the one a
single process would write, whatever the number of workers.

Workers are forked (Linux, macOS), after the links are extracted and the settings resolved,
so they inherit both without pickling; only results travel back, pickled (read-only mapping
proxies as the dicts behind them). With N jobs, N - 1 processes are forked: the parent checks
the first share itself while it gathers the others'.
"""

from __future__ import annotations

import asyncio
import copyreg
import multiprocessing
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from multiprocessing.connection import Connection
from types import MappingProxyType
from typing import Any, Final

from bot.check.engine import (
    Clock,
    PageHook,
    Progress,
    Validators,
    build_report,
    check_links,
    check_pass,
    utc_now,
)
from bot.check.host_ceiling import SharedCeilings
from bot.check.host_limits import throttling_record
from bot.check.settings import CheckSettings
from bot.check.shards import deal, lane_host, merge_throttling
from bot.errors import BotError
from bot.model import Hop, Link, LinkResult, Report, Source, Verification

# A worker sends its results in batches: every BATCH results or FLUSH_SECONDS, whichever first.
# A batch stays well under a pipe's 64 KiB buffer, so sending does not stall the worker's
# event loop while the parent has not read the previous one.
BATCH = 64
FLUSH_SECONDS = 0.25
FORK: Final = "fork"  # where the platform has no fork (Windows), the check runs in one process


def _mapping_proxy(mapping: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(mapping)


def _reduce_mapping_proxy(proxy: MappingProxyType[Any, Any]) -> tuple[Any, tuple[Any, ...]]:
    return _mapping_proxy, (dict(proxy),)  # the type itself has no importable name


# A result's metadata is a read-only mapping proxy, which pickle cannot take apart on its own;
# taught here, results travel as they are, without a copy of each on both sides of the pipe.
copyreg.pickle(MappingProxyType, _reduce_mapping_proxy)


def _reduce_by_fields(record: Any) -> tuple[Any, tuple[Any, ...]]:
    # A slotted dataclass pickles through a state that lists its fields anew for every object
    # on both sides; its constructor with the values in order is the same object, for less.
    kind = type(record)
    return kind, tuple(getattr(record, name) for name in _FIELD_NAMES[kind])


_FIELD_NAMES = {kind: tuple(member.name for member in fields(kind))
                for kind in (LinkResult, Source, Hop, Verification)}
for _kind in _FIELD_NAMES:
    copyreg.pickle(_kind, _reduce_by_fields)


@dataclass(frozen=True, slots=True)
class Pass:
    """What one worker checks: its links (by index in the run) with its share of the
    global concurrency."""

    indices: tuple[int, ...]
    settings: CheckSettings


def passes(links: Sequence[Link], settings: CheckSettings, jobs: int,
           hosts: Sequence[str] | None = None) -> list[Pass]:
    """The workers' shares: hosts dealt over at most `jobs` workers (none empty), the global
    concurrency split so that together they never exceed it. `hosts`: each link's lane host,
    when the caller has them."""
    workers = max(1, min(jobs, settings.concurrency, len(links)))
    if workers == 1:  # nothing to deal: no host need be known before the first request
        groups = [list(range(len(links)))] if links else []
    else:
        if hosts is None:
            hosts = [lane_host(link, settings) for link in links]
        groups = [group for group in deal(hosts, workers) if group]
    share = max(1, settings.concurrency // max(1, len(groups)))
    return [Pass(tuple(group), replace(settings, concurrency=share)) for group in groups]


async def check_in_workers(
    links: Sequence[Link],
    settings: CheckSettings,
    jobs: int,
    *,
    inputs: Sequence[str] = (),
    page_hook: PageHook | None = None,
    validators: Validators | None = None,
    progress: Progress | None = None,
    clock: Clock = utc_now,
) -> Report:
    """`check_links` over `jobs` worker processes; one process when there is nothing to split."""
    can_fork = FORK in multiprocessing.get_all_start_methods()
    hosts = [lane_host(link, settings) for link in links] if can_fork and jobs > 1 else []
    shares = passes(links, settings, jobs, hosts) if hosts else []
    if len(shares) <= 1:
        return await check_links(links, settings, inputs=inputs, page_hook=page_hook,
                                 validators=validators, progress=progress, clock=clock)
    generated_at = clock()
    gathered = _Gathered([None] * len(links), progress)
    context = multiprocessing.get_context(FORK)
    # A host's own links live in one worker, but a redirect from any worker's link may lead
    # to it: its ceiling is counted across all of them.
    ceilings = SharedCeilings(settings, hosts, context)
    own, *others = shares
    workers = []
    for share in others:  # forked before this process opens a client of its own
        receiver, sender = context.Pipe(duplex=False)
        process = context.Process(
            target=_work, args=(sender, [links[at] for at in share.indices], share.settings,
                                page_hook, validators, clock, ceilings), daemon=True)
        process.start()
        sender.close()
        workers.append((process, receiver, share))
    try:
        async with asyncio.TaskGroup() as group:  # one worker lost ends the others' reading
            for _, receiver, share in workers:
                group.create_task(gathered.collect(receiver, share.indices))
            group.create_task(gathered.check_here([links[at] for at in own.indices], own,
                                                  page_hook, validators, clock, ceilings))
    except* BotError as lost:
        raise lost.exceptions[0] from None  # one line for the CLI, not a group
    finally:
        for process, receiver, _ in workers:
            receiver.close()
            process.join(timeout=5 if len(gathered.throttling) == len(shares) else 0)
            if process.is_alive():  # a sibling was lost: the run is over, so is its work
                process.terminate()
                process.join()
    results = tuple(result for result in gathered.results if result is not None)
    if len(results) != len(links):
        raise BotError(f"worker processes returned {len(results)} of {len(links)} results")
    return build_report(inputs, generated_at, results, merge_throttling(gathered.throttling))


@dataclass
class _Gathered:
    """The parent's side: results by index as they are decided here or arrive from workers,
    and each process's throttling."""

    results: list[LinkResult | None]
    progress: Progress | None
    throttling: list[dict[str, Any]] = field(default_factory=list)

    async def collect(self, receiver: Connection, indices: Sequence[int]) -> None:
        """Read one worker's messages until it says it is done (on the event loop's reader)."""
        loop = asyncio.get_running_loop()
        finished: asyncio.Future[None] = loop.create_future()
        descriptor = receiver.fileno()

        def readable() -> None:
            try:
                kind, payload = receiver.recv()
            except (EOFError, OSError):
                kind, payload = "lost", None
            if kind == "results":
                self._take(payload, indices)
                return
            loop.remove_reader(descriptor)
            if kind == "done":
                self.throttling.append(payload)
                finished.set_result(None)
            else:
                finished.set_exception(BotError("a worker process ended without its results"))

        loop.add_reader(descriptor, readable)
        try:
            await finished
        finally:
            loop.remove_reader(descriptor)

    async def check_here(self, links: list[Link], share: Pass, page_hook: PageHook | None,
                         validators: Validators | None, clock: Clock,
                         ceilings: SharedCeilings) -> None:
        """This process's own share, checked while the workers check theirs: one process
        fewer, and results that need no trip through a pipe."""

        def take(local: int, result: LinkResult) -> None:
            self.results[share.indices[local]] = result
            if self.progress is not None:
                self.progress(result)

        checked = await check_pass(links, share.settings, page_hook=page_hook,
                                   validators=validators, clock=clock, on_result=take,
                                   ceilings=ceilings)
        self.throttling.append(throttling_record(checked.limits))

    def _take(self, batch: list[tuple[int, LinkResult]], indices: Sequence[int]) -> None:
        for local, result in batch:
            self.results[indices[local]] = result
            if self.progress is not None:
                self.progress(result)


def _work(sender: Connection, links: list[Link], settings: CheckSettings,
          page_hook: PageHook | None, validators: Validators | None, clock: Clock,
          ceilings: SharedCeilings) -> None:
    """A worker process: check its links, streaming results back in batches."""
    # Forked from inside the parent's running event loop: this process starts its own.
    asyncio.events._set_running_loop(None)
    batch: list[tuple[int, LinkResult]] = []
    flushed = [time.monotonic()]

    def flush() -> None:
        sender.send(("results", batch[:]))
        batch.clear()
        flushed[0] = time.monotonic()

    def on_result(local: int, result: LinkResult) -> None:
        batch.append((local, result))
        if len(batch) >= BATCH or time.monotonic() - flushed[0] >= FLUSH_SECONDS:
            flush()

    checked = asyncio.run(check_pass(links, settings, page_hook=page_hook,
                                     validators=validators, clock=clock, on_result=on_result,
                                     ceilings=ceilings))
    if batch:
        flush()
    sender.send(("done", throttling_record(checked.limits)))
    sender.close()
