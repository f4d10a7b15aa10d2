"""`roadmap-bot respond` as the workflow runs it: everything from the Actions environment."""

from __future__ import annotations

import asyncio

import pytest

from bot.cli import main
from tests.curate.nights import World
from tests.respond.harness import CONFIG, broken_issue, env, labels, write_event


async def test_respond_reads_the_actions_environment(
        world: World, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    number = await broken_issue(world)
    (world.root / "roadmap-bot.yaml").write_text(CONFIG)
    _, path = write_event(world, number, "/roadmap-bot ignore")
    for name, value in env(world, path).items():
        monkeypatch.setenv(name, value)
    assert await asyncio.to_thread(main, ["respond"]) == 0
    assert "roadmap-bot:ignore" in labels(world, number)
    out, err = capsys.readouterr()
    assert "roadmap-bot respond: ignored" in out and world.github.token not in out + err
    monkeypatch.setenv("GITHUB_EVENT_NAME", "push")
    assert await asyncio.to_thread(main, ["respond"]) == 0
    assert "nothing to do" in capsys.readouterr().out


def test_respond_without_an_event_is_one_line(monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("GITHUB_EVENT_PATH", raising=False)
    assert main(["respond"]) == 2
    err = capsys.readouterr().err
    assert err.strip() == "roadmap-bot: no event: set GITHUB_EVENT_PATH or pass --event FILE"
