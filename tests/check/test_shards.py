"""Sharded runs: `--shard K/N` is stable by host, and `merge` joins the shard reports into the
report an unsharded run writes (same links, order, verdicts, summary and health)."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.check.shards import Shard, merge_throttling, network_verdicts_restored, shard_of
from bot.cli import main
from bot.errors import InputError
from bot.model import LinkResult, Report, Status
from tests.check.test_parallel import untimed
from tests.simweb import Flaky, Page, Redirect, SimWeb

CONFIG = "check:\n  retries: 1\n  backoff_base: 0.01\n  backoff_max: 0.02\n  max_retry_after: 0.1\n"


@pytest.mark.parametrize(("host", "shard"), [("github.com", 3), ("example.org", 4),
                                             ("127.0.0.2:8080", 3), ("", 1)])
def test_a_host_always_lands_in_the_same_shard(host: str, shard: int) -> None:
    assert shard_of(host, 4) == shard  # crc32: the same on every runner, every night


def test_shards_partition_the_links() -> None:
    hosts = [f"h{n % 7}.org" for n in range(50)]
    parts = [Shard(k, 3).positions(hosts) for k in (1, 2, 3)]
    assert sorted(at for part in parts for at in part) == list(range(50))
    for part in parts:
        assert all(shard_of(hosts[at], 3) == shard_of(hosts[part[0]], 3) for at in part)


@pytest.mark.parametrize("text", ["0/3", "4/3", "3", "a/b", "1/0", "-1/3", ""])
def test_bad_shard_specs_are_input_errors(text: str) -> None:
    with pytest.raises(InputError):
        Shard.parse(text)


def test_an_inconclusive_shard_gets_its_network_verdicts_back() -> None:
    gone = LinkResult("http://a.invalid/", Status.ERROR, "dns")
    refused = LinkResult("http://b.test/", Status.ERROR, "connection_refused")
    slow = LinkResult("http://c.test/", Status.ERROR, "timeout")
    report = Report((), datetime(2026, 12, 1, tzinfo=UTC), (gone, refused, slow),
                    inconclusive=True, inconclusive_reason="offline")
    assert [r.status for r in network_verdicts_restored(report)] == [
        Status.BROKEN, Status.BROKEN, Status.ERROR]


async def cli(*argv: str) -> int:
    return await asyncio.to_thread(main, list(argv))


async def sharded_web(web: SimWeb, tmp_path: Path) -> tuple[Path, Path]:
    lines = []
    for n in range(7):
        host = await web.add_host(f"s{n}")
        lines += [f"- [ok]({host.route(f'/ok{k}', Page())})" for k in range(3)]
        lines.append(f"- [missing]({host.url('/missing')})")
        lines.append(f"- [moved]({host.route('/moved', Redirect(host.url('/ok0')))})")
    # One 429, on a host of its own: the limit it teaches (in the report's `throttling`)
    # then does not depend on how many requests happened to be in flight.
    limited = await web.add_host("limited")
    lines.append(f"- [busy]({limited.route('/busy', Flaky(1, 429, retry_after='0.02'))})")
    lines += ["- [mail](mailto:a@example.org)", f"- [again]({web.host('s0').url('/ok0')})"]
    doc, config = tmp_path / "list.md", tmp_path / "roadmap-bot.yaml"
    doc.write_text("\n".join(lines) + "\n")
    config.write_text(CONFIG)
    return doc, config


async def check(doc: Path, config: Path, out: Path, *extra: str) -> int:
    return await cli("check", str(doc), "--allow-private", "--no-progress", "--jobs", "1",
                     "--config", str(config), "--output", str(out), *extra)


def read(path: Path) -> Any:
    return untimed(json.loads(path.read_text()))


async def test_merged_shards_equal_the_unsharded_report(web: SimWeb, tmp_path: Path) -> None:
    doc, config = await sharded_web(web, tmp_path)
    assert await check(doc, config, tmp_path / "whole.json") == 1
    shards = []
    for k in (1, 2, 3):
        web.reset_counts()
        shards.append(tmp_path / f"shard-{k}.json")
        await check(doc, config, shards[-1], "--shard", f"{k}/3")
    sizes = [len(json.loads(path.read_text())["links"]) for path in shards]
    # Ports are random, so which shard a host lands in varies from run to run (a shard may
    # even be empty); together they hold every link once.
    assert sum(sizes) == len(read(tmp_path / "whole.json")["links"])
    merged = tmp_path / "merged.json"
    assert await cli("merge", *map(str, reversed(shards)), "--output", str(merged)) == 0
    assert read(merged) == read(tmp_path / "whole.json")
    assert len(read(merged)["throttling"]["hosts"]) == 1

    # The nightly takes the merged verdicts as they are: no request goes out again.
    web.reset_counts()
    some = json.loads(merged.read_text())["links"][0]["url"]
    code = await cli("run", str(doc), "--checked", str(merged), "--dry-run", "--only-url", some,
                     "--config", str(config), "--history", str(tmp_path / "history.json"),
                     "--reports-dir", str(tmp_path / "reports"))
    assert code == 0 and web.requests == 0


async def test_merge_refuses_incomplete_or_foreign_reports(
    web: SimWeb, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc, config = await sharded_web(web, tmp_path)
    one, two = tmp_path / "one.json", tmp_path / "two.json"
    await check(doc, config, one, "--shard", "1/2")
    await check(doc, config, two, "--shard", "2/2")
    await check(doc, config, tmp_path / "whole.json")
    capsys.readouterr()
    cases = {
        (str(one),): "shards missing: 2/2",
        (str(one), str(one)): "shard 1/2 again",
        (str(one), str(tmp_path / "whole.json")): "not a shard report",
    }
    for reports, message in cases.items():
        assert await cli("merge", *reports) == 2
        err = capsys.readouterr().err
        assert message in err and err.count("\n") == 1


def test_a_host_throttled_in_two_shards_is_one_entry_of_the_merged_report() -> None:
    # Its own links live in one shard, but links of the other redirect to it.
    own = {"host": "t.org", "refusals": 1, "limit": 2, "gave_up": False, "waited_s": 0.5}
    redirected = {"host": "t.org", "refusals": 1, "limit": 1, "gave_up": False, "waited_s": 0.25}
    other = {"host": "a.org", "refusals": 2, "limit": 3, "gave_up": False, "waited_s": 1.0}
    merged = merge_throttling([{"hosts": [own], "waited_s": 0.5},
                               {"hosts": [other, redirected], "waited_s": 1.25}])
    assert merged == {"hosts": [other, {**own, "refusals": 2, "limit": 1, "waited_s": 0.75}],
                      "waited_s": 1.75}
