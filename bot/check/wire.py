"""The checker's hot path to the web: HTTP/1.1 GET and HEAD over asyncio protocols, with
keep-alive connections pooled per origin and the answer parsed by llhttp (httptools).

Why not aiohttp's ClientSession here: on the issue-12 benchmark (10,000 GETs of small pages)
its request path alone spent 1.9 s of CPU, more than everything else a check does; this
client sends and parses the same bytes in a fraction of that (benchmarks/README.md). It
keeps aiohttp's behaviour where a verdict could tell them apart: the same guarded resolver,
happy-eyeballs connect (aiohappyeyeballs), TLS context, cookie jar, lenient parsing flags,
and one retry of a request whose connection dropped before an answer; its failures are the
exceptions of `client_errors`, which the aiohttp session raises too. An answer llhttp
refuses raises `ParseRefused`, and the caller asks aiohttp instead. Nothing here imports
aiohttp: a run this client serves whole never loads it.
"""

from __future__ import annotations

import asyncio
import functools
import math
import socket
import ssl
import time
from asyncio import sslproto
from collections import OrderedDict, deque
from collections.abc import Mapping
from typing import Any, NamedTuple

import aiohappyeyeballs
import httptools
from multidict import CIMultiDict, CIMultiDictProxy

from bot.check.client_errors import (
    BadAnswer,
    BodyCutShort,
    ConnectFailed,
    Disconnected,
    NameNotResolved,
    TlsFailed,
)
from bot.check.cookies import Cookies
from bot.check.resolver import GuardedResolver, Resolved, answers_for
from bot.check.settings import CheckSettings
from bot.check.target import DEFAULT_PORTS, Target
from bot.urls import literal_ip

DNS_TTL = 300.0  # seconds, as the aiohttp connector is configured (ttl_dns_cache)
HAPPY_EYEBALLS_DELAY = 0.25  # aiohttp's default
# A connection idle longer than this is not used again (aiohttp's keepalive_timeout): a NAT or
# a server may have dropped it without a word, and a request sent on it would wait for an
# answer until the first-byte time limit, then be reported as a timeout.
KEEPALIVE_S = 15.0
MAX_HEADERS = 128  # aiohttp's parser refuses an answer with more
PAUSE_ABOVE = 256 * 1024  # buffered body bytes before the socket stops being read
# Time limits are enforced by sweeps of the waiting answers, not by a timer per wait: three
# timers per request were a sixth of this client's CPU. A sweep runs when the earliest limit
# runs out, at most every TICK seconds, so a limit may run out up to TICK late; while answers
# are merely slow, nothing wakes the process (a sweep every TICK cost 1% of a core).
TICK = 0.02
# Idle connections kept for later requests: as many as the open-file limit leaves beside the
# requests in flight and RESERVED_FILES for everything else (reports, pipes, lookups), at most
# MAX_IDLE. Not `concurrency`: the ready-queue serves hosts round-robin, so with more hosts
# than workers each host's connection waited longest when its turn came, and a pool of
# `concurrency` idle connections evicted exactly that one (10,000 links on 200 hosts at the
# default 64: a new connection for 96-99% of the requests, and 1.6 times the CPU).
MAX_IDLE = 1024
RESERVED_FILES = 64
# asyncio reads a TLS connection through a buffer of SSLProtocol.max_size (256 KiB), zeroed
# when the connection is made, so resident: the 580 connections of 2,000 https links held
# 140 MB of them (benchmarks/README.md, run.py --tls). One TLS record (at most 16 KiB of
# plaintext) per read needs no more. A class attribute: every TLS connection of the process
# (aiohttp's too) reads this way; asyncio has no per-connection setting for it.
TLS_READ_BYTES = 16 * 1024
sslproto.SSLProtocol.max_size = TLS_READ_BYTES


class ParseRefused(Exception):
    """llhttp refused the answer's head; aiohttp's parser may still read it."""


class Origin(NamedTuple):
    """Where a connection goes: connections are pooled, and kept, per origin."""

    host: str  # as the URL spells it (an IPv6 literal without brackets)
    port: int | None
    is_ssl: bool
    server_hostname: str  # the name TLS checks the certificate against


def _tls_context() -> ssl.SSLContext:
    # What aiohttp's connector uses for a verified connection.
    context = ssl.create_default_context()
    context.set_alpn_protocols(("http/1.1",))
    return context


