"""`roadmap-bot check` with no INPUT in a plain Markdown list's repository: the discovered
dot-config names the files (globs), and without one the README is the list."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from bot.cli import main
from tests.simweb import Page, SimWeb

CONFIG = """\
source:
  files: ['docs/**/*.md']
check:
  allow_private: true
  retries: 0
  total_timeout: 5
"""


async def test_dot_config_and_globs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    async with SimWeb() as web:
        host = await web.add_host("alpha")
        ok, gone = host.route("/ok", Page()), host.route("/gone", Page(status=404))
        (tmp_path / "docs" / "deep").mkdir(parents=True)
        (tmp_path / "docs" / "a.md").write_text(f"# A\n\n[ok]({ok})\n")
        (tmp_path / "docs" / "deep" / "b.md").write_text(f"# B\n\n\n[gone]({gone})\n")
        (tmp_path / "README.md").write_text("[not read](http://127.0.0.9:1/)\n")
        (tmp_path / ".roadmap-bot.yaml").write_text(CONFIG)
        monkeypatch.chdir(tmp_path)
        code = await asyncio.to_thread(main, ["check", "--no-progress"])
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    assert report["inputs"] == ["docs/a.md", "docs/deep/b.md"]
    assert [(link["status"], link["sources"][0]["file"], link["sources"][0]["line"])
            for link in report["links"]] == [("ok", "docs/a.md", 3), ("broken", "docs/deep/b.md", 4)]


async def test_the_readme_is_the_list_when_there_is_no_roadmap(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    async with SimWeb() as web:
        ok = (await web.add_host("alpha")).route("/ok", Page())
        (tmp_path / "README.md").write_text(f"# Awesome\n\n- [ok]({ok})\n")
        monkeypatch.chdir(tmp_path)
        code = await asyncio.to_thread(main, ["check", "--no-progress", "--allow-private"])
    assert code == 0
    assert json.loads(capsys.readouterr().out)["inputs"] == ["README.md"]
