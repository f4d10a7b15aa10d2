"""Hostile and broken pages (issue 7): bombs, endless and slow bodies, bad status lines, huge
headers, redirects to other schemes or private addresses, broken charsets, credentials, and
hosts that try to stall the run. Each test fails when its protection is removed."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from bot.check.engine import check_links
from bot.check.settings import CheckSettings
from bot.model import Link, LinkResult, PageSnapshot, Status
from tests.simweb import Bomb, Drip, Handler, Page, Redirect, SimHost, SimWeb


async def _instant(seconds: float) -> None:
    await asyncio.sleep(0)


async def check(urls: list[str], settings: CheckSettings, **kwargs: Any) -> dict[str, LinkResult]:
    report = await check_links([Link(url) for url in urls], settings, sleep=_instant, **kwargs)
    return {result.url: result for result in report.links}


class Snapshots:
    """A page hook that keeps what it was given."""

    def __init__(self) -> None:
        self.seen: list[PageSnapshot] = []

    def __call__(self, snapshot: PageSnapshot) -> Mapping[str, Any]:
        self.seen.append(snapshot)
        return {}


# ---- bodies -----------------------------------------------------------------------------


@pytest.mark.parametrize("coding", ["gzip", "deflate", "br"])
async def test_decompression_bomb_is_capped(
    alpha: SimHost, settings: CheckSettings, coding: str
) -> None:
    url = alpha.route("/bomb", Bomb(coding, size=32 * 1024 * 1024))
    hook = Snapshots()
    result = (await check([url], settings, page_hook=hook))[url]
    assert result.status is Status.OK  # a 200 is a 200, however rude its body
    assert len(hook.seen) == 1
    assert len(hook.seen[0].body) == settings.max_decompressed_bytes


async def test_endless_body_is_cut_at_the_byte_cap(alpha: SimHost, settings: CheckSettings) -> None:
    drip = Drip(chunk=b"<p>more</p>" * 400, content_type="text/html")
    url = alpha.route("/endless", drip)
    hook = Snapshots()
    result = (await check([url], replace(settings, max_body_bytes=32 * 1024), page_hook=hook))[url]
    assert result.status is Status.OK
    assert len(hook.seen[0].body) <= 32 * 1024


async def test_slow_drip_ends_at_the_request_time_limit(
    alpha: SimHost, settings: CheckSettings
) -> None:
    url = alpha.route("/drip", Drip(chunk=b"<p>", interval=0.05))
    fast = replace(settings, total_timeout=0.3, first_byte_timeout=1.0, run_deadline=30)
    result = (await check([url], fast))[url]
    assert result.status is Status.OK  # headers said 200; the body is just slow
    assert result.attempts == 1


async def test_endless_slow_body_gets_only_the_body_budget(
    alpha: SimHost, settings: CheckSettings
) -> None:
    url = alpha.route("/trickle", Drip(chunk=b"<p>", interval=0.05, content_type="text/html"))
    budget = replace(settings, total_timeout=30.0, first_byte_timeout=5.0, body_timeout=0.3,
                     run_deadline=30)
    hook = Snapshots()
    result = (await check([url], budget, page_hook=hook))[url]
    assert result.status is Status.OK and result.attempts == 1
    # 3 bytes every 50 ms: the 0.3 s budget lets ~18 bytes in; the 30 s limit would let 1,800.
    assert 0 < len(hook.seen[0].body) < 300


async def test_broken_charsets_and_malformed_html_do_not_crash(
    alpha: SimHost, settings: CheckSettings
) -> None:
    urls = [
        alpha.route("/bogus", Page(b"<title>caf\xe9</title>", charset="no-such-charset")),
        alpha.route("/invalid-utf8", Page(b"<title>\xff\xfe\xc3(</title><body>\x00\x01")),
        alpha.route("/unclosed", Page("<html><head><title>Open<body><div><div><p>" * 200)),
        alpha.route("/binary", Page(bytes(range(256)) * 100, content_type="text/html")),
    ]
    from bot.freshness.scrape import scrape_page

    results = await check(urls, settings, page_hook=scrape_page)
    assert all(result.status is Status.OK for result in results.values())


async def test_truncated_body_keeps_the_answer(web: SimWeb, settings: CheckSettings) -> None:
    raw = await web.add_raw_host(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                                 b"Content-Length: 100000\r\n\r\n<title>half")
    result = (await check([raw.url("/")], settings))[raw.url("/")]
    assert (result.status, result.http_status) == (Status.OK, 200)


# ---- answers that are not HTTP ------------------------------------------------------------


@pytest.mark.parametrize(
    "reply",
    [
        b"HTTP/1.1 200 OK\r\nX-Huge: " + b"h" * 100_000 + b"\r\n\r\n",
        b"HTTP/1.1 200 OK\r\n" + b"".join(b"X-%d: v\r\n" % n for n in range(500)) + b"\r\n",
        b"HTTP/1.1 twohundred OK\r\n\r\n",
        b"SSH-2.0-OpenSSH_9.6\r\n",
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\0" * 64,
    ],
    ids=["huge-header", "500-headers", "bad-status-line", "not-http", "binary"],
)
async def test_invalid_responses_are_errors_not_crashes(
    web: SimWeb, settings: CheckSettings, reply: bytes
) -> None:
    raw = await web.add_raw_host(reply)
    result = (await check([raw.url("/")], settings))[raw.url("/")]
    assert result.status is Status.ERROR
    assert result.reason in {"invalid_response", "connection_reset"}


# ---- redirects that try to leave the web ------------------------------------------------


@pytest.mark.parametrize(
    "location",
    ["file:///etc/passwd", "javascript:alert(1)", "data:text/html,<script>x</script>",
     "gopher://127.0.0.1:6379/_FLUSHALL", "//[::1"],
)
async def test_redirect_out_of_http_is_never_followed(
    alpha: SimHost, settings: CheckSettings, location: str
) -> None:
    url = alpha.route("/r", Redirect(location, 302))
    result = (await check([url], settings))[url]
    assert result.status in {Status.SKIPPED, Status.ERROR}
    assert result.reason in {"unsupported_scheme", "invalid_response"}
    assert alpha.requests == 1
    assert result.final_url == url  # the last URL fetched, never the refused target


async def test_redirect_chain_longer_than_the_cap_is_stopped(
    alpha: SimHost, settings: CheckSettings
) -> None:
    async def forever(request: web.Request, hit: int) -> web.StreamResponse:
        step = int(request.query.get("n", "0"))
        return web.Response(status=302, headers={"Location": f"/deep?n={step + 1}"})

    url = alpha.route("/deep", Handler(forever))
    result = (await check([url], settings))[url]
    assert result.reason == "too_many_redirects"
    assert alpha.requests == settings.max_redirects


async def test_redirect_to_a_private_address_by_name(
    alpha: SimHost, beta: SimHost, web: SimWeb
) -> None:
    # alpha plays a public site (trusted); it sends the checker to beta, a private address,
    # by a name that resolves there: the address is judged after resolution, per hop.
    beta.route("/metadata", Page("secret"))
    alpha.route("/innocent", Redirect(beta.name_url("/metadata"), 301))
    settings = CheckSettings(
        trusted_networks=(ipaddress.ip_network(f"{alpha.address}/32"),),
        resolve=web.resolve_table(), retries=0,
    )
    url = alpha.name_url("/innocent")
    result = (await check([url], settings))[url]
    assert (result.status, result.reason) == (Status.SKIPPED, "private_address")
    assert beta.requests == 0


async def test_a_name_that_resolves_to_a_private_address(beta: SimHost, web: SimWeb) -> None:
    beta.route("/", Page())
    settings = CheckSettings(resolve={"rebind.test": (beta.address,)}, retries=0)
    url = f"http://rebind.test:{beta.port}/"
    result = (await check([url], settings))[url]
    assert (result.status, result.reason) == (Status.SKIPPED, "private_address")
    assert beta.requests == 0


async def test_connection_goes_only_to_the_judged_address(beta: SimHost) -> None:
    # A name answering with an allowed and a private address: the private one is dropped when
    # judged, and the connection is pinned to what was judged. The allowed address is one the
    # test owns (127.0.0.1, trusted, on beta's port, bound but not listening, so it refuses at
    # once); without the guard the client would fall through to beta, which serves that port.
    # Nothing here depends on what this machine's network does with a public address.
    beta.route("/", Page("internal"))
    closed = socket.socket()
    try:
        closed.bind(("127.0.0.1", beta.port))
        settings = CheckSettings(
            resolve={"mixed.test": ("127.0.0.1", beta.address)},
            trusted_networks=(ipaddress.ip_network("127.0.0.1/32"),),
            retries=0, connect_timeout=0.3, total_timeout=0.5,
        )
        url = f"http://mixed.test:{beta.port}/"
        result = (await check([url], settings))[url]
    finally:
        closed.close()
    assert beta.requests == 0
    assert (result.status, result.reason) == (Status.BROKEN, "connection_refused")


def _numeric_forms(address: str) -> list[str]:
    """The short, decimal, octal and hex spellings browsers accept for `address`."""
    number = int(ipaddress.IPv4Address(address))
    first, *_, last = address.split(".")
    return [f"{first}.{last}", str(number), "0" + format(number, "o"), hex(number)]


async def test_numeric_spellings_of_a_private_address_are_skipped_uncontacted(
    alpha: SimHost, settings: CheckSettings
) -> None:
    alpha.route("/", Page("internal"))
    urls = [f"http://{host}:{alpha.port}/" for host in _numeric_forms(alpha.address)]
    results = await check(urls, replace(settings, allow_private=False))
    assert {url: (results[url].status, results[url].reason) for url in urls} == {
        url: (Status.SKIPPED, "private_address") for url in urls
    }
    assert alpha.requests == 0


async def test_numeric_spellings_reach_the_address_they_name(
    alpha: SimHost, settings: CheckSettings
) -> None:
    # With private addresses allowed the same spellings are fetched from the address they
    # denote: proof that they are read as that address, not as names.
    alpha.route("/", Page("internal"))
    urls = [f"http://{host}:{alpha.port}/" for host in _numeric_forms(alpha.address)]
    results = await check(urls, settings)
    assert all(results[url].status is Status.OK for url in urls)
    assert alpha.requests >= 1


# ---- credentials ------------------------------------------------------------------------


async def test_no_credentials_from_url_env_netrc_or_cookies_of_other_hosts(
    alpha: SimHost, beta: SimHost, settings: CheckSettings, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text(f"machine {alpha.address} login bot password NETRC-SECRET\n")
    monkeypatch.setenv("NETRC", str(netrc))
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # a proxy would see everything
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_TOKEN-SECRET")

    async def set_cookie_and_leave(request: web.Request, hit: int) -> web.StreamResponse:
        response = web.Response(status=302, headers={"Location": beta.url("/landing")})
        response.set_cookie("session", "COOKIE-SECRET")
        return response

    alpha.route("/start", Handler(set_cookie_and_leave))
    beta.route("/landing", Page())
    url = alpha.url("/start").replace("http://", "http://user:URL-SECRET@")
    result = (await check([url], settings))[url]
    assert result.status is Status.OK  # went direct, not through the bogus proxy
    sent = repr(alpha.request_headers + beta.request_headers)
    for secret in ("URL-SECRET", "NETRC-SECRET", "TOKEN-SECRET", "COOKIE-SECRET"):
        assert secret not in sent
    assert "Authorization" not in sent


# ---- hosts that try to stall the run ------------------------------------------------------


async def test_a_black_hole_host_does_not_stall_the_others(
    web: SimWeb, alpha: SimHost, settings: CheckSettings
) -> None:
    # A server that accepts connections and never answers: each of its links costs one
    # request time limit and at most per_host slots; the healthy host's links all go through.
    hole = socket.socket()
    hole.bind(("127.0.0.1", 0))
    hole.listen(100)
    try:
        port = hole.getsockname()[1]
        stuck = [f"http://127.0.0.1:{port}/{n}" for n in range(6)]
        fine = [alpha.route(f"/{n}", Page()) for n in range(30)]
        tight = replace(settings, concurrency=3, per_host=2, total_timeout=0.3,
                        first_byte_timeout=0.3, retries=0, run_deadline=30)
        results = await check(stuck + fine, tight)
    finally:
        hole.close()
    assert all(results[url].status is Status.OK for url in fine)
    assert all(results[url].reason == "timeout" for url in stuck)


async def test_very_long_url_is_handled(alpha: SimHost, settings: CheckSettings) -> None:
    url = alpha.url("/" + "a" * 100_000)
    result = (await check([url], settings))[url]
    assert result.status in {Status.ERROR, Status.BROKEN, Status.BLOCKED}
