"""The aiohttp adapter against the simulated web: hops, bounded reads, decoding, failures."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import ssl
import threading
from dataclasses import replace
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.client_reqrep import ConnectionKey

from bot.check.client_errors import (
    BadAnswer,
    BodyCutShort,
    ConnectFailed,
    Disconnected,
    NameNotResolved,
    TlsFailed,
)
from bot.check.http import HttpClient, open_client, translate
from bot.check.observation import Failure
from bot.check.resolver import AddressRefused, GuardedResolver, address_allowed
from bot.check.session import client_error
from bot.check.settings import CheckSettings, DomainRule, RequestMethod
from bot.urls import InvalidURL
from tests.simweb import (
    Drip,
    Encoded,
    Flaky,
    Handler,
    HeadNotAllowed,
    Page,
    Redirect,
    SimHost,
    SimWeb,
)

# ---- the address guard, table-driven --------------------------------------------------------

PUBLIC = CheckSettings()


@pytest.mark.parametrize(
    ("address", "allowed"),
    [
        # Public addresses are only judged here, never connected to (tests/offline.py would
        # refuse and fail that): the guard must let them through.
        ("93.184.216.34", True),
        ("2606:2800:220:1:248:1893:25c8:1946", True),
        ("127.0.0.1", False),
        ("127.0.0.2", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),  # cloud metadata endpoint
        ("100.64.0.1", False),  # carrier-grade NAT
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("240.0.0.1", False),
        ("255.255.255.255", False),
        ("::1", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("::ffff:127.0.0.1", False),  # IPv4-mapped loopback
        ("ff02::1", False),
        ("not-an-ip", False),
    ],
)
def test_address_guard(address: str, allowed: bool) -> None:
    assert address_allowed(address, PUBLIC) is allowed


def test_allow_private_and_trusted_networks_open_the_guard() -> None:
    assert address_allowed("127.0.0.1", replace(PUBLIC, allow_private=True))
    trusted = replace(PUBLIC, trusted_networks=(ipaddress.ip_network("10.0.0.0/8"),))
    assert address_allowed("10.9.9.9", trusted)
    assert not address_allowed("192.168.0.1", trusted)


async def test_resolver_keeps_only_allowed_addresses_of_a_mixed_answer() -> None:
    # The connection may only go to what was judged: the refused answer is dropped, in
    # whatever order the answers come. Two loopback addresses, one of them trusted, stand
    # for a public and a private one (`address_allowed` is the same judge; the table above
    # holds it to public addresses), so no address here is one the test does not control.
    trusted = replace(PUBLIC, trusted_networks=(ipaddress.ip_network("127.0.0.9/32"),))
    for answer in (("127.0.0.1", "127.0.0.9"), ("127.0.0.9", "127.0.0.1")):
        settings = replace(trusted, resolve={"mixed.test": answer})
        answers = await GuardedResolver(settings).resolve("mixed.test", 80)
        assert [found["host"] for found in answers] == ["127.0.0.9"]


async def test_resolver_refuses_a_name_with_only_private_addresses() -> None:
    settings = replace(PUBLIC, resolve={"evil.test": ("127.0.0.1", "10.0.0.1")})
    with pytest.raises(AddressRefused):
        await GuardedResolver(settings).resolve("evil.test", 80)


async def test_name_lookups_run_side_by_side(monkeypatch: pytest.MonkeyPatch) -> None:
    # A list with thousands of hosts asks for a name per host in its first round: lookups
    # must not queue behind the event loop's default pool (at most 32 threads, whatever the
    # CPUs). Each stand-in lookup (the operating system's is the seam; no resolver is asked)
    # returns only once all of them are running at once.
    names = [f"n{n}.test" for n in range(40)]
    together = threading.Barrier(len(names), timeout=10)

    def lookup(host: str, port: int, *_: Any) -> list[tuple[Any, ...]]:
        together.wait()
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", ("127.0.0.1", port))]

    monkeypatch.setattr(socket, "getaddrinfo", lookup)
    resolver = GuardedResolver(replace(PUBLIC, allow_private=True, concurrency=len(names)))
    try:
        found = await asyncio.gather(*(resolver.resolve(name, 80) for name in names))
    finally:
        resolver.close()
    assert [answers[0]["host"] for answers in found] == ["127.0.0.1"] * len(names)


async def test_invalid_tld_is_nxdomain_without_asking_anyone() -> None:
    with pytest.raises(socket.gaierror) as caught:
        await GuardedResolver(PUBLIC).resolve("gone.invalid", 80)
    assert caught.value.errno == socket.EAI_NONAME


# ---- hops and redirects ----------------------------------------------------------------------


async def test_plain_page(alpha: SimHost, client: HttpClient) -> None:
    url = alpha.route("/ok", Page("<title>Hi</title>"))
    observation = await client.observe(url)
    assert observation.final_status == 200
    assert observation.body == b"<title>Hi</title>"
    assert observation.failure is None
    assert [e.status for e in observation.exchanges] == [200]
    assert alpha.request_headers[-1]["User-Agent"].startswith("roadmap-bot/0.1 (+https://")


async def test_redirect_chain_is_followed_hop_by_hop(alpha: SimHost, client: HttpClient) -> None:
    alpha.route("/a", Redirect("/b", 301))
    alpha.route("/b", Redirect(alpha.url("/c"), 302))
    alpha.route("/c", Page())
    observation = await client.observe(alpha.url("/a"))
    assert [(hop.url, hop.status) for hop in observation.hops] == [
        (alpha.url("/a"), 301), (alpha.url("/b"), 302),
    ]
    assert observation.final_url == alpha.url("/c")
    assert observation.final_status == 200
    assert [e.status for e in observation.exchanges] == [301, 302, 200]


async def test_redirect_to_404_keeps_the_chain(alpha: SimHost, client: HttpClient) -> None:
    alpha.route("/moved", Redirect("/gone", 301))
    observation = await client.observe(alpha.url("/moved"))
    assert observation.final_status == 404
    assert [hop.status for hop in observation.hops] == [301]


async def test_redirect_loop_is_detected(alpha: SimHost, client: HttpClient) -> None:
    alpha.route("/x", Redirect("/y"))
    alpha.route("/y", Redirect("/x"))
    observation = await client.observe(alpha.url("/x"))
    assert observation.redirect_loop
    assert alpha.hits["/x"] == 1 and alpha.hits["/y"] == 1


async def test_cookie_bounce_is_not_a_loop(alpha: SimHost, client: HttpClient) -> None:
    async def bounce(request: web.Request, hit: int) -> web.StreamResponse:
        if "seen" in request.cookies:
            return web.Response(text="<title>Content</title>", content_type="text/html")
        response = web.Response(status=302, headers={"Location": "/cookie"})
        response.set_cookie("seen", "1")
        return response

    url = alpha.route("/cookie", Handler(bounce))
    observation = await client.observe(url)
    assert not observation.redirect_loop
    assert observation.final_status == 200


async def test_too_many_redirects(alpha: SimHost, client: HttpClient) -> None:
    for n in range(15):
        alpha.route(f"/r{n}", Redirect(f"/r{n + 1}"))
    observation = await client.observe(alpha.url("/r0"))
    assert observation.too_many_redirects
    assert len(observation.hops) == client.settings.max_redirects


@pytest.mark.parametrize(
    "location", ["file:///etc/passwd", "javascript:alert(1)", "ftp://example.org/x", "mailto:a@b"]
)
async def test_redirect_to_other_scheme_is_not_followed(
    alpha: SimHost, client: HttpClient, location: str
) -> None:
    url = alpha.route("/evil", Redirect(location, 302))
    observation = await client.observe(url)
    assert observation.failure is Failure.UNSUPPORTED_SCHEME
    assert observation.final_url == url  # the last URL fetched; the target is only named
    assert location in observation.exchanges[-1].detail
    assert alpha.requests == 1


async def test_redirect_to_bad_host_is_an_invalid_response(
    alpha: SimHost, client: HttpClient
) -> None:
    url = alpha.route("/bad", Redirect("http://exa mple.com/", 302))
    observation = await client.observe(url)
    assert observation.failure is Failure.INVALID_RESPONSE


# ---- the private-address guard on real requests -----------------------------------------


async def test_loopback_is_refused_without_allow_private(alpha: SimHost) -> None:
    url = alpha.route("/ok", Page())
    async with open_client(CheckSettings()) as client:
        observation = await client.observe(url)
    assert observation.failure is Failure.PRIVATE_ADDRESS
    assert alpha.requests == 0


async def test_a_name_resolving_to_loopback_is_refused(alpha: SimHost, web: SimWeb) -> None:
    alpha.route("/ok", Page())
    async with open_client(CheckSettings(resolve=web.resolve_table())) as client:
        observation = await client.observe(alpha.name_url("/ok"))
    assert observation.failure is Failure.PRIVATE_ADDRESS
    assert "resolves only to non-public addresses" in observation.exchanges[-1].detail
    assert alpha.requests == 0


async def test_redirect_from_allowed_host_to_private_one_is_refused(
    alpha: SimHost, beta: SimHost, web: SimWeb
) -> None:
    # alpha stands for a public site (trusted); beta is a private address it points to.
    beta.route("/admin", Page("secret"))
    alpha.route("/go", Redirect(beta.name_url("/admin"), 302))
    settings = CheckSettings(
        trusted_networks=(ipaddress.ip_network(f"{alpha.address}/32"),),
        resolve=web.resolve_table(),
    )
    async with open_client(settings) as client:
        observation = await client.observe(alpha.name_url("/go"))
    assert observation.failure is Failure.PRIVATE_ADDRESS
    assert [hop.status for hop in observation.hops] == [302]
    assert beta.requests == 0


# ---- credentials --------------------------------------------------------------------------


async def test_userinfo_is_never_sent_nor_kept(alpha: SimHost, client: HttpClient) -> None:
    alpha.route("/ok", Page())
    url = alpha.url("/ok").replace("http://", "http://user:hunter2@")
    observation = await client.observe(url)
    assert observation.final_status == 200
    assert "Authorization" not in alpha.request_headers[-1]
    assert all("hunter2" not in e.url for e in observation.exchanges)
    assert "hunter2" not in observation.url


async def test_extra_headers_go_only_to_matching_hosts(
    alpha: SimHost, beta: SimHost, settings: CheckSettings
) -> None:
    rule = DomainRule(host=alpha.address, headers={"Accept-Language": "de"})
    alpha.route("/ok", Page())
    beta.route("/ok", Page())
    async with open_client(replace(settings, domains=(rule,))) as client:
        await client.observe(alpha.url("/ok"))
        await client.observe(beta.url("/ok"))
    assert alpha.request_headers[-1]["Accept-Language"] == "de"
    assert beta.request_headers[-1]["Accept-Language"] != "de"


# ---- bodies ---------------------------------------------------------------------------------


@pytest.mark.parametrize("coding", ["gzip", "deflate", "br"])
async def test_compressed_bodies_are_decoded(
    alpha: SimHost, client: HttpClient, coding: str
) -> None:
    url = alpha.route("/z", Encoded(Page("<title>Packed</title>" * 10), coding))
    observation = await client.observe(url)
    assert observation.body == b"<title>Packed</title>" * 10


async def test_latin1_page_keeps_its_bytes_and_charset(alpha: SimHost, client: HttpClient) -> None:
    url = alpha.route("/de", Page("<title>Größe</title>", charset="latin-1"))
    observation = await client.observe(url)
    assert observation.body == "<title>Größe</title>".encode("latin-1")
    assert observation.encoding == "latin-1"


async def test_endless_body_reads_stay_capped(alpha: SimHost, client: HttpClient) -> None:
    alpha.route("/endless", Drip(chunk=b"y" * 4096))
    _exchange, answer = await client.fetch("GET", alpha.url("/endless"))
    assert answer is not None and answer.truncated
    assert answer.bytes_read <= client.settings.max_body_bytes
    assert len(answer.body) <= client.settings.max_decompressed_bytes


async def test_slow_drip_stops_at_the_time_limit(alpha: SimHost, settings: CheckSettings) -> None:
    drip = Drip(chunk=b"z" * 16, interval=0.02)
    url = alpha.route("/drip", drip)
    async with open_client(replace(settings, total_timeout=0.3)) as client:
        _exchange, answer = await client.fetch("GET", url)
    assert answer is not None and answer.status == 200
    assert answer.truncated and "time limit" in answer.note
    assert answer.bytes_read < 16 * 100


# ---- methods and conditional requests --------------------------------------------------------


async def test_head_405_falls_back_to_get(alpha: SimHost, settings: CheckSettings) -> None:
    url = alpha.route("/nohead", HeadNotAllowed(Page()))
    async with open_client(replace(settings, method=RequestMethod.HEAD)) as client:
        observation = await client.observe(url, want_body=False)
    assert [(e.method, e.status) for e in observation.exchanges] == [("HEAD", 405), ("GET", 200)]
    assert observation.final_status == 200


async def test_head_that_answers_is_enough_when_no_body_is_wanted(
    alpha: SimHost, settings: CheckSettings
) -> None:
    url = alpha.route("/file.pdf", Page(b"%PDF", content_type="application/pdf", charset=None))
    async with open_client(replace(settings, method=RequestMethod.HEAD)) as client:
        observation = await client.observe(url, want_body=False)
    assert [e.method for e in observation.exchanges] == ["HEAD"]


async def test_conditional_request_sends_validators(alpha: SimHost, client: HttpClient) -> None:
    async def conditional(request: web.Request, hit: int) -> web.StreamResponse:
        if request.headers.get("If-None-Match") == '"v1"':
            return web.Response(status=304, headers={"ETag": '"v1"'})
        return web.Response(text="<title>x</title>", headers={"ETag": '"v1"'})

    url = alpha.route("/c", Handler(conditional))
    observation = await client.observe(url, ('"v1"', "Sat, 01 Nov 2025 00:00:00 GMT"))
    assert observation.final_status == 304
    assert alpha.request_headers[-1]["If-Modified-Since"] == "Sat, 01 Nov 2025 00:00:00 GMT"


# ---- transport failures ----------------------------------------------------------------------


async def test_connection_refused(web: SimWeb, client: HttpClient) -> None:
    observation = await client.observe(web.closed_port_url("/x"))
    assert observation.failure is Failure.CONNECTION_REFUSED


async def test_invalid_tld_is_nxdomain(client: HttpClient) -> None:
    observation = await client.observe("https://no-such-host.invalid/page")
    assert observation.failure is Failure.DNS_NXDOMAIN


async def test_first_byte_timeout(alpha: SimHost, client: HttpClient) -> None:
    url = alpha.route("/slow", Page(latency=2.0))
    observation = await client.observe(url)
    assert observation.failure is Failure.TIMEOUT


async def test_invalid_status_line(web: SimWeb, client: HttpClient) -> None:
    raw = await web.add_raw_host(b"HTTP/1.1 OK-ISH\r\n\r\n")
    observation = await client.observe(raw.url("/"))
    assert observation.failure is Failure.INVALID_RESPONSE


async def test_huge_header_is_an_invalid_response(web: SimWeb, client: HttpClient) -> None:
    raw = await web.add_raw_host(b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * 200_000 + b"\r\n\r\n")
    observation = await client.observe(raw.url("/"))
    assert observation.failure is Failure.INVALID_RESPONSE
    assert len(observation.exchanges[-1].detail) <= 200


async def test_connection_reset(web: SimWeb, client: HttpClient) -> None:
    raw = await web.add_raw_host(None)
    observation = await client.observe(raw.url("/"))
    assert observation.failure is Failure.CONNECTION_RESET


async def test_flaky_answers_are_reported_as_they_come(alpha: SimHost, client: HttpClient) -> None:
    # The adapter makes one attempt; retrying is the engine's decision.
    url = alpha.route("/flaky", Flaky(failures=1, status=503, retry_after="0"))
    first = await client.observe(url)
    second = await client.observe(url)
    assert (first.final_status, second.final_status) == (503, 200)
    assert first.final_headers["Retry-After"] == "0"


# ---- exception translation, table-driven (real exception objects, nothing patched) ---------

_HOST = ("example.org", 443, True)


@pytest.mark.parametrize(
    ("exc", "failure"),
    [
        (NameNotResolved(*_HOST, socket.gaierror(socket.EAI_NONAME, "unknown")),
         Failure.DNS_NXDOMAIN),
        (NameNotResolved(*_HOST, socket.gaierror(socket.EAI_AGAIN, "try again")),
         Failure.DNS_TEMPORARY),
        (NameNotResolved(*_HOST, AddressRefused("x resolves to 10.0.0.1")),
         Failure.PRIVATE_ADDRESS),
        (ConnectFailed(*_HOST, ConnectionRefusedError(111, "refused")),
         Failure.CONNECTION_REFUSED),
        (ConnectFailed(*_HOST, OSError(101, "Network is unreachable")),
         Failure.CONNECTION_RESET),
        (TlsFailed(*_HOST, ssl.SSLCertVerificationError("bad")), Failure.TLS),
        (ssl.SSLError("handshake"), Failure.TLS),
        (TimeoutError("Connection timeout to host example.org"), Failure.TIMEOUT),
        (Disconnected(), Failure.CONNECTION_RESET),
        (BodyCutShort(), Failure.CONNECTION_RESET),
        (ConnectionResetError(104, "reset"), Failure.CONNECTION_RESET),
        (BadAnswer("More than 128 headers"), Failure.INVALID_RESPONSE),
        (InvalidURL("http://: no host"), Failure.INVALID_RESPONSE),
    ],
)
def test_translate(exc: BaseException, failure: Failure) -> None:
    got, detail = translate(exc)
    assert got is failure
    assert len(detail) <= 200


_KEY = ConnectionKey("example.org", 443, True, True, None, None, None, None)


@pytest.mark.parametrize(
    ("exc", "failure"),
    [
        (aiohttp.ClientConnectorDNSError(_KEY, socket.gaierror(socket.EAI_NONAME, "unknown")),
         Failure.DNS_NXDOMAIN),
        (aiohttp.ClientConnectorDNSError(_KEY, socket.gaierror(socket.EAI_AGAIN, "try again")),
         Failure.DNS_TEMPORARY),
        (aiohttp.ClientConnectorDNSError(_KEY, AddressRefused("x resolves to 10.0.0.1")),
         Failure.PRIVATE_ADDRESS),
        (aiohttp.ClientConnectorError(_KEY, ConnectionRefusedError(111, "refused")),
         Failure.CONNECTION_REFUSED),
        (aiohttp.ClientConnectorError(_KEY, OSError(101, "Network is unreachable")),
         Failure.CONNECTION_RESET),
        (aiohttp.ClientConnectorCertificateError(_KEY, ssl.SSLCertVerificationError("bad")),
         Failure.TLS),
        (aiohttp.ClientConnectorSSLError(_KEY, ssl.SSLError("handshake")), Failure.TLS),
        (aiohttp.ServerTimeoutError("read timeout"), Failure.TIMEOUT),
        (aiohttp.ConnectionTimeoutError("connect timeout"), Failure.TIMEOUT),
        (aiohttp.ServerDisconnectedError(), Failure.CONNECTION_RESET),
        (aiohttp.ClientOSError(104, "Connection reset by peer"), Failure.CONNECTION_RESET),
        (aiohttp.ClientPayloadError("Response payload is not completed"),
         Failure.CONNECTION_RESET),
        (aiohttp.InvalidURL("http://"), Failure.INVALID_RESPONSE),
    ],
)
def test_the_sessions_exceptions_read_as_the_wires(exc: aiohttp.ClientError,
                                                   failure: Failure) -> None:
    # The aiohttp session turns its exceptions into the client's own at its boundary.
    own = client_error(exc, tls=True)
    assert not isinstance(own, aiohttp.ClientError) or isinstance(own, TimeoutError)
    assert translate(own)[0] is failure


async def test_a_refused_literal_stays_refused_on_every_request(
    alpha: SimHost, beta: SimHost
) -> None:
    # The guard remembers its verdict per host: the second look must agree with the first,
    # and a trusted host's verdict must not leak to its neighbour.
    urls = [alpha.route("/a", Page()), alpha.route("/b", Page()), beta.route("/c", Page())]
    settings = CheckSettings(trusted_networks=(ipaddress.ip_network(f"{beta.address}/32"),))
    async with open_client(settings) as client:
        observations = [await client.observe(url) for url in (*urls, urls[0])]
    assert [o.failure for o in observations] == [Failure.PRIVATE_ADDRESS, Failure.PRIVATE_ADDRESS,
                                                 None, Failure.PRIVATE_ADDRESS]
    assert "is not a public address" in observations[3].exchanges[-1].detail
    assert (alpha.requests, beta.requests) == (0, 1)


@pytest.mark.parametrize("size", [0, 1, 16 * 1024 - 1, 16 * 1024, 40_000, 64 * 1024 - 1])
async def test_a_whole_body_is_read_whole_and_not_called_truncated(
    alpha: SimHost, client: HttpClient, size: int
) -> None:
    # Ending the read when the stream says it is at its end must give what reading on to the
    # empty chunk gave: every byte, in order, and no truncation, across chunk boundaries.
    body = bytes(range(256)) * (size // 256) + b"e" * (size % 256)
    url = alpha.route("/sized", Page(body, content_type="application/octet-stream", charset=None))
    _exchange, answer = await client.fetch("GET", url)
    assert answer is not None and answer.body == body and answer.bytes_read == size
    assert not answer.truncated and answer.note == ""


async def test_a_body_exactly_at_the_limit_is_truncated_as_before(
    alpha: SimHost, client: HttpClient
) -> None:
    size = client.settings.max_body_bytes
    url = alpha.route("/full", Page(b"f" * size, content_type="application/octet-stream"))
    _exchange, answer = await client.fetch("GET", url)
    assert answer is not None and len(answer.body) == size and answer.truncated
