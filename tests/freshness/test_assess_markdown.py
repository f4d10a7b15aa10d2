"""Freshness for a Markdown list: providers chosen by URL, no roadmap kinds; a renamed
repository becomes a fix of the list's own file, an archived one a stale finding there."""

from __future__ import annotations

from datetime import UTC, date, datetime

import aiohttp

from bot.curate.fixes import plan_fixes
from bot.curate.judge import judge
from bot.curate.model import FindingKind, FixKind
from bot.curate.settings import CurateSettings
from bot.freshness.assess import assess_spots
from bot.freshness.record import freshness_to_json
from bot.history.model import History
from bot.model import LinkResult, Report, Status
from bot.sources.markdown import MarkdownSource
from tests.fakes.providers import Upstreams

TODAY = date(2026, 11, 28)
NOW = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)
LIST = """\
# Awesome tools

- [Archived tool](https://github.com/octo/archived-tool) - no longer kept.
- [Renamed](https://github.com/old-owner/old-name) - moved to a new owner.
- [Deployment](https://github.com/sayakpaul/ml-deployment-k8s-fastapi) - alive.
"""


async def test_providers_by_url_for_a_markdown_list(upstreams: Upstreams,
                                                    http: aiohttp.ClientSession) -> None:
    source = MarkdownSource({"README.md": LIST})
    records = await assess_spots(source.spots(), None, upstreams.settings(), http, TODAY)
    freshness = freshness_to_json(records)
    by_url = {record["url"]: record for record in freshness.values()}
    assert {record["provider"] for record in freshness.values()} == {"github"}
    assert by_url["https://github.com/octo/archived-tool"]["verdict"] == "stale"
    assert by_url["https://github.com/old-owner/old-name"]["suggestion"]["action"] == "replace_url"
    assert by_url["https://github.com/sayakpaul/ml-deployment-k8s-fastapi"]["verdict"] == "fresh"

    results = tuple(LinkResult(link.url, Status.OK, "http_200", 200, link.url,
                               sources=link.sources) for link in source.links())
    report = Report(("README.md",), NOW, results)
    settings = CurateSettings()
    (fix,) = plan_fixes(report, freshness, settings, owns=source.owns)
    assert fix.kinds == (FixKind.RENAMED_REPO,)
    applied, files = source.edit((fix,))
    assert applied == (fix,)
    assert files["README.md"] == LIST.replace("old-owner/old-name", "new-owner/new-name")

    judgement = judge(History(), report, freshness, NOW, settings,
                      lines=source.resource_lines(), files=source.resource_files())
    (stale,) = [f for f in judgement.findings if f.kind is FindingKind.STALE]
    assert (stale.place.file, stale.place.line, stale.place.section) == (
        "README.md", 3, "Awesome tools")
