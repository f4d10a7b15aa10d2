"""The wire client against a scripted HTTP/1.1 server on a real loopback socket: what it
does with connections (kept, replaced, capped), with bodies that end in unusual ways, and
that it sends what aiohttp's ClientSession sends. Verdict parity with aiohttp is the rest of
tests/check, which runs every checker test through both clients."""

from __future__ import annotations

import asyncio
import json
import ssl
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest

from bot.check import http as http_module
from bot.check import wire as wire_module
from bot.check.cookies import Cookies
from bot.check.http import HttpClient, LazySession, open_client, session_headers
from bot.check.resolver import GuardedResolver
from bot.check.settings import CheckSettings, HttpClientKind, RequestMethod
from bot.check.wire import Wire
from tests.check.conftest import FAST
from tests.check.test_engine_verdicts import _self_signed

PAGE = b"<html><head><title>Hello</title></head><body>hi</body></html>"


def ok(body: bytes = PAGE, *extra: bytes) -> bytes:
    head = [b"HTTP/1.1 200 OK", b"Content-Type: text/html", b"Content-Length: %d" % len(body),
            *extra]
    return b"\r\n".join(head) + b"\r\n\r\n" + body


Reply = bytes | tuple[bytes, ...] | None
PART_GAP = 0.05


@dataclass(eq=False)
class Scripted:
    """Answers the n-th request (over all connections) with `replies[n]`, the last one
    again after that. A reply of None closes the connection without a word; a tuple is
    written in parts, PART_GAP seconds apart; `close_after` closes the connection after every
    answer. Counts connections opened and closed by the client."""

    replies: list[Reply]
    close_after: bool = False
    tls: ssl.SSLContext | None = None
    address: str = "127.0.0.2"
    port: int = 0
    heads: list[bytes] = field(default_factory=list)
    opened: int = 0
    closed_by_client: int = 0
    server: asyncio.Server | None = None

    def url(self, path: str = "/") -> str:
        scheme = "https" if self.tls else "http"
        return f"{scheme}://{self.address}:{self.port}{path}"

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._serve, self.address, 0, ssl=self.tls)
        self.port = self.server.sockets[0].getsockname()[1]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.opened += 1
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except asyncio.IncompleteReadError:
                    self.closed_by_client += 1
                    return
                self.heads.append(head)
                reply = self.replies[min(len(self.heads), len(self.replies)) - 1]
                if reply is None:
                    return
                for at, part in enumerate((reply,) if isinstance(reply, bytes) else reply):
                    if at:
                        await asyncio.sleep(PART_GAP)
                    writer.write(part)
                    await writer.drain()
                if self.close_after:
                    return
        except ConnectionError:
            self.closed_by_client += 1
        finally:
            writer.close()


@pytest.fixture
async def scripted() -> AsyncIterator[list[Scripted]]:
    servers: list[Scripted] = []
    yield servers
    for server in servers:
        if server.server is not None:
            server.server.close()


async def serve(servers: list[Scripted], *replies: Reply, **options: Any) -> Scripted:
    server = Scripted(list(replies), address=f"127.0.0.{2 + len(servers)}", **options)
    await server.start()
    servers.append(server)
    return server


WIRE = replace(FAST, http_client=HttpClientKind.WIRE)


@asynccontextmanager
async def both_clients(
    tls: ssl.SSLContext | None = None,
) -> AsyncIterator[tuple[HttpClient, HttpClient]]:
    """The wire client and the aiohttp session alone, sharing one resolver and cookie jar
    as `open_client` builds them; `tls`: the wire's TLS context (None: the default)."""
    resolver, cookies, headers = GuardedResolver(WIRE), Cookies(), session_headers(WIRE)
    session = LazySession(WIRE, resolver, headers, cookies)
    wire = Wire(WIRE, resolver, cookies, headers, tls=tls)
    try:
        yield HttpClient(session, WIRE, wire), HttpClient(session, WIRE)
    finally:
        await wire.close()
        await session.close()


