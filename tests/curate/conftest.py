"""Fixtures: the fake GitHub API on loopback, an adapter pointed at it, and the nights' world."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.curate.github_adapter import GitHubAdapter, GitHubSettings
from bot.roadmap.load import load_roadmap
from bot.roadmap.render import END_MARKER, START_MARKER, render_roadmap
from tests.curate.nights import HOSTS, ROADMAP, World
from tests.fakes.github_api import FakeState, serve
from tests.simweb import Page, SimWeb


@pytest.fixture
def fake() -> Iterator[FakeState]:
    state = FakeState()
    state.seed({"roadmap.yaml": "title: x\n", "README.md": "# x\n"})
    with serve(state) as running:
        yield running


def adapter_for(fake: FakeState, sleeps: list[float] | None = None) -> GitHubAdapter:
    """An adapter for the fake, with tiny backoffs and a recorded (not real) sleep."""
    settings = GitHubSettings(repository=fake.full_name, api_url=fake.base, token=fake.token,
                              timeout=2, seconds_between_writes=0, backoff=0.01)
    record = sleeps if sleeps is not None else []
    return GitHubAdapter(settings, sleep=record.append)


@pytest.fixture
def github() -> Iterator[FakeState]:
    with serve() as state:
        yield state


@pytest.fixture
async def world(github: FakeState, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                ) -> AsyncIterator[World]:
    async with SimWeb() as web:
        hosts = {name: await web.add_host(name) for name in HOSTS}
        urls = {name: host.route(f"/{name}", Page(f"<title>{name}</title>"))
                for name, host in hosts.items()}
        text = ROADMAP.format(**urls)
        (tmp_path / "roadmap.yaml").write_text(text)
        rendered = render_roadmap(load_roadmap(str(tmp_path / "roadmap.yaml")).roadmap)
        readme = f"# Readme\n\n{START_MARKER}\n{rendered}{END_MARKER}\n\nMore text.\n"
        (tmp_path / "README.md").write_text(readme)
        github.seed({"roadmap.yaml": text, "README.md": readme})
        monkeypatch.chdir(tmp_path)
        yield World(web, github, tmp_path, hosts, urls)
