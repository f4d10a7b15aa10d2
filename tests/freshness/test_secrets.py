"""The GitHub token: sent to the GitHub API host only, dropped off-host, never printed."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import aiohttp
import pytest

from bot.freshness.assess import assess
from bot.freshness.providers.github import GitHubProvider, may_carry_token
from bot.freshness.providers.http import Credentials, request
from bot.freshness.record import freshness_to_json
from bot.freshness.settings import FreshnessSettings
from bot.roadmap.load import load_roadmap
from bot.roadmap.schema import Kind, Resource
from tests.fakes.providers import GitHubData, Upstreams, start_upstreams

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "ghs_SECRET_token_1234567890"


async def test_token_reaches_only_the_github_api_host(upstreams: Upstreams,
                                                      http: aiohttp.ClientSession) -> None:
    document = load_roadmap(str(ROOT / "roadmap.yaml"))
    records = await assess(document, None, upstreams.settings(token=TOKEN), http,
                           date(2026, 11, 28))
    github = [s for s in upstreams.seen if s.server == "github"]
    others = [s for s in upstreams.seen if s.server != "github"]
    assert github and all(s.authorization == f"Bearer {TOKEN}" for s in github)
    assert others and all(s.authorization is None for s in others)
    assert TOKEN not in json.dumps(freshness_to_json(records))


async def test_token_is_dropped_on_a_redirect_off_the_api_host(
        http: aiohttp.ClientSession) -> None:
    data = GitHubData()
    running = await start_upstreams(data)
    try:
        data.off_host_redirects["octo/moved"] = f"{running.elsewhere}/repos/moved/elsewhere"
        provider = GitHubProvider(running.settings(token=TOKEN))
        result = await provider.fetch(
            Resource(id="x", title="x", kind=Kind.REPOSITORY, url="https://github.com/octo/moved"),
            http)
    finally:
        await running.close()
    hops = [(s.server, s.authorization) for s in running.seen]
    assert hops[0] == ("github", f"Bearer {TOKEN}")
    assert ("elsewhere", None) in hops
    assert all(auth is None for server, auth in hops if server == "elsewhere")
    assert result.found  # the answer itself is still read


async def test_same_host_other_port_is_another_origin(upstreams: Upstreams,
                                                      http: aiohttp.ClientSession) -> None:
    credentials = Credentials.for_hosts(TOKEN, [upstreams.github])
    assert credentials is not None
    other_port = upstreams.other.replace("127.0.0.2", "127.0.0.1")
    assert credentials.header_for(f"{upstreams.github}/repos/a/b") == {
        "Authorization": f"Bearer {TOKEN}"}
    assert credentials.header_for(f"{other_port}/x") == {}
    assert credentials.header_for(upstreams.github.replace("http:", "https:") + "/x") == {}
    answer = await request(http, f"{upstreams.other}/pypi/mlflow/json", credentials=credentials)
    assert answer.status == 200 and upstreams.seen[-1].authorization is None


def test_token_is_never_in_reprs() -> None:
    settings = FreshnessSettings(github_token=TOKEN)
    assert TOKEN not in repr(settings)
    assert TOKEN not in str(settings)
    credentials = Credentials.for_hosts(TOKEN, ["https://api.github.com"])
    assert TOKEN not in repr(credentials)
    assert TOKEN not in repr(GitHubProvider(settings).__dict__)


async def test_failure_reasons_hold_no_token(http: aiohttp.ClientSession,
                                             unused_tcp_port: int) -> None:
    dead = f"http://127.0.0.1:{unused_tcp_port}"
    provider = GitHubProvider(FreshnessSettings(github_api=dead, github_token=TOKEN, timeout=1))
    result = await provider.fetch(
        Resource(id="x", title="x", kind=Kind.REPOSITORY, url="https://github.com/o/r"), http)
    assert not result.found and TOKEN not in repr(result)


@pytest.mark.parametrize(
    ("api", "carries"),
    [
        ("https://api.github.com", True),
        ("http://api.github.com", False),  # never in clear text
        ("https://api.github.com.evil.example", False),
        ("https://evil.example", False),  # a pull request editing roadmap-bot.yaml
        ("http://127.0.0.1:8080", True),  # the tests' fakes
        ("http://[::1]:8080", True),
        ("http://10.0.0.1", False),
    ],
)
def test_a_config_file_cannot_send_the_token_elsewhere(api: str, carries: bool) -> None:
    assert may_carry_token(api) is carries
    provider = GitHubProvider(FreshnessSettings(github_api=api, github_graphql=f"{api}/graphql",
                                                github_token=TOKEN))
    assert (provider.credentials is not None) is carries