@asynccontextmanager
async def trusting(client_tls: ssl.SSLContext) -> AsyncIterator[HttpClient]:
    """A wire client whose TLS trusts the test certificate."""
    async with both_clients(client_tls) as (through_wire, _):
        yield through_wire


async def test_connections_are_kept_and_used_again(scripted: list[Scripted]) -> None:
    server = await serve(scripted, ok())
    async with open_client(WIRE) as client:
        statuses = [(await client.observe(server.url(f"/{n}"))).final_status for n in range(3)]
    assert statuses == [200, 200, 200]
    assert (server.opened, len(server.heads)) == (1, 3)


LONG_PAGE = PAGE + b"<!--" + b"x" * (WIRE.max_body_bytes + 16 * 1024) + b"-->"
# The answer up to a little past the body budget, and its rest a moment later: still on its
# way when the client has what it needs.
LONG_ANSWER = ok(LONG_PAGE)
SPLIT_LONG = (LONG_ANSWER[: -8 * 1024], LONG_ANSWER[-8 * 1024:])


async def test_a_page_past_the_body_budget_keeps_its_connection_when_its_rest_is_short(
    scripted: list[Scripted],
) -> None:
    # What the verdict did not need is read and dropped: the next link of the host comes
    # over the same connection. Both clients.
    server = await serve(scripted, SPLIT_LONG, ok(), SPLIT_LONG, ok())
    async with both_clients() as clients:
        for client in clients:
            first = await client.observe(server.url("/long"))
            again = await client.observe(server.url("/again"))
            assert (first.final_status, again.final_status) == (200, 200)
            assert first.body == LONG_PAGE[: WIRE.max_decompressed_bytes]
    assert (server.opened, len(server.heads)) == (2, 4)  # one connection per client


