"""The nights harness: a simulated web, the fake GitHub and a checkout, and the real `run`
pipeline driven night after night with the clock moved 24 h (fixtures in conftest.py)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.check.settings import CheckSettings
from bot.commands.run import RunOptions, nightly
from bot.curate.github_adapter import GitHubAdapter, GitHubSettings
from bot.curate.issue_text import Context
from bot.curate.plan import Action
from bot.curate.settings import CurateSettings
from bot.freshness.settings import FreshnessSettings
from bot.model import Report
from tests.fakes.github_api import FakeState
from tests.simweb import Page, SimHost, SimWeb

NIGHT0 = datetime(2026, 11, 1, 3, 0, tzinfo=UTC)
NOT_FOUND = Page("<html><title>Not Found</title><body>No such page</body></html>", status=404)
HOSTS = ("alpha", "beta", "gamma", "delta")

ROADMAP = """\
# The test roadmap: comments and quoting must survive the fixes PR.
title: Test Roadmap
sections:
  - number: "1"
    title: Basics
    items:
      - label: Reading
        resources:
          - id: alpha-guide
            title: Alpha Guide
            kind: article
            url: {alpha}   # a comment
          - id: beta-course
            title: Beta Course
            kind: course
            url: '{beta}'
      - label: More
        resources:
          - id: gamma-tutorial
            title: Gamma Tutorial
            kind: tutorial
            url: {gamma}
          - id: delta-article
            title: Delta Article
            kind: article
            url: {delta}
"""


@dataclass
class World:
    """One simulated web, one fake GitHub, and a checkout in a temporary directory."""

    web: SimWeb
    github: FakeState
    root: Path
    hosts: dict[str, SimHost]
    urls: dict[str, str]
    log: list[str] = field(default_factory=list)
    curate: CurateSettings = field(default_factory=CurateSettings)
    sleeps: list[float] = field(default_factory=list)  # the adapter's waits, recorded not slept

    def options(self, **changes: object) -> RunOptions:
        check = CheckSettings(allow_private=True, retries=0, connect_timeout=1.0,
                              first_byte_timeout=2.0, total_timeout=3.0, run_deadline=30.0)
        options = RunOptions(
            roadmap="roadmap.yaml", history_path="reports/history.json", reports_dir="reports",
            check=check, freshness=FreshnessSettings(timeout=1.0), curate=self.curate,
            context=Context(self.github.full_name, "main"),
        )
        return replace(options, **changes)  # type: ignore[arg-type]

    def adapter(self) -> GitHubAdapter:
        return GitHubAdapter(GitHubSettings(self.github.full_name, self.github.base,
                                            self.github.token, timeout=3,
                                            seconds_between_writes=0, backoff=0.01),
                             sleep=self.sleeps.append)

    async def night(self, n: float, **changes: object) -> tuple[Report, list[Action]]:
        clock = lambda: NIGHT0 + timedelta(days=n)  # noqa: E731
        self.github.calls.clear()
        return await asyncio.to_thread(nightly, self.options(**changes), self.adapter(), clock,
                                       self.log.append)

    def issues(self) -> list[dict]:
        return list(self.github.issues.values())


def break_(world: World, name: str) -> None:
    world.hosts[name].route(f"/{name}", NOT_FOUND)


def heal(world: World, name: str) -> None:
    world.hosts[name].route(f"/{name}", Page(f"<title>{name}</title>"))


def share_urls(world: World, **uses: str) -> dict[str, list[int]]:
    """Point resources at other resources' URLs (delta="beta": delta uses beta's URL);
    returns each URL's lines in roadmap.yaml."""
    roadmap = world.root / "roadmap.yaml"
    text = roadmap.read_text()
    for user, owner in uses.items():
        text = text.replace(world.urls[user], world.urls[owner])
    roadmap.write_text(text)
    lines = text.splitlines()
    return {name: [n for n, line in enumerate(lines, 1) if line.rstrip("'").endswith(url)]
            for name, url in world.urls.items()}
