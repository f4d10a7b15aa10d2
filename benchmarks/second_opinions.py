"""What second opinions cost and give on the roadmap with the real walls (issue 10's figures).

Run from the repository root: `PYTHONPATH=. .venv/bin/python benchmarks/second_opinions.py`.
It serves roadmap.yaml on the simulated web with the walls of tests/fakes/walled_roadmap.py
(six Udemy courses and LeetCode behind Cloudflare, Amazon's robot check, DataCamp behind a
login), the fake Internet Archive and the provider fakes, and runs the real nightly pipeline
(no GitHub) for a first night, a quiet night the day after, and a night a week later.
"""

from __future__ import annotations

import asyncio
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.check.settings import CheckSettings
from bot.commands.run import RunOptions, nightly
from bot.curate.issue_text import Context
from bot.curate.settings import CurateSettings
from bot.model import Status
from bot.verify.settings import VerifySettings
from tests.fakes.archive import start_archive
from tests.fakes.providers import start_upstreams
from tests.fakes.walled_roadmap import serve_roadmap
from tests.simweb import SimWeb

NIGHT = datetime(2026, 12, 4, 3, 0, tzinfo=UTC)
CHECK = CheckSettings(retries=1, backoff_base=0.01, backoff_max=0.02, total_timeout=3.0)


async def main() -> None:
    archive, upstreams = await start_archive(), await start_upstreams()
    try:
        async with SimWeb() as web:
            fixture = await serve_roadmap(web, archive, NIGHT)
            with tempfile.TemporaryDirectory() as folder:
                root = Path(folder)
                (root / "roadmap.yaml").write_text(fixture.text)
                options = RunOptions(
                    roadmap=str(root / "roadmap.yaml"), history_path=str(root / "history.json"),
                    reports_dir=str(root), check=fixture.check(web, CHECK),
                    freshness=upstreams.settings(), curate=CurateSettings(),
                    context=Context("o/r"), verify=VerifySettings(archive=archive.base))
                for name, days in (("first night", 0), ("quiet night", 1), ("a week on", 7)):
                    before, providers = archive.requests, len(upstreams.seen)
                    history = (root / "history.json").read_bytes() if days else b""
                    report, _ = await asyncio.to_thread(
                        nightly, options, None, lambda d=days: NIGHT + timedelta(days=d),
                        lambda _: None)
                    summary = report.summary
                    same = history == (root / "history.json").read_bytes()
                    print(f"{name}: {archive.requests - before} archive requests, "
                          f"{len(upstreams.seen) - providers} provider API requests (freshness), "
                          f"{summary.unverified}/{summary.total} links unconfirmed "
                          f"({summary.unverified / summary.total:.1%}), "
                          f"{summary.counts[Status.BROKEN]} broken, "
                          f"{summary.counts[Status.BLOCKED]} blocked"
                          + (f", history.json {'unchanged' if same else 'rewritten'}"
                             if days else ""))
    finally:
        await archive.close()
        await upstreams.close()


if __name__ == "__main__":
    asyncio.run(main())
