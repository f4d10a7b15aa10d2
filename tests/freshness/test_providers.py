"""Each provider against its local fake: what it proves, and that failures become 'unknown'."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from bot.freshness.assess import fetch_results
from bot.freshness.providers import Signal
from bot.freshness.providers.blogs import MediumProvider, SubstackProvider
from bot.freshness.providers.github import GitHubProvider, parse_repo_url
from bot.freshness.providers.interface import ProviderResult
from bot.freshness.providers.openlibrary import OpenLibraryProvider, later_edition, parse_editions
from bot.freshness.providers.pypi import PyPIProvider
from bot.freshness.providers.youtube import YouTubeProvider, video_id
from bot.freshness.record import DatedFact, DateField, Evidence
from bot.freshness.settings import FreshnessSettings
from bot.roadmap.schema import Kind, Resource
from tests.fakes.providers import Upstreams


def res(url: str | None = None, kind: Kind = Kind.REPOSITORY, **extra: Any) -> Resource:
    return Resource(id="r", title=extra.pop("title", "T"), kind=kind, url=url, **extra)


def facts(result: ProviderResult) -> dict[str, str]:
    return {e.fact: e.value for e in result.evidence}


# --- GitHub ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://github.com/sayakpaul/ml-deployment-k8s-fastapi/tree/main",
         ("sayakpaul/ml-deployment-k8s-fastapi", "tree", ("main",))),
        ("https://github.com/o/r.git", ("o/r", None, ())),
        ("https://www.github.com/o/r/blob/dev/a/b.py?x=1#L3", ("o/r", "blob", ("dev", "a", "b.py"))),
        ("https://github.com/o/r/issues/5", ("o/r", None, ())),
        ("https://github.com/topics/mlops", None),
        ("https://github.com/o", None),
        ("https://gitlab.com/o/r", None),
        (None, None),
    ],
)
def test_parse_repo_url(url: str | None, expected: tuple[str, str | None, tuple[str, ...]] | None,
                        ) -> None:
    link = parse_repo_url(url)
    assert (None if link is None else (link.full_name, link.kind, link.rest)) == expected


GITHUB_CASES = [
    # url, signals, suggested url
    ("https://github.com/sayakpaul/ml-deployment-k8s-fastapi/tree/main", set(), None),
    ("https://github.com/octo/archived-tool", {Signal.ARCHIVED}, None),
    ("https://github.com/octo/disabled", {Signal.DISABLED}, None),
    ("https://github.com/gone/repo", {Signal.DELETED}, None),
    ("https://github.com/old-owner/old-name/tree/main/docs", {Signal.RENAMED},
     "https://github.com/new-owner/new-name/tree/main/docs"),
    ("https://github.com/new-owner/new-name/tree/deleted-branch/docs", {Signal.REF_MISSING},
     "https://github.com/new-owner/new-name"),
    ("https://github.com/new-owner/new-name/tree/main/missing/dir", {Signal.PATH_MISSING},
     "https://github.com/new-owner/new-name"),
    ("https://github.com/new-owner/new-name/tree/feature/deep/src", set(), None),
    ("https://github.com/octo/quiet/blob/v1.0/README.md", set(), None),
]


@pytest.mark.parametrize(("url", "signals", "suggested"), GITHUB_CASES)
@pytest.mark.parametrize("token", [None, "ghs_test_token"], ids=["rest", "graphql"])
async def test_github(upstreams: Upstreams, http: aiohttp.ClientSession, url: str,
                      signals: set[Signal], suggested: str | None, token: str | None) -> None:
    provider = GitHubProvider(upstreams.settings(token=token))
    resource = res(url)
    batch = await provider.fetch_all([resource], http)
    result = batch.get(provider.key(resource)) or await provider.fetch(resource, http)
    assert result.found
    assert set(result.signals) == signals
    assert result.suggested_url == suggested
    via = "graphql" if token else "rest"
    assert upstreams.count("github", "/graphql") == (1 if token else 0)
    if Signal.DELETED not in signals:
        assert any(e.source == f"github:{via}" for e in result.evidence)


async def test_github_dates_release_and_stars(upstreams: Upstreams,
                                             http: aiohttp.ClientSession) -> None:
    provider = GitHubProvider(upstreams.settings())
    result = await provider.fetch(
        res("https://github.com/sayakpaul/ml-deployment-k8s-fastapi/tree/main"), http)
    assert result.dates == (DatedFact(DateField.MODIFIED, "2026-09-14", "github:pushed_at"),)
    assert facts(result)["latest release"] == "v0.3.0 (2024-05-02)"
    assert facts(result)["stars"] == "1460"
    # repo + latest release + branch: the REST cost of one /tree/<branch> link
    assert upstreams.count("github") == 3


async def test_github_graphql_batches_many_repositories_in_one_post(
        upstreams: Upstreams, http: aiohttp.ClientSession) -> None:
    provider = GitHubProvider(upstreams.settings(token="t", graphql_batch=4))
    resources = [res(url) for url, _, _ in GITHUB_CASES]
    results = await provider.fetch_all(resources, http)
    assert len(results) == len(GITHUB_CASES)
    assert upstreams.count("github") == 3  # 9 repositories, 4 per query
    by_url = {r.url: results[provider.key(r)] for r in resources}
    for url, signals, suggested in GITHUB_CASES:
        assert set(by_url[url].signals) == signals, url
        assert by_url[url].suggested_url == suggested, url


async def test_github_rate_limit_and_server_errors_are_unknown(
        http: aiohttp.ClientSession, unused_tcp_port: int) -> None:
    async def limited(request: web.Request) -> web.Response:
        status = 403 if "limited" in request.path else 502
        return web.json_response({"message": "API rate limit exceeded"}, status=status)

    app = web.Application()
    app.add_routes([web.get("/{tail:.*}", limited)])
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", unused_tcp_port).start()
    try:
        provider = GitHubProvider(FreshnessSettings(github_api=f"http://127.0.0.1:{unused_tcp_port}"))
        limited_result = await provider.fetch(res("https://github.com/limited/x"), http)
        broken_result = await provider.fetch(res("https://github.com/o/x"), http)
    finally:
        await runner.cleanup()
    assert (limited_result.found, limited_result.reason) == (False, "rate_limited")
    assert (broken_result.found, broken_result.reason) == (False, "http_502")


# --- YouTube --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.youtube.com/watch?v=3c-iBn73dDE", "3c-iBn73dDE"),
        ("https://youtu.be/3c-iBn73dDE?t=10", "3c-iBn73dDE"),
        ("https://m.youtube.com/shorts/3c-iBn73dDE", "3c-iBn73dDE"),
        ("https://www.youtube.com/embed/3c-iBn73dDE", "3c-iBn73dDE"),
        ("https://www.youtube.com/@TechWorldwithNana", None),
        ("https://www.youtube.com/watch?v=short", None),
        ("https://example.org/watch?v=3c-iBn73dDE", None),
    ],
)
def test_video_id(url: str, expected: str | None) -> None:
    assert video_id(url) == expected


@pytest.mark.parametrize(
    ("vid", "signals", "evidence"),
    [
        ("3c-iBn73dDE", set(), {"video": "available", "channel": "TechWorld with Nana"}),
        ("REMOVEDvid1", {Signal.REMOVED}, {"video": "removed"}),
        ("PRIVATEvid1", {Signal.PRIVATE}, {"video": "private or embedding disabled"}),
    ],
)
async def test_youtube_oembed(upstreams: Upstreams, http: aiohttp.ClientSession, vid: str,
                              signals: set[Signal], evidence: dict[str, str]) -> None:
    provider = YouTubeProvider(upstreams.settings())
    result = await provider.fetch(res(f"https://www.youtube.com/watch?v={vid}", Kind.VIDEO), http)
    assert set(result.signals) == signals
    assert facts(result) == evidence
    if not signals:
        assert result.title == "Docker Tutorial for Beginners [FULL COURSE in 3 Hours]"


# --- PyPI -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("package", "version", "released", "signals"),
    [
        ("mlflow", "3.6.0", "2026-11-05", set()),
        ("DVC", "3.63.0", "2026-09-30", set()),
        ("old_thing", "0.1", "2019-01-01", {Signal.ARCHIVED}),
    ],
)
async def test_pypi_latest_release(upstreams: Upstreams, http: aiohttp.ClientSession,
                                   package: str, version: str, released: str,
                                   signals: set[Signal]) -> None:
    result = await PyPIProvider(upstreams.settings()).fetch(
        res(kind=Kind.TOOL, package=package), http)
    assert facts(result)["latest version"] == version
    assert result.dates == (DatedFact(DateField.MODIFIED, released, "pypi:latest-release"),)
    assert set(result.signals) == signals


async def test_pypi_unknown_package_is_deleted(upstreams: Upstreams,
                                               http: aiohttp.ClientSession) -> None:
    result = await PyPIProvider(upstreams.settings()).fetch(
        res(kind=Kind.TOOL, package="no-such-package"), http)
    assert result.signals == {Signal.DELETED}


# --- Open Library ---------------------------------------------------------------------


async def test_book_with_a_newer_edition(upstreams: Upstreams,
                                         http: aiohttp.ClientSession) -> None:
    book = res(kind=Kind.BOOK, title="Terraform: Up and Running, 3rd Edition",
               authors=("Yevgeniy Brikman",), edition=3)
    result = await OpenLibraryProvider(upstreams.settings()).fetch(book, http)
    assert result.signals == {Signal.NEWER_EDITION}
    assert result.suggested_text == "Terraform: Up and Running, Fourth Edition"
    assert result.suggested_url == "https://openlibrary.org/works/OL39912345W"
    assert facts(result)["latest edition year"] == "2026"


async def test_newer_edition_found_among_one_works_editions(
        upstreams: Upstreams, http: aiohttp.ClientSession) -> None:
    book = res(kind=Kind.BOOK, authors=("Aurélien Géron",), edition=2,
               title="Hands-On Machine Learning with Scikit-Learn, Keras, and TensorFlow, "
                     "2nd Edition")
    result = await OpenLibraryProvider(upstreams.settings()).fetch(book, http)
    assert result.signals == {Signal.NEWER_EDITION}
    assert result.suggested_text == ("Hands-On Machine Learning with Scikit-Learn, Keras, and "
                                     "TensorFlow, 3rd Edition (2022)")
    assert result.suggested_url == "https://openlibrary.org/books/OL37785345M"
    assert upstreams.count("other", "/works/OL19359817W/editions.json") == 1


async def test_the_latest_cited_edition_is_not_stale_whatever_the_count(
        upstreams: Upstreams, http: aiohttp.ClientSession) -> None:
    # Nine editions and a 2023 reprint, but none names a number above 3: not stale.
    book = res(kind=Kind.BOOK, authors=("Aurélien Géron",), edition=3,
               title="Hands-On Machine Learning with Scikit-Learn, Keras, and TensorFlow, "
                     "3rd Edition")
    result = await OpenLibraryProvider(upstreams.settings()).fetch(book, http)
    assert result.found and not result.signals


async def test_book_at_its_latest_edition_gets_its_link(upstreams: Upstreams,
                                                        http: aiohttp.ClientSession) -> None:
    book = res(kind=Kind.BOOK, title="Python Crash Course, 3rd Edition",
               authors=("Eric Matthes",), edition=3)
    result = await OpenLibraryProvider(upstreams.settings()).fetch(book, http)
    assert result.found and not result.signals
    assert result.suggested_url == "https://openlibrary.org/works/OL27258011W"
    assert facts(result)["editions"] == "14"
    assert facts(result)["first published"] == "2015"


async def test_linkless_book_without_edition(upstreams: Upstreams,
                                             http: aiohttp.ClientSession) -> None:
    book = res(kind=Kind.BOOK, title="Learning Git", authors=("Anna Skoulikari",))
    result = await OpenLibraryProvider(upstreams.settings()).fetch(book, http)
    # "Learning Git the Hard Way" by someone else must not be taken for it.
    assert result.suggested_url == "https://openlibrary.org/works/OL36789012W"
    assert not result.signals


async def test_unknown_book_is_unknown(upstreams: Upstreams,
                                       http: aiohttp.ClientSession) -> None:
    book = res(kind=Kind.BOOK, title="A Book Nobody Wrote", authors=("Nobody",))
    result = await OpenLibraryProvider(upstreams.settings()).fetch(book, http)
    assert not result.found and result.reason == "no matching book in Open Library"


# --- blogs ----------------------------------------------------------------------------


async def test_substack_post_dates(upstreams: Upstreams, http: aiohttp.ClientSession) -> None:
    post = res("https://marvelousmlops.substack.com/p/the-right-way-to-install-python-on",
               Kind.ARTICLE)
    provider = SubstackProvider(upstreams.settings())
    assert provider.only_without_page_date
    result = await provider.fetch(post, http)
    assert result.dates == (
        DatedFact(DateField.PUBLISHED, "2023-11-20", "substack:post_date"),
        DatedFact(DateField.MODIFIED, "2024-02-01", "substack:updated_at"))
    assert upstreams.seen[-1].path == "/api/v1/posts/the-right-way-to-install-python-on"


async def test_medium_feed_dates_one_fetch_per_feed(upstreams: Upstreams,
                                                    http: aiohttp.ClientSession) -> None:
    provider = MediumProvider(upstreams.settings())
    first = await provider.fetch(res(
        "https://kedion.medium.com/creating-a-feature-store-with-feast-part-1-37c380223e2f",
        Kind.TUTORIAL), http)
    older = await provider.fetch(res(
        "https://kedion.medium.com/feature-storage-for-ml-with-feast-a061899fc4a2",
        Kind.TUTORIAL), http)
    assert first.dates == (DatedFact(DateField.PUBLISHED, "2022-06-14", "medium:feed:pubDate"),
                           DatedFact(DateField.MODIFIED, "2022-06-20", "medium:feed:atom:updated"))
    assert first.title == "Creating a Feature Store with Feast, Part 1"
    assert not older.found  # not among the feed's recent posts: unknown, not stale
    assert upstreams.count("other", "/feed") == 1


# --- failures -------------------------------------------------------------------------


async def test_unreachable_upstreams_give_unknown_never_raise(
        http: aiohttp.ClientSession, unused_tcp_port: int) -> None:
    dead = f"http://127.0.0.1:{unused_tcp_port}"  # nothing listens here
    settings = FreshnessSettings(github_api=dead, youtube=dead, pypi=dead, openlibrary=dead,
                                 substack=dead, medium=dead, timeout=1.0)
    cases = [
        (GitHubProvider(settings), res("https://github.com/o/r")),
        (YouTubeProvider(settings), res("https://youtu.be/3c-iBn73dDE", Kind.VIDEO)),
        (PyPIProvider(settings), res(kind=Kind.TOOL, package="mlflow")),
        (OpenLibraryProvider(settings), res(kind=Kind.BOOK, title="Learning Git")),
        (SubstackProvider(settings), res("https://x.substack.com/p/a", Kind.ARTICLE)),
        (MediumProvider(settings), res("https://a.medium.com/b-37c380223e2f", Kind.ARTICLE)),
    ]
    for provider, resource in cases:
        result = await provider.fetch(resource, http)
        assert not result.found, provider.name
        assert result.reason == "connection failed (ClientConnectorError)", provider.name


async def test_slow_upstream_times_out_to_unknown(http: aiohttp.ClientSession,
                                                  unused_tcp_port: int) -> None:
    release = asyncio.Event()

    async def slow(request: web.Request) -> web.Response:
        await release.wait()
        return web.json_response({})

    app = web.Application()
    app.add_routes([web.get("/{tail:.*}", slow)])
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", unused_tcp_port).start()
    try:
        settings = FreshnessSettings(pypi=f"http://127.0.0.1:{unused_tcp_port}", timeout=0.2)
        result = await PyPIProvider(settings).fetch(res(kind=Kind.TOOL, package="x"), http)
    finally:
        release.set()
        await runner.cleanup()
    assert (result.found, result.reason) == (False, "timeout")
    assert result.evidence == () or all(isinstance(e, Evidence) for e in result.evidence)


async def test_graphql_failure_falls_back_to_rest(upstreams: Upstreams,
                                                  http: aiohttp.ClientSession,
                                                  unused_tcp_port: int) -> None:
    settings = upstreams.settings(token="t",
                                  github_graphql=f"http://127.0.0.1:{unused_tcp_port}/graphql")
    provider = GitHubProvider(settings)
    resource = res("https://github.com/octo/archived-tool")
    results = await fetch_results({"r": (provider, resource)}, http, settings)
    assert results["r"].signals == {Signal.ARCHIVED}
    assert results["r"].evidence[-1].source == "github:rest"
    assert upstreams.count("github", "/repos/octo/archived-tool") == 2  # repo + latest release


@pytest.mark.parametrize(
    ("data", "numbers"),
    [
        ({"entries": [{"key": "/books/A", "edition_name": "2nd edition", "publish_date": "2019"},
                      {"key": "/books/B", "title": "X, Third Edition", "publish_date": "May 2022"},
                      {"key": "/books/C", "publish_date": "2023"}]}, [2, 3, None]),
        ({"entries": [{"title": "no key"}, "junk", {"key": 5}]}, []),
        ({"entries": "nope"}, []),
        ([], []),
        (None, []),
    ],
)
def test_parse_editions_reads_numbers_and_skips_junk(data: object, numbers: list[int | None]
                                                     ) -> None:
    assert [e.number for e in parse_editions(data)] == numbers


def test_later_edition_needs_a_named_higher_number() -> None:
    editions = parse_editions({"entries": [
        {"key": "/books/A", "edition_name": "2nd edition", "publish_date": "2019"},
        {"key": "/books/B", "publish_date": "2030"},  # unnamed: never a newer edition
        {"key": "/books/C", "edition_name": "3rd ed.", "publish_date": "2022"},
        {"key": "/books/D", "edition_name": "3rd edition", "publish_date": "2023"}]})
    later = later_edition(2, editions)
    assert later is not None and (later.key, later.year) == ("/books/D", 2023)
    assert later_edition(3, editions) is None