class _Connection(asyncio.Protocol):
    """One socket to one origin; it carries one `WireResponse` at a time."""

    def __init__(self, key: Origin, max_header_bytes: int) -> None:
        self.key = key
        self.transport: asyncio.Transport | None = None
        self.idle_since = 0.0
        self._max_header_bytes = max_header_bytes
        self._parser = self._new_parser()
        self._response: WireResponse | None = None
        # A HEAD answer has no body, whatever its Content-Length says, but llhttp cannot be
        # told so: the answer ends with its head, and the next one gets a parser of its own.
        self._head_request = False

    def _new_parser(self) -> httptools.HttpResponseParser:
        parser = httptools.HttpResponseParser(self)
        # aiohttp's response parser runs llhttp with these leniencies outside debug mode.
        parser.set_dangerous_leniencies(
            lenient_headers=True, lenient_optional_cr_before_lf=True,
            lenient_spaces_after_chunk_size=True,
        )
        return parser

    @property
    def usable(self) -> bool:
        return self.transport is not None and not self.transport.is_closing()

    def carry(self, response: WireResponse, method: str) -> None:
        if self._head_request:  # the last answer, to a HEAD, ended with its head, while its
            self._parser = self._new_parser()  # parser still waits for a body
        self._response = response
        self._head_request = method == "HEAD"

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()

    # ---- asyncio.Protocol -------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        response = self._response
        if response is None or response.complete:
            self.close()  # bytes nobody asked for: this connection cannot be trusted again
            return
        response.got_bytes = True
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            response.fail(BadAnswer("unexpected protocol upgrade"))
            self.close()
        except httptools.HttpParserError as exc:
            response.refused(exc)
            self.close()

    def eof_received(self) -> bool:
        return False  # close our side too: connection_lost follows

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None
        if self._response is not None:
            self._response.lost(exc)

    # ---- llhttp callbacks -------------------------------------------------------------

    def on_header(self, name: bytes, value: bytes) -> None:
        assert self._response is not None
        self._response.header(name, value, self._max_header_bytes)

    def on_headers_complete(self) -> None:
        assert self._response is not None
        status = self._parser.get_status_code()
        self._response.head_complete(status, self._parser.should_keep_alive())
        if self._head_request and status >= 200:
            self._response.message_complete()

    def on_body(self, body: bytes) -> None:
        assert self._response is not None
        if self._head_request:
            # A body after a HEAD answer: the connection's bytes can no longer be trusted.
            raise BadAnswer("a body after the answer to HEAD")
        self._response.body(body)
        if self._response.buffered > PAUSE_ABOVE and self.transport is not None:
            self.transport.pause_reading()

    def on_message_complete(self) -> None:
        assert self._response is not None
        self._response.message_complete()


