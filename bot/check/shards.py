"""Splitting one run over processes or runners, and joining it again: links grouped by the host
they are requested from (so a host's limit lives in exactly one place), hosts dealt to worker
processes (balanced) or to shards (stable by name), and shard reports merged into the report
an unsharded run would have written."""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from bot.check.host_limits import merged_hosts
from bot.check.http import checked_url
from bot.check.inconclusive import NETWORK_REASONS
from bot.check.settings import CheckSettings
from bot.errors import InputError
from bot.model import Link, LinkResult, Reason, Report, Status
from bot.urls import host_key

SHARD_KEY = "shard"  # the report extra a shard writes, for `merge`
THROTTLING_KEY = "throttling"
# What `unproven` may have turned from broken into error in an inconclusive shard.
BROKEN_NETWORK_REASONS = frozenset({Reason.DNS, Reason.CONNECTION_REFUSED}) & NETWORK_REASONS


def lane_host(link: Link, settings: CheckSettings) -> str:
    """The host a link is requested from (after remaps); its per-host lane in the engine."""
    target, _ = settings.remap(checked_url(link.url)[0])
    return host_key(target)


def shard_of(host: str, count: int) -> int:
    """The 1-based shard that checks `host`: the same on every runner and every night."""
    return zlib.crc32(host.encode("utf-8")) % count + 1


@dataclass(frozen=True, slots=True)
class Shard:
    """Shard `index` of `count` (1-based, as a workflow matrix counts)."""

    index: int
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        """`K/N` with 1 <= K <= N; anything else is an `InputError`."""
        index, slash, count = text.partition("/")
        if not (slash and index.isdigit() and count.isdigit()):
            raise InputError(f"--shard must look like K/N (e.g. 2/4), not {text!r}")
        shard = cls(int(index), int(count))
        if not 1 <= shard.index <= shard.count:
            raise InputError(f"--shard {text}: K must be between 1 and N")
        return shard

    def positions(self, hosts: Sequence[str]) -> list[int]:
        """Indices of the links (given by their hosts) that this shard checks."""
        return [at for at, host in enumerate(hosts) if shard_of(host, self.count) == self.index]


def deal(hosts: Sequence[str], workers: int) -> list[list[int]]:
    """Link indices per worker: whole hosts, the busiest first, each to the least-loaded
    worker (ties to the lower worker), so the split depends on the links only."""
    by_host: dict[str, list[int]] = {}
    for at, host in enumerate(hosts):
        by_host.setdefault(host, []).append(at)
    loads = [0] * max(1, workers)
    dealt: list[list[int]] = [[] for _ in loads]
    for host in sorted(by_host, key=lambda name: (-len(by_host[name]), name)):
        lightest = loads.index(min(loads))
        dealt[lightest].extend(by_host[host])
        loads[lightest] += len(by_host[host])
    return [sorted(indices) for indices in dealt]


def merge_throttling(records: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """One `throttling` record from several processes' or shards'. A host's own links live in
    one of them, but redirects from any may lead to it: its entries are merged."""
    hosts = merged_hosts(entry for record in records for entry in record.get("hosts", ()))
    waited = round(sum(float(record.get("waited_s", 0.0)) for record in records), 3)
    return {"hosts": hosts, "waited_s": waited}


def shard_extra(shard: Shard, positions: Sequence[int], total: int) -> dict[str, Any]:
    """What a shard report carries so `merge` can put its links back in the run's order."""
    return {SHARD_KEY: {"index": shard.index, "count": shard.count, "links": total,
                        "positions": list(positions)}}


def network_verdicts_restored(report: Report) -> tuple[LinkResult, ...]:
    """A shard's results before its own run-health judgement: in an inconclusive shard,
    `unproven` turned network-level `broken` into `error` (reason kept); the merged run is
    judged afresh over every shard."""
    if not report.inconclusive:
        return report.links
    return tuple(
        replace(result, status=Status.BROKEN)
        if result.status is Status.ERROR and result.reason in BROKEN_NETWORK_REASONS else result
        for result in report.links
    )


@dataclass(frozen=True, slots=True)
class MergePlan:
    """The shards checked and sorted: where each result goes, and what the run was."""

    inputs: tuple[str, ...]
    generated_at: datetime
    results: tuple[LinkResult, ...]
    throttling: dict[str, Any]


def plan_merge(reports: Sequence[tuple[str, Report]]) -> MergePlan:
    """Shard reports (with the file each came from) -> the whole run's results in order; an
    `InputError` naming the file when a report is not a shard, or shards are missing,
    repeated or from different runs."""
    shards = [(path, _shard_of_report(path, report), report) for path, report in reports]
    if not shards:
        raise InputError("merge needs at least one shard report")
    first_path, first, first_report = shards[0]
    seen: dict[int, str] = {}
    for path, shard, report in shards:
        if (shard["count"], shard["links"], report.inputs) != (
                first["count"], first["links"], first_report.inputs):
            raise InputError(f"not from the same run as {first_path} (shard count, links or "
                             "inputs differ)", path)
        if shard["index"] in seen:
            raise InputError(f"shard {shard['index']}/{shard['count']} again (also in "
                             f"{seen[shard['index']]})", path)
        seen[shard["index"]] = path
    count = int(first["count"])
    missing = [f"{index}/{count}" for index in range(1, count + 1) if index not in seen]
    if missing:
        raise InputError(f"shards missing: {', '.join(missing)}", first_path)
    return MergePlan(first_report.inputs, min(report.generated_at for _, _, report in shards),
                     _in_order(shards, first["links"]),
                     merge_throttling([dict(report.extra.get(THROTTLING_KEY) or {})
                                       for _, _, report in shards]))


def _shard_of_report(path: str, report: Report) -> dict[str, Any]:
    shard = report.extra.get(SHARD_KEY)
    if not isinstance(shard, Mapping) or len(shard.get("positions", ())) != len(report.links):
        raise InputError("not a shard report (run `check --shard K/N`)", path)
    return dict(shard)


def _in_order(shards: Sequence[tuple[str, dict[str, Any], Report]], total: int
              ) -> tuple[LinkResult, ...]:
    placed: list[LinkResult | None] = [None] * total
    for path, shard, report in shards:
        for position, result in zip(shard["positions"], network_verdicts_restored(report),
                                    strict=True):
            if not 0 <= position < total or placed[position] is not None:
                raise InputError(f"link position {position} out of place", path)
            placed[position] = result
    done = tuple(result for result in placed if result is not None)
    if len(done) != total:
        raise InputError(f"the shards hold {len(done)} of the run's {total} links", shards[0][0])
    return done