async def test_a_long_rest_goes_with_its_connection(
    scripted: list[Scripted], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(http_module, "DRAIN_BYTES", 1024)
    server = await serve(scripted, SPLIT_LONG, ok())
    async with open_client(WIRE) as client:
        await client.observe(server.url("/long"))
        await client.observe(server.url("/again"))
    assert server.opened == 2


async def test_a_body_stopped_by_its_time_limit_is_not_waited_for_again(
    scripted: list[Scripted], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A body that stalls (a drip) gets its time limit once; the rest is not drained.
    monkeypatch.setattr(http_module, "DRAIN_SECONDS", 30.0)
    stalled = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 9999\r\n\r\n" + PAGE
    server = await serve(scripted, stalled)
    async with open_client(replace(WIRE, body_timeout=0.2, total_timeout=60.0,
                                   first_byte_timeout=60.0)) as client:
        seen = await asyncio.wait_for(client.observe(server.url("/drip")), 10.0)
    assert (seen.final_status, seen.body) == (200, PAGE)


async def test_a_redirect_whose_body_comes_after_its_head_keeps_its_connection(
    scripted: list[Scripted],
) -> None:
    # The usual hop within a site (/docs -> /docs/): its short body, sent after the head,
    # must not cost the next hop a new connection.
    body = b"<a href='/docs/'>Moved</a>"
    head = b"HTTP/1.1 301 Moved Permanently\r\nLocation: /docs/\r\nContent-Type: text/html\r\n"
    moved = (head + b"Content-Length: %d\r\n\r\n" % len(body), body)
    server = await serve(scripted, moved, ok())
    async with open_client(WIRE) as client:
        seen = await client.observe(server.url("/docs"))
    assert (seen.final_status, len(seen.hops)) == (200, 1)
    assert (server.opened, len(server.heads)) == (1, 2)


async def test_an_answer_to_head_ends_with_its_head_and_keeps_its_connection(
    scripted: list[Scripted],
) -> None:
    # Its Content-Length tells the size of the body a GET would get; none follows. The next
    # request goes over the same connection, and its answer is read from its own first byte.
    pdf = b"HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\nContent-Length: 5000\r\n\r\n"
    html_head = ok()[: -len(PAGE)]
    server = await serve(scripted, pdf, pdf, html_head, ok())
    async with open_client(replace(WIRE, method=RequestMethod.HEAD)) as client:
        first = await client.observe(server.url("/a.pdf"))
        second = await client.observe(server.url("/b.pdf"))
        page = await client.observe(server.url("/"))  # HTML: asked again with GET
    assert (first.final_status, second.final_status, page.final_status) == (200, 200, 200)
    assert page.body == PAGE
    assert [head.split(b" ", 1)[0] for head in server.heads] == [b"HEAD", b"HEAD", b"HEAD", b"GET"]
    assert server.opened == 1


async def test_a_body_after_an_answer_to_head_ends_its_connection(
    scripted: list[Scripted],
) -> None:
    pdf = b"HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\nContent-Length: 4\r\n\r\n"
    server = await serve(scripted, pdf + b"%PDF", pdf)
    async with open_client(replace(WIRE, method=RequestMethod.HEAD)) as client:
        first = await client.observe(server.url("/a.pdf"))
        second = await client.observe(server.url("/b.pdf"))
    assert (first.final_status, second.final_status) == (200, 200)
    assert server.opened == 2


async def test_a_kept_connection_the_server_dropped_is_replaced_not_reported(
    scripted: list[Scripted],
) -> None:
    # The second request finds the kept connection closed under it, with no answer: asked
    # again on a new connection, as aiohttp does, it is not a "connection reset".
    server = await serve(scripted, ok(), None, ok())
    async with open_client(WIRE) as client:
        first = await client.observe(server.url("/a"))
        second = await client.observe(server.url("/b"))
    assert (first.final_status, second.final_status, second.failure) == (200, 200, None)
    assert server.opened == 2


async def test_a_connection_that_drops_twice_is_a_reset(scripted: list[Scripted]) -> None:
    server = await serve(scripted, None)
    async with open_client(WIRE) as client:
        exchange, answer = await client.fetch("GET", server.url("/"))
    assert (answer, exchange.failure) == (None, "connection_reset")
    assert server.opened == 2  # asked once more, then reported


async def test_a_body_without_a_length_ends_with_its_connection(scripted: list[Scripted]) -> None:
    server = await serve(scripted, b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + PAGE,
                         close_after=True)
    async with open_client(WIRE) as client:
        _, answer = await client.fetch("GET", server.url("/"))
    assert answer is not None
    assert (answer.status, answer.body, answer.truncated) == (200, PAGE, False)


async def test_a_chunked_body_is_read_whole(scripted: list[Scripted]) -> None:
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (PAGE[:10], PAGE[10:]))
    reply = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n"
             + chunks + b"0\r\n\r\n")
    server = await serve(scripted, reply)
    async with open_client(WIRE) as client:
        _, answer = await client.fetch("GET", server.url("/"))
        _, again = await client.fetch("GET", server.url("/again"))
    assert answer is not None and again is not None
    assert (answer.body, answer.truncated, again.body) == (PAGE, False, PAGE)
    assert server.opened == 1  # a chunked answer read to its end leaves the connection clean


async def test_a_body_shorter_than_its_length_is_cut_short(scripted: list[Scripted]) -> None:
    reply = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 500\r\n\r\n" + PAGE
    server = await serve(scripted, reply, close_after=True)
    async with open_client(WIRE) as client:
        _, answer = await client.fetch("GET", server.url("/"))
    assert answer is not None
    assert (answer.status, answer.body, answer.truncated) == (200, PAGE, True)
    assert answer.note.startswith("body cut short")


async def test_interim_answers_are_skipped(scripted: list[Scripted]) -> None:
    early = b"HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"
    server = await serve(scripted, early + ok(b"", b"X-Final: yes"))
    async with open_client(WIRE) as client:
        _, answer = await client.fetch("GET", server.url("/"))
    assert answer is not None
    assert (answer.status, answer.headers.get("x-final"), "link" in answer.headers) == (
        200, "yes", False)


