"""How long the bot takes to give up when GitHub answers 503 to everything (issue 7's figure).

Run from the repository root: `PYTHONPATH=. .venv/bin/python benchmarks/github_failover.py`.
It serves the test suite's fake GitHub API on loopback and uses the adapter's default retry
settings (4 attempts, backoff 2 s doubling), with real sleeps.
"""

from __future__ import annotations

import time

from bot.curate.github_adapter import GitHubAdapter, GitHubSettings
from bot.errors import GitHubError
from tests.fakes.github_api import FakeState, Fault, serve


def main() -> None:
    state = FakeState()
    state.seed({"roadmap.yaml": "title: x\n"})
    with serve(state) as fake:
        fake.faults.append(Fault(at=1, status=503, times=10_000))
        settings = GitHubSettings(repository=fake.full_name, api_url=fake.base, token=fake.token)
        started = time.monotonic()
        try:
            GitHubAdapter(settings).list_issues("roadmap-bot")
        except GitHubError as exc:
            elapsed = time.monotonic() - started
            print(f"GitHubError after {elapsed:.1f} s and {len(fake.calls)} calls: {exc}")
        else:
            print("unexpected: the call succeeded")


if __name__ == "__main__":
    main()