class WireResponse:
    """An answer as it arrives: the head, then the body through `read`, as aiohttp's
    `ClientResponse.content` offers it (de-chunked, not decompressed)."""

    def __init__(self, connection: _Connection, pool: Wire, read_timeout: float) -> None:
        self._connection = connection
        self._pool = pool
        self._read_timeout = read_timeout
        self._raw_headers: list[tuple[str, str]] = []
        self._chunks: deque[bytes] = deque()
        self.buffered = 0
        self.status = 0
        self.headers: CIMultiDictProxy[str] = CIMultiDictProxy(CIMultiDict())
        self.charset: str | None = None
        self.keep_alive = False
        self.head_done = False
        self.complete = False
        self.got_bytes = False  # any byte of an answer: then it is never sent again
        self._error: BaseException | None = None
        self._waiter: asyncio.Future[None] | None = None
        self.wait_until = math.inf
        self._closed = False

    # ---- fed by the connection ---------------------------------------------------------

    def header(self, name: bytes, value: bytes, limit: int) -> None:
        if len(name) > limit or len(value) > limit:  # aiohttp's max_field_size, per field
            # Ends feed_data; the message is aiohttp's.
            raise BadAnswer(f"Got more than {limit} bytes in a header")
        if len(self._raw_headers) >= MAX_HEADERS:
            raise BadAnswer(f"More than {MAX_HEADERS} headers")
        self._raw_headers.append((name.decode("latin-1"), value.decode("latin-1")))

    def head_complete(self, status: int, keep_alive: bool) -> None:
        if 100 <= status < 200:
            self._raw_headers = []  # an interim answer: the real one follows
            return
        self.status, self.keep_alive, self.head_done = status, keep_alive, True
        headers = CIMultiDict(self._raw_headers)
        self.headers = CIMultiDictProxy(headers)
        content_type = headers.get("content-type")
        if content_type is not None and "charset" in content_type.lower():
            self.charset = _charset(content_type)
        self._wake()

    def body(self, data: bytes) -> None:
        if self.head_done:
            self._chunks.append(data)
            self.buffered += len(data)
            self._wake()

    def message_complete(self) -> None:
        if not self.head_done:
            return  # the end of an interim (1xx) answer
        self.complete = True
        self._wake()

    def lost(self, exc: BaseException | None) -> None:
        if self.complete:
            return
        if self.head_done and not length_known(self.headers):
            self.complete = True  # a body that ends with its connection ended well
        elif self.head_done:
            self._error = BodyCutShort()
        else:
            self._error = Disconnected()
        self._wake()

    def refused(self, exc: httptools.HttpParserError) -> None:
        cause = exc.__context__
        if isinstance(cause, BadAnswer):
            self.fail(cause)  # our own limit, raised from a callback
        elif self.head_done:
            self.fail(BodyCutShort(f"Response payload is not completed: {exc}"))
        else:
            self.fail(ParseRefused(str(exc)))

    def fail(self, error: BaseException) -> None:
        if self._error is None and not self.complete:
            self._error = error
        self._wake()

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def time_out(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_exception(TimeoutError())

    async def _wait(self, until: float) -> None:
        """Until something arrives, or the silence allowed between bytes (aiohttp's sock_read)
        or `until` runs out: then TimeoutError."""
        loop = asyncio.get_running_loop()
        now = loop.time()
        if now >= until:
            raise TimeoutError
        self._waiter = loop.create_future()
        self.wait_until = min(until, now + self._read_timeout)
        self._pool.watch(self)
        try:
            await self._waiter
        finally:
            self._waiter = None
            self._pool.unwatch(self)

    # ---- read by the client ------------------------------------------------------------

    async def head(self, until: float) -> None:
        """Wait for the answer's status and headers."""
        while not self.head_done:
            if self._error is not None:
                raise self._error
            await self._wait(until)

    async def read(self, limit: int, until: float = math.inf) -> bytes:
        """Up to `limit` bytes of the body; b"" at its end."""
        while not self._chunks:
            if self._error is not None:
                raise self._error
            if self.complete:
                return b""
            await self._wait(until)
        chunk = self._chunks.popleft()
        if len(chunk) > limit:
            chunk, rest = chunk[:limit], chunk[limit:]
            self._chunks.appendleft(rest)
        self.buffered -= len(chunk)
        transport = self._connection.transport
        if self.buffered <= PAUSE_ABOVE // 2 and transport is not None:
            transport.resume_reading()
        return chunk

    def at_eof(self) -> bool:
        return self.complete and not self._chunks

    def close(self) -> None:
        """Done with this answer: its connection goes back to the pool when the answer came
        to its end and may be kept; otherwise the connection is closed, and an unread
        remainder is dropped with it, as aiohttp does."""
        if self._closed:
            return
        self._closed = True
        connection = self._connection
        if self.complete and self._error is None and self.keep_alive and connection.usable:
            self._pool.release(connection)
        else:
            connection.close()


def length_known(headers: Mapping[str, str]) -> bool:
    """Whether a body's end is told by its head (a length, or chunks), not by its connection
    closing."""
    return "content-length" in headers or "chunked" in headers.get(
        "transfer-encoding", "").lower()


@functools.lru_cache(maxsize=256)
def _charset(content_type: str) -> str | None:
    # aiohttp's ClientResponse.charset, through the same (slow, email-based) parser that
    # aiohttp's parse_content_type uses; a run sees a handful of distinct Content-Types, so
    # each is parsed once, and the email package is imported at the first.
    from email.message import EmailMessage
    from email.parser import HeaderParser
    from email.policy import HTTP

    message = HeaderParser(EmailMessage, policy=HTTP).parsestr(f"Content-Type: {content_type}")
    params = dict(message.get_params(())[1:])  # the first is the type itself
    charset = params.get("charset")
    return charset if isinstance(charset, str) else None


def idle_budget(concurrency: int, open_files: int | None) -> int:
    """How many idle connections a process may keep, given its open-file limit (None: no
    limit): at least one, so a host's next request can reuse its connection."""
    if open_files is None:
        return MAX_IDLE
    return max(1, min(MAX_IDLE, open_files - concurrency - RESERVED_FILES))


def open_file_limit() -> int | None:
    """The process's soft limit on open files; None where there is none or it is unknown."""
    try:
        import resource  # Unix only
    except ImportError:  # pragma: no cover - Windows
        return None
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    return None if soft == resource.RLIM_INFINITY else soft


class Wire:
    """Connections pooled per origin; idle ones are kept while the open-file limit allows
    (`idle_budget`) and for at most KEEPALIVE_S."""

    def __init__(self, settings: CheckSettings, resolver: GuardedResolver, cookies: Cookies,
                 default_headers: Mapping[str, str], tls: ssl.SSLContext | None = None) -> None:
        self._settings = settings
        self._resolver = resolver
        self._cookies = cookies
        self._defaults = CIMultiDict(default_headers)
        self._default_block = _header_block(self._defaults).encode("utf-8")
        self._tls = tls  # None: aiohttp's verified context, built at the first https connection
        self._idle: dict[Origin, list[_Connection]] = {}
        self._idle_order: OrderedDict[int, _Connection] = OrderedDict()
        self._addresses: dict[tuple[str, int], tuple[float, list[Resolved]]] = {}
        self._resolving: dict[tuple[str, int], asyncio.Future[list[Resolved]]] = {}
        self._idle_budget = idle_budget(settings.concurrency, open_file_limit())
        self._closing = False
        self._waiting: set[WireResponse] = set()
        self._sweeper: asyncio.TimerHandle | None = None

    async def request(
        self, method: str, url: Target, headers: Mapping[str, str], deadline: float
    ) -> WireResponse:
        """Send one request and wait for the answer's head, all by `deadline` (loop time);
        the body is read from the answer."""
        key = _key(url)
        head = self._head_bytes(method, url, headers)
        for attempt in (1, 2):
            connection = self._take(key) or await self._connect(key, deadline)
            response = WireResponse(connection, self, self._settings.first_byte_timeout)
            connection.carry(response, method)
            assert connection.transport is not None
            connection.transport.write(head)
            try:
                await response.head(deadline)
            except Disconnected:
                connection.close()
                if attempt == 2 or response.got_bytes:
                    raise
                continue  # aiohttp asks once more when a connection drops before an answer
            except BaseException:
                connection.close()
                raise
            if "set-cookie" in response.headers:
                self._cookies.remember(str(url), response.headers.getall("set-cookie"))
            return response
        raise AssertionError("unreachable")

    def _head_bytes(self, method: str, url: Target, headers: Mapping[str, str]) -> bytes:
        cookie = self._cookies.header_for(str(url)) if self._cookies else None
        start = f"{method} {url.raw_path_qs or '/'} HTTP/1.1\r\nHost: {_host_header(url)}\r\n"
        if not headers and not cookie:  # the usual request: the defaults, written once
            return start.encode("utf-8") + self._default_block
        sent = self._defaults.copy()
        sent.update(headers)
        if cookie:
            sent["Cookie"] = cookie
        return (start + _header_block(sent)).encode("utf-8")

    # ---- the pool ----------------------------------------------------------------------

    def _take(self, key: Origin) -> _Connection | None:
        idle = self._idle.get(key)
        stale_before = time.monotonic() - KEEPALIVE_S
        while idle:
            connection = idle.pop()
            self._idle_order.pop(id(connection), None)
            if connection.usable and connection.idle_since >= stale_before:
                return connection
            connection.close()
        return None

    def release(self, connection: _Connection) -> None:
        if self._closing:
            connection.close()
            return
        now = connection.idle_since = time.monotonic()
        self._idle.setdefault(connection.key, []).append(connection)
        self._idle_order[id(connection)] = connection
        # Released in order, so the oldest idle connection is first: the stale ones go too,
        # a polite client does not hold a finished host's connections until the run ends.
        while self._idle_order:
            oldest = next(iter(self._idle_order.values()))
            if len(self._idle_order) <= self._idle_budget and (
                    oldest.idle_since >= now - KEEPALIVE_S):
                break
            self._drop_idle(oldest)

    def _drop_idle(self, connection: _Connection) -> None:
        del self._idle_order[id(connection)]
        self._idle[connection.key].remove(connection)
        connection.close()

    # ---- time limits ------------------------------------------------------------------

    def watch(self, response: WireResponse) -> None:
        self._waiting.add(response)
        # A later sweep than this limit needs is moved up; one at most TICK early is kept.
        if self._sweeper is None or response.wait_until < self._sweeper.when() - TICK:
            self._sweep_at(response.wait_until)

    def unwatch(self, response: WireResponse) -> None:
        self._waiting.discard(response)

    def _sweep_at(self, when: float) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
        loop = asyncio.get_running_loop()
        self._sweeper = loop.call_at(max(when, loop.time() + TICK), self._sweep)

    def _sweep(self) -> None:
        self._sweeper = None
        now = asyncio.get_running_loop().time()
        for response in [r for r in self._waiting if r.wait_until <= now]:
            self._waiting.discard(response)
            response.time_out()
        if self._waiting:
            self._sweep_at(min(response.wait_until for response in self._waiting))

    async def close(self) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
        self._closing = True
        for connection in self._idle_order.values():
            connection.close()
        self._idle.clear()
        self._idle_order.clear()

    # ---- connecting --------------------------------------------------------------------

    async def _connect(self, key: Origin, deadline: float) -> _Connection:
        """A new connection, resolved and opened within the connect time limit; failures as
        aiohttp's connector reports them."""
        now = asyncio.get_running_loop().time()
        connect_by = min(deadline, now + self._settings.connect_timeout)
        try:
            async with asyncio.timeout_at(connect_by):
                try:
                    addresses = await self._resolve(key)
                except OSError as exc:
                    raise NameNotResolved(key.host, key.port, key.is_ssl, exc) from exc
                return await self._open(key, addresses)
        except TimeoutError as exc:
            raise TimeoutError(f"Connection timeout to host {key.host}") from exc

    async def _open(self, key: Origin, addresses: list[Resolved]) -> _Connection:
        loop = asyncio.get_running_loop()
        connection = _Connection(key, self._settings.max_header_bytes)
        tls: dict[str, Any] = {}
        if key.is_ssl:
            if self._tls is None:
                self._tls = _tls_context()  # loading the CA store costs ~20 ms
            tls = {"ssl": self._tls, "server_hostname": key.server_hostname}
        try:
            sock = await aiohappyeyeballs.start_connection(
                addr_infos=_addr_infos(addresses), happy_eyeballs_delay=HAPPY_EYEBALLS_DELAY,
                loop=loop,
            )
            await loop.create_connection(lambda: connection, sock=sock, **tls)
        except (ssl.CertificateError, ssl.SSLError) as exc:
            raise TlsFailed(key.host, key.port, key.is_ssl, exc) from exc
        except OSError as exc:
            raise ConnectFailed(key.host, key.port, key.is_ssl, exc) from exc
        return connection

    async def _resolve(self, key: Origin) -> list[Resolved]:
        host, port = key.host, key.port or 0
        address = literal_ip(host)
        if address is not None:
            return answers_for(host, port, (address,))
        cache_key = (host, port)
        cached = self._addresses.get(cache_key)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        pending = self._resolving.get(cache_key)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[list[Resolved]] = asyncio.get_running_loop().create_future()
        self._resolving[cache_key] = future
        try:
            found = await self._resolver.resolve(host, port, family=socket.AF_UNSPEC)
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: a lookup nobody else waited for is not an error
            raise
        else:
            future.set_result(found)
            self._addresses[cache_key] = (time.monotonic() + DNS_TTL, found)
            return found
        finally:
            del self._resolving[cache_key]


def _header_block(headers: Mapping[str, str]) -> str:
    for name, value in headers.items():
        if "\r" in value or "\n" in value or "\r" in name or "\n" in name:
            # What aiohttp refuses too: a header (an ETag echoed back) must not split the head.
            raise ValueError(f"newline in the {name!r} header")
    return "".join(f"{name}: {value}\r\n" for name, value in headers.items()) + "\r\n"


def _host_header(url: Target) -> str:
    host = url.raw_host
    if ":" in host:
        host = f"[{host}]"
    if url.explicit_port is not None and url.explicit_port != DEFAULT_PORTS[url.scheme]:
        host = f"{host}:{url.explicit_port}"
    return host


def _key(url: Target) -> Origin:
    host = url.raw_host
    is_ssl = url.scheme == "https"
    port = url.port
    # TLS checks the name, or for an address literal the address, as aiohttp asks it to.
    return Origin(host, port, is_ssl, host.strip("[]").rstrip("."))


def _addr_infos(addresses: list[Resolved]) -> list[aiohappyeyeballs.AddrInfoType]:
    infos: list[aiohappyeyeballs.AddrInfoType] = []
    for found in addresses:
        host, port = found["host"], found["port"]
        if ":" in host:
            infos.append((socket.AF_INET6, socket.SOCK_STREAM, socket.IPPROTO_TCP, "",
                          (host, port, 0, 0)))
        else:
            infos.append((socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "",
                          (host, port)))
    return infos