async def test_a_connection_idle_too_long_is_not_used_again(
    scripted: list[Scripted], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A connection silently dropped by a NAT would swallow the next request: after the
    # keep-alive time (aiohttp's 15 s, shortened here) a new connection is opened instead.
    server = await serve(scripted, ok())
    monkeypatch.setattr(wire_module, "KEEPALIVE_S", 0.05)
    async with open_client(WIRE) as client:
        await client.observe(server.url("/a"))
        await client.observe(server.url("/b"))  # right away: the same connection
        await asyncio.sleep(0.1)
        await client.observe(server.url("/c"))
        await asyncio.sleep(0.05)
    assert server.opened == 2
    assert server.closed_by_client == 1  # the stale one is closed, not left open


async def test_idle_connections_are_capped_by_the_open_file_budget(
    scripted: list[Scripted], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = await serve(scripted, ok()), await serve(scripted, ok())
    monkeypatch.setattr(wire_module, "MAX_IDLE", 1)
    async with open_client(WIRE) as client:
        await client.observe(first.url("/"))
        await client.observe(second.url("/"))  # its idle connection pushes out the first's
        await asyncio.sleep(0.05)
        assert (first.closed_by_client, second.closed_by_client) == (1, 0)
        await client.observe(first.url("/again"))
    assert first.opened == 2


async def test_a_stale_idle_connection_is_closed_when_another_is_released(
    scripted: list[Scripted], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A host whose links are done is not held open until the run ends.
    first, second = await serve(scripted, ok()), await serve(scripted, ok())
    monkeypatch.setattr(wire_module, "KEEPALIVE_S", 0.05)
    async with open_client(WIRE) as client:
        await client.observe(first.url("/"))
        await asyncio.sleep(0.1)
        await client.observe(second.url("/"))
        await asyncio.sleep(0.05)
        assert (first.closed_by_client, second.closed_by_client) == (1, 0)


@pytest.mark.parametrize(("concurrency", "open_files", "budget"), [
    (64, 1024, 1024 - 64 - wire_module.RESERVED_FILES),
    (64, 100_000, wire_module.MAX_IDLE),
    (64, None, wire_module.MAX_IDLE),  # no limit
    (800, 1024, 1024 - 800 - wire_module.RESERVED_FILES),
    (300, 256, 1),  # a limit the requests in flight already exhaust: one, not none
])
def test_the_idle_budget_is_what_the_open_file_limit_leaves(
    concurrency: int, open_files: int | None, budget: int
) -> None:
    assert wire_module.idle_budget(concurrency, open_files) == budget


async def test_a_set_cookie_is_sent_back_on_the_next_request(scripted: list[Scripted]) -> None:
    server = await serve(scripted, ok(PAGE, b"Set-Cookie: session=abc; Path=/"), ok())
    async with open_client(WIRE) as client:
        await client.observe(server.url("/first"))
        await client.observe(server.url("/second"))
    assert b"cookie" not in server.heads[0].lower()
    assert b"\r\nCookie: session=abc\r\n" in server.heads[1]


async def test_a_cookie_goes_back_only_to_its_own_site_path_and_scheme(
    scripted: list[Scripted],
) -> None:
    setter = await serve(scripted, ok(PAGE, b"Set-Cookie: a=1; Path=/docs",
                                      b"Set-Cookie: s=2; Path=/; Secure"), ok())
    other = await serve(scripted, ok())
    async with open_client(WIRE) as client:
        for url in (setter.url("/docs/set"), setter.url("/docs/again"), setter.url("/blog"),
                    other.url("/docs/set")):
            await client.observe(url)
    assert b"\r\nCookie: a=1\r\n" in setter.heads[1]  # Secure is never sent over http
    assert b"cookie" not in setter.heads[2].lower()  # outside its path
    assert b"cookie" not in other.heads[0].lower()  # another site


async def test_the_aiohttp_session_sends_and_keeps_the_runs_cookies(
    scripted: list[Scripted],
) -> None:
    # One jar for both clients: what the wire was given, the session sends, and back.
    server = await serve(scripted, ok(PAGE, b"Set-Cookie: w=1; Path=/"),
                         ok(PAGE, b"Set-Cookie: s=2; Path=/"), ok())
    async with both_clients() as (through_wire, through_session):
        await through_wire.observe(server.url("/1"))
        await through_session.observe(server.url("/2"))
        await through_wire.observe(server.url("/3"))
    cookie_lines = [_header_lines(head).get("cookie") for head in server.heads]
    assert cookie_lines == [None, "w=1", "w=1; s=2"]


async def test_a_shorter_time_limit_is_kept_while_a_longer_one_waits(
    scripted: list[Scripted],
) -> None:
    # Limits are enforced by sweeps timed to the earliest one: a body limit of 0.3 s that
    # starts after a 10 s wait for a head must still run out first.
    silent = await asyncio.start_server(lambda reader, writer: None, "127.0.0.3", 0)
    head_never = f"http://127.0.0.3:{silent.sockets[0].getsockname()[1]}/"
    cut = ok(PAGE)[:-10]  # the head and most of the body, then nothing more
    body_stalls = await serve(scripted, cut)
    settings = replace(WIRE, first_byte_timeout=10.0, total_timeout=20.0, body_timeout=0.3)
    try:
        async with open_client(settings) as client:
            waiting = asyncio.create_task(client.fetch("GET", head_never))
            await asyncio.sleep(0.1)  # its 10 s wait is being watched
            exchange, answer = await client.fetch("GET", body_stalls.url())
            await asyncio.sleep(0.05)  # a sweep that ended both would have ended it by now
            assert not waiting.done()
            waiting.cancel()
    finally:
        silent.close()
    assert answer is not None and answer.note == "body read stopped at the time limit", exchange


_NO_AIOHTTP_RUN = """
import json, sys, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

cookies = []

class Page(BaseHTTPRequestHandler):
    def do_GET(self):
        cookies.append(self.headers.get("Cookie"))
        body = b"<html><head><title>Hello</title></head><body>hi</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Set-Cookie", "session=abc; Path=/")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass

server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
threading.Thread(target=server.serve_forever, daemon=True).start()
site = f"http://127.0.0.1:{server.server_address[1]}"
with open("links.md", "w") as links:
    links.write(f"- [a]({site}/a)\\n- [b]({site}/b)\\n")
from bot.cli import main
code = main(["check", "links.md", "--no-progress", "--no-verify", "--allow-private",
             "--jobs", "1", "--per-host", "1", "--output", "report.json"])
loaded = sorted(name for name in sys.modules if name.partition(".")[0] == "aiohttp")
print(json.dumps({"code": code, "aiohttp": loaded, "cookies": cookies}))
"""


def test_a_check_the_wire_serves_whole_never_imports_aiohttp(tmp_path: Path) -> None:
    # aiohttp's import costs ~0.1 s of CPU before the first request: only a request that
    # needs its session (the config's choice, an answer llhttp refuses) may load it. The page
    # sets a cookie and names a charset, so the jar and the charset parser are on the path
    # (one request at a time, so the second link goes with the first one's cookie).
    done = subprocess.run([sys.executable, "-c", _NO_AIOHTTP_RUN], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120, check=True)
    ran = json.loads(done.stdout.strip().splitlines()[-1])
    assert ran == {"code": 0, "aiohttp": [], "cookies": [None, "session=abc"]}, done.stderr
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert [link["status"] for link in report["links"]] == ["ok", "ok"]


def _header_lines(head: bytes) -> dict[str, str]:
    lines = head.decode("latin-1").split("\r\n")[1:]
    pairs = (line.split(":", 1) for line in lines if ":" in line)
    return {name.strip().lower(): value.strip() for name, value in pairs}


@pytest.mark.parametrize("kind", list(HttpClientKind))
async def test_both_clients_send_the_same_request_head(
    scripted: list[Scripted], kind: HttpClientKind
) -> None:
    server = await serve(scripted, ok())
    settings: CheckSettings = replace(FAST, http_client=kind)
    async with open_client(settings) as client:
        await client.fetch("GET", server.url("/path?q=1"), {"If-None-Match": '"v1"'})
    request_line = server.heads[0].split(b"\r\n", 1)[0]
    headers = _header_lines(server.heads[0])
    assert request_line == b"GET /path?q=1 HTTP/1.1"
    assert headers["host"] == f"{server.address}:{server.port}"
    assert headers["user-agent"] == settings.user_agent
    assert headers["accept-encoding"] == "gzip, deflate, br"
    assert headers["if-none-match"] == '"v1"'
    assert {"accept", "accept-language"} <= headers.keys()


# ---- over TLS: what every real link goes through ---------------------------------------------


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A server context for 127.0.0.2, and a client context that trusts it (and only it)."""
    cert, key = _self_signed(tmp_path, "127.0.0.2")
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(cert, key)
    client = ssl.create_default_context(cafile=str(cert))
    return server, client


async def test_answers_over_tls_are_read_and_their_connection_kept(
    scripted: list[Scripted], certificate: tuple[ssl.SSLContext, ssl.SSLContext]
) -> None:
    server_tls, client_tls = certificate
    length_known = await serve(scripted, ok(), tls=server_tls)
    async with trusting(client_tls) as client:
        first = await client.observe(length_known.url("/a"))
        second = await client.observe(length_known.url("/b"))
    assert (first.final_status, first.body, second.final_status) == (200, PAGE, 200)
    assert length_known.opened == 1


async def test_a_tls_body_many_records_long_is_read_whole(
    scripted: list[Scripted], certificate: tuple[ssl.SSLContext, ssl.SSLContext]
) -> None:
    # TLS is read a record at a time (TLS_READ_BYTES, not asyncio's 256 KiB per connection),
    # and a body of several records comes out whole.
    server_tls, client_tls = certificate
    body = PAGE + b"<!--" + bytes(range(48, 58)) * 5000 + b"-->"
    assert 3 * wire_module.TLS_READ_BYTES < len(body) < WIRE.max_body_bytes
    server = await serve(scripted, ok(body), tls=server_tls)
    async with trusting(client_tls) as client:
        seen = await client.observe(server.url("/long"))
    assert (seen.final_status, seen.body) == (200, body)
    assert asyncio.sslproto.SSLProtocol.max_size == wire_module.TLS_READ_BYTES


async def test_a_body_ended_by_a_tls_close_is_whole(
    scripted: list[Scripted], certificate: tuple[ssl.SSLContext, ssl.SSLContext]
) -> None:
    server_tls, client_tls = certificate
    reply = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + PAGE
    no_length = await serve(scripted, reply, close_after=True, tls=server_tls)
    async with trusting(client_tls) as client:
        exchange, answer = await client.fetch("GET", no_length.url())
    assert answer is not None, exchange
    assert (answer.status, answer.body, answer.truncated) == (200, PAGE, False)


@pytest.mark.parametrize(("kind", "through_wire"),
                         [(HttpClientKind.WIRE, 1), (HttpClientKind.AIOHTTP, 0)])
async def test_the_setting_chooses_the_client_that_sends(
    scripted: list[Scripted], monkeypatch: pytest.MonkeyPatch, kind: HttpClientKind,
    through_wire: int,
) -> None:
    # Both clients send the same bytes (above), so which one sent is counted at the wire.
    sent: list[str] = []
    original = Wire.request

    async def counted(self: Wire, method: str, url: Any, *rest: Any) -> Any:
        sent.append(method)
        return await original(self, method, url, *rest)

    monkeypatch.setattr(Wire, "request", counted)
    server = await serve(scripted, ok())
    async with open_client(replace(FAST, http_client=kind)) as client:
        _, answer = await client.fetch("GET", server.url("/"))
    assert answer is not None and answer.status == 200
    assert len(sent) == through_wire
