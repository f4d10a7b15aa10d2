"""`assess` over the real roadmap.yaml against the fakes: a record for every resource."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import aiohttp

from bot.freshness.assess import assess
from bot.freshness.record import freshness_from_json, freshness_to_json
from bot.model import LinkResult, Report, Source, Status
from bot.roadmap.load import load_roadmap
from bot.roadmap.schema import placements
from tests.fakes.providers import Upstreams

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 11, 28)
CONTRACT_KEYS = ["resource_id", "title", "kind", "url", "section", "last_updated", "date_source",
                 "verdict", "priority", "evidence", "suggestion", "provider"]


def roadmap_ids() -> list[str]:
    document = load_roadmap(str(ROOT / "roadmap.yaml"))
    return [p.resource.id for p in placements(document.roadmap)]


async def test_every_resource_of_the_real_roadmap_gets_a_record(
        upstreams: Upstreams, http: aiohttp.ClientSession) -> None:
    document = load_roadmap(str(ROOT / "roadmap.yaml"))
    records = await assess(document, None, upstreams.settings(), http, TODAY)
    data = freshness_to_json(records)
    assert list(data) == roadmap_ids()  # every resource, linkless books included, in order
    assert all(list(item) == CONTRACT_KEYS for item in data.values())
    assert freshness_from_json(data) == records
    by_id = {r.resource_id: r for r in records}
    assert by_id["terraform-up-and-running"].verdict == "stale"  # the fake knows a 4th edition
    assert by_id["terraform-up-and-running"].suggestion.action == "update_edition"  # type: ignore[union-attr]
    assert by_id["python-crash-course"].verdict == "fresh"
    assert by_id["learning-git"].suggestion.action == "add_url"  # type: ignore[union-attr]
    assert (by_id["mlflow"].last_updated, by_id["mlflow"].date_source) == (
        "2026-11-05", "pypi:latest-release")
    assert by_id["ml-deployment-k8s-fastapi"].provider == "github"
    assert by_id["ml-deployment-k8s-fastapi"].verdict == "fresh"
    assert by_id["techworld-nana-docker-tutorial"].provider == "youtube"
    assert by_id["installing-python-virtual-environments"].last_updated == "2024-02-01"
    assert by_id["feast-feature-store-part-3"].verdict == "unknown"  # not in the feed
    assert by_id["python-basics"].verdict == "unknown"  # a topic: nothing to ask
    print(f"\nAPI calls for the real roadmap, no token: {upstreams.count()}")


async def test_api_calls_a_run_of_the_real_roadmap_costs(upstreams: Upstreams,
                                                          http: aiohttp.ClientSession) -> None:
    document = load_roadmap(str(ROOT / "roadmap.yaml"))
    await assess(document, None, upstreams.settings(), http, TODAY)
    without_token = {server: upstreams.count(server) for server in ("github", "other")}
    upstreams.seen.clear()
    await assess(document, None, upstreams.settings(token="t"), http, TODAY)
    with_token = {server: upstreams.count(server) for server in ("github", "other")}
    # 1 repository: REST = repo + latest release + branch; GraphQL = 1 POST.
    # other: 5 oEmbed + 2 PyPI + 8 Open Library searches + 4 editions lists (the works
    # matching the two books that cite an edition no search result tops: 3 for Python Crash
    # Course, 1 for The Linux Command Line) + 5 Substack + 1 Medium feed = 25
    assert without_token == {"github": 3, "other": 25}
    assert with_token == {"github": 1, "other": 25}


async def test_shared_urls_are_fetched_once(upstreams: Upstreams,
                                            http: aiohttp.ClientSession) -> None:
    document = load_roadmap(str(ROOT / "roadmap.yaml"))
    await assess(document, None, upstreams.settings(), http, TODAY)
    paths = [s.path + "?" + s.query for s in upstreams.seen]
    assert len(paths) == len(set(paths))


def _link(url: str, resource_id: str, metadata: dict[str, object],
          status: Status = Status.OK, reason: str = "http_200") -> LinkResult:
    return LinkResult(url, status, reason, 200, url, checked_at=datetime.now(UTC),
                      sources=(Source("roadmap.yaml", 1, None, resource_id),), metadata=metadata)


async def test_page_metadata_from_the_report_is_used_and_saves_blog_calls(
        upstreams: Upstreams, http: aiohttp.ClientSession) -> None:
    document = load_roadmap(str(ROOT / "roadmap.yaml"))
    substack = "https://marvelousmlops.substack.com/p/mlops-maturity-assessment"
    udemy = "https://www.udemy.com/course/bash-mastery"
    report = Report(("roadmap.yaml",), datetime.now(UTC), (
        _link(substack, "mlops-maturity-assessment", {
            "title": "MLOps maturity assessment", "published": "2023-04-01",
            "dates": [{"field": "published", "date": "2023-04-01",
                       "source": "meta:article:published_time"}]}),
        _link(udemy, "udemy-bash-mastery", {"dates": [
            {"field": "modified", "date": "2019-11-01", "source": "text:last-updated"}]}),
        _link("https://www.udemy.com/course/mlflow-course/", "udemy-mlflow-course", {},
              Status.BROKEN, "http_404"),
    ))
    records = {r.resource_id: r for r in await assess(document, report, upstreams.settings(),
                                                      http, TODAY)}
    assert records["mlops-maturity-assessment"].date_source == "meta:article:published_time"
    assert records["mlops-maturity-assessment"].provider is None  # page had a date: no API call
    assert upstreams.count("other", "/api/v1/posts/mlops-maturity-assessment") == 0
    bash = records["udemy-bash-mastery"]
    assert (bash.verdict, bash.priority, bash.last_updated) == ("review", "low", "2019-11-01")
    assert records["udemy-mlflow-course"].verdict == "broken"


async def test_a_dead_network_gives_unknown_records_not_an_exception(
        http: aiohttp.ClientSession, unused_tcp_port: int) -> None:
    from bot.freshness.settings import FreshnessSettings
    dead = f"http://127.0.0.1:{unused_tcp_port}"
    settings = FreshnessSettings(github_api=dead, github_graphql=f"{dead}/graphql", youtube=dead,
                                 pypi=dead, openlibrary=dead, substack=dead, medium=dead,
                                 github_token="t", timeout=1.0)
    document = load_roadmap(str(ROOT / "roadmap.yaml"))
    records = await assess(document, None, settings, http, TODAY)
    assert len(records) == len(roadmap_ids())
    assert {r.verdict for r in records} == {"unknown"}


async def test_an_inconclusive_run_breaks_nothing_and_ids_match_normalised_urls(
        upstreams: Upstreams, http: aiohttp.ClientSession) -> None:
    document = load_roadmap(str(ROOT / "roadmap.yaml"))
    # The checker may normalise a URL (here: no trailing slash); the resource id still matches.
    link = _link("https://www.udemy.com/course/mlflow-course", "udemy-mlflow-course",
                 {"modified": "2025-06-01"}, Status.BROKEN, "dns")
    healthy = Report(("roadmap.yaml",), datetime.now(UTC), (link,))
    unhealthy = Report(("roadmap.yaml",), datetime.now(UTC), (link,), inconclusive=True,
                       inconclusive_reason="most hosts failed at DNS")
    for report, verdict in ((healthy, "broken"), (unhealthy, "fresh")):
        records = {r.resource_id: r for r in await assess(document, report,
                                                          upstreams.settings(), http, TODAY)}
        assert records["udemy-mlflow-course"].verdict == verdict
        assert records["udemy-mlflow-course"].last_updated == "2025-06-01"
