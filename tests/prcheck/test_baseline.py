"""`check --baseline DIR`: only the links whose URL the base's copies of the inputs lack."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.model import Link
from bot.prcheck import new_links
from tests.simweb import Page, SimWeb


def test_new_links_are_those_the_base_lacked() -> None:
    links = [Link("https://a.example/"), Link("https://b.example/")]
    assert new_links(links, frozenset({"https://a.example/"})) == links[1:]


async def test_only_new_links_are_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    async with SimWeb() as web:
        host = await web.add_host("alpha")
        old_gone = host.route("/old-gone", Page(status=404))
        new_gone = host.route("/new-gone", Page(status=404))
        kept = host.route("/kept", Page())
        base = tmp_path / "base"
        (base / "docs").mkdir(parents=True)
        (base / "README.md").write_text(f"- [a]({old_gone})\n- [b]({kept})\n")
        (base / "docs" / "x.md").write_text("not a list yet\n")
        head = tmp_path / "head"
        (head / "docs").mkdir(parents=True)
        (head / "README.md").write_text(f"- [b]({kept})\n- [a]({old_gone})\n- [c]({new_gone})\n")
        (head / "docs" / "x.md").write_text(f"[k]({kept})\n")  # moved from another file: known
        (head / "docs" / "new.md").write_text(f"[n]({new_gone})\n")  # a file the base lacks
        monkeypatch.chdir(head)
        code = await asyncio.to_thread(main, [
            "check", "README.md", "docs/x.md", "docs/new.md", "--baseline", str(base),
            "--allow-private", "--no-progress"])
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    assert {link["url"]: link["status"] for link in report["links"]} == {new_gone: "broken"}
