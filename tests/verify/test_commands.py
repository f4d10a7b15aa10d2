"""`check` and `explain` with second opinions, end to end: the CLI, the simulated web, the fake
archive; the JSON report carries `verification` and `summary.unverified`."""

from __future__ import annotations

import asyncio
import json
from argparse import Namespace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.cli import main
from bot.commands.run import VERIFY_OFF, RunOptions, options_from_args
from bot.verify.settings import VerifySettings
from tests.fakes.archive import FakeArchive, cdx_row
from tests.simweb import Page, SimWeb
from tests.verify.test_stage import CF_CHALLENGE


def config(tmp_path: Path, archive: FakeArchive) -> str:
    path = tmp_path / "roadmap-bot.yaml"
    path.write_text(f"verify:\n  archive: {archive.base}\ncheck:\n  total_timeout: 1\n"
                    "  retries: 0\n")
    return str(path)


async def cli(*argv: str) -> int:
    return await asyncio.to_thread(main, list(argv))


def recently(days: int) -> datetime:
    # The CLI runs on the real clock: captures are placed relative to it.
    return datetime.now(UTC) - timedelta(days=days)


async def test_check_reports_second_opinions(web: SimWeb, archive: FakeArchive, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    udemy = await web.add_host("udemy")
    seen = udemy.route("/course/seen/", CF_CHALLENGE)
    unseen = udemy.route("/course/unseen/", CF_CHALLENGE)
    fine = udemy.route("/fine", Page())
    archive.captures[seen] = [cdx_row(recently(9), 200, seen)]
    doc = tmp_path / "links.md"
    doc.write_text(f"- [a]({seen})\n- [b]({unseen})\n- [c]({fine})\n")
    code = await cli("check", str(doc), "--allow-private", "--no-progress",
                     "--config", config(tmp_path, archive))
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    assert data["summary"]["unverified"] == 1 and data["summary"]["blocked"] == 2
    links = {link["url"]: link for link in data["links"]}
    assert links[seen]["verification"]["verdict"] == "alive"
    assert links[seen]["verification"]["method"] == "archive"
    assert links[unseen]["verification"]["verdict"] == "unknown"
    assert links[fine]["verification"] is None
    assert archive.hits["cdx"] == 2


async def test_check_no_verify_asks_nobody(web: SimWeb, archive: FakeArchive, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    udemy = await web.add_host("udemy")
    walled = udemy.route("/course/x/", CF_CHALLENGE)
    doc = tmp_path / "links.md"
    doc.write_text(f"- [a]({walled})\n")
    await cli("check", str(doc), "--allow-private", "--no-progress", "--no-verify",
              "--config", config(tmp_path, archive))
    data = json.loads(capsys.readouterr().out)
    assert data["links"][0]["verification"] is None and data["summary"]["unverified"] == 1
    assert archive.requests == 0


async def test_explain_shows_the_second_opinions_requests_and_rule(
        web: SimWeb, archive: FakeArchive, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    udemy = await web.add_host("udemy")
    walled = udemy.route("/course/withdrawn/", CF_CHALLENGE)
    archive.captures[walled] = [cdx_row(recently(90), 200, walled),
                                cdx_row(recently(12), 404, walled)]
    code = await cli("explain", walled, "--allow-private", "--config",
                     config(tmp_path, archive))
    out = capsys.readouterr().out
    assert code == 0, "archive evidence alone never makes a link broken"
    assert "verdict: blocked (bot_protection)" in out
    assert "second opinion:" in out
    assert f"GET {archive.base}/cdx/search/cdx?" in out and "-> 200" in out
    assert "decided by rule archive:newest_gone" in out
    assert "opinion: gone by archive" in out and "probably withdrawn since" in out


async def test_explain_of_a_reachable_link_needs_no_second_opinion(
        web: SimWeb, archive: FakeArchive, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    site = await web.add_host("site")
    url = site.route("/page", Page())
    await cli("explain", url, "--allow-private", "--config", config(tmp_path, archive))
    assert "second opinion: none needed" in capsys.readouterr().out
    assert archive.requests == 0


def test_run_reads_the_verify_section(tmp_path: Path) -> None:
    path = tmp_path / "roadmap-bot.yaml"
    path.write_text("verify:\n  archive: http://127.0.0.1:9\n  recheck_days: 3\n")
    args = Namespace(roadmap="roadmap.yaml", history="h.json", reports_dir="r",
                     config=str(path), allow_private=False, dry_run=True, only_section=None,
                     only_url=None)
    options = options_from_args(args, {})
    assert options.verify == VerifySettings(archive="http://127.0.0.1:9", recheck_days=3)
    # Options built by hand (tests, scripts) never ask the real archive unless told to.
    assert RunOptions.__dataclass_fields__["verify"].default is VERIFY_OFF
    assert not VERIFY_OFF.enabled
