"""Fixtures: the fake GitHub API on loopback, and an adapter pointed at it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.curate.github_adapter import GitHubAdapter, GitHubSettings
from tests.fakes.github_api import FakeState, serve


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
