"""The simulated web: aiohttp.web servers on real loopback sockets, one per simulated host
(127.0.0.2, 127.0.0.3, ... each on an ephemeral port), with routes whose behaviour tests set
and change between "nights", and request counts per path.

    async with SimWeb() as web:
        alpha = await web.add_host("alpha")
        alpha.route("/ok", Page("<title>Hello</title>"))
        alpha.route("/flaky", Flaky(failures=2))
        url = alpha.url("/ok")            # http://127.0.0.2:PORT/ok
        alpha.hits["/flaky"]              # requests seen so far

Behaviours are small objects with `respond(request, hit)`; `hit` counts from 1 per path.
`RawHost` is a bare TCP server for answers aiohttp.web cannot produce (bad status lines, resets).
"""

from __future__ import annotations

import asyncio
import gzip
import socket
import struct
import time
import zlib
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import brotli
from aiohttp import web

HTML = "text/html; charset=utf-8"


class Behaviour(Protocol):
    async def respond(self, request: web.Request, hit: int) -> web.StreamResponse: ...


@dataclass
class Page:
    """A fixed answer; `body` str is encoded with `charset`."""

    body: str | bytes = "<html><head><title>Page</title></head><body>Hello</body></html>"
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    content_type: str = "text/html"
    charset: str | None = "utf-8"
    latency: float = 0.0

    def payload(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        return self.body.encode(self.charset or "utf-8")

    async def respond(self, request: web.Request, hit: int) -> web.StreamResponse:
        if self.latency:
            await asyncio.sleep(self.latency)
        content_type = self.content_type + (f"; charset={self.charset}" if self.charset else "")
        headers = {"Content-Type": content_type, **self.headers}
        return web.Response(status=self.status, body=self.payload(), headers=headers)


@dataclass
class Redirect:
    location: str
    status: int = 301
    headers: Mapping[str, str] = field(default_factory=dict)

    async def respond(self, request: web.Request, hit: int) -> web.StreamResponse:
        return web.Response(status=self.status, headers={"Location": self.location, **self.headers})


@dataclass
class Flaky:
    """`failures` answers of `status` (with Retry-After when given), then `then`."""

    failures: int = 2
    status: int = 503
    retry_after: str | None = None
    then: Behaviour = field(default_factory=Page)

    async def respond(self, request: web.Request, hit: int) -> web.StreamResponse:
        if hit > self.failures:
            return await self.then.respond(request, hit)
        headers = {"Retry-After": self.retry_after} if self.retry_after is not None else {}
        return web.Response(status=self.status, text="try later", headers=headers)


@dataclass
class HeadNotAllowed:
    """405 to HEAD, `then` to GET (servers that never implemented HEAD)."""

    then: Behaviour = field(default_factory=Page)

    async def respond(self, request: web.Request, hit: int) -> web.StreamResponse:
        if request.method == "HEAD":
            return web.Response(status=405)
        return await self.then.respond(request, hit)


@dataclass
class Drip:
    """200, then `chunk` every `interval` seconds forever; counts the bytes it sent."""

    chunk: bytes = b"x" * 1024
    interval: float = 0.0
    content_type: str = "application/octet-stream"
    sent: int = 0

    async def respond(self, request: web.Request, hit: int) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": self.content_type})
        await response.prepare(request)
        try:
            while True:
                await response.write(self.chunk)
                self.sent += len(self.chunk)
                await asyncio.sleep(self.interval)
        except (ConnectionError, asyncio.CancelledError):
            pass  # the client hung up, as it should
        return response


@dataclass
class Encoded:
    """`page`'s body compressed with gzip, deflate or br."""

    page: Page = field(default_factory=Page)
    coding: str = "gzip"

    async def respond(self, request: web.Request, hit: int) -> web.StreamResponse:
        compress: dict[str, Callable[[bytes], bytes]] = {
            "gzip": gzip.compress, "deflate": zlib.compress, "br": brotli.compress,
        }
        body = compress[self.coding](self.page.payload())
        content_type = self.page.content_type + (
            f"; charset={self.page.charset}" if self.page.charset else ""
        )
        headers = {"Content-Type": content_type, "Content-Encoding": self.coding}
        return web.Response(status=self.page.status, body=body, headers=headers)


def bomb(coding: str = "gzip", size: int = 64 * 1024 * 1024) -> bytes:
    """`size` zero bytes compressed: tens of KiB on the wire, `size` bytes when inflated."""
    if coding == "br":
        return bytes(brotli.compress(b"\0" * size, quality=5))
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS if coding == "gzip" else 15)
    block, out = b"\0" * (1024 * 1024), []
    for _ in range(size // len(block)):
        out.append(compressor.compress(block))
    out.append(compressor.flush())
    return b"".join(out)


@dataclass
class Bomb:
    coding: str = "gzip"
    size: int = 64 * 1024 * 1024
    _cache: bytes = b""

    async def respond(self, request: web.Request, hit: int) -> web.StreamResponse:
        if not self._cache:
            self._cache = bomb(self.coding, self.size)
        headers = {"Content-Type": "text/html", "Content-Encoding": self.coding}
        return web.Response(body=self._cache, headers=headers)


@dataclass
class Gate:
    """Holds every request until `open()`; counts how many wait. For "slow host" tests."""

    then: Behaviour = field(default_factory=Page)
    event: asyncio.Event = field(default_factory=asyncio.Event)
    waiting: int = 0

    def open(self) -> None:
        self.event.set()

    async def respond(self, request: web.Request, hit: int) -> web.StreamResponse:
        self.waiting += 1
        await self.event.wait()
        return await self.then.respond(request, hit)


@dataclass
class Handler:
    """Any coroutine: the escape hatch for one-off behaviours."""

    func: Callable[[web.Request, int], Awaitable[web.StreamResponse]]

    async def respond(self, request: web.Request, hit: int) -> web.StreamResponse:
        return await self.func(request, hit)


NOT_FOUND = Page("<html><head><title>404 Not Found</title></head><body>Not Found</body></html>",
                 status=404)


@dataclass(eq=False)
class SimHost:
    """One simulated site: its address, its routes and what it has seen."""

    name: str
    address: str
    port: int = 0
    routes: dict[str, Behaviour] = field(default_factory=dict)
    fallback: Behaviour = field(default_factory=lambda: NOT_FOUND)
    latency: float = 0.0  # added before every answer of this host
    hits: Counter[str] = field(default_factory=Counter)
    methods: list[tuple[str, str]] = field(default_factory=list)
    request_headers: list[Mapping[str, str]] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0
    clients: set[Any] = field(default_factory=set)  # the client ends of its connections

    @property
    def base(self) -> str:
        return f"http://{self.address}:{self.port}"

    @property
    def hostname(self) -> str:
        """A name for this host; resolve it with `SimWeb.resolve_table()` in settings."""
        return f"{self.name}.test"

    def url(self, path: str = "/") -> str:
        return self.base + path

    def name_url(self, path: str = "/") -> str:
        return f"http://{self.hostname}:{self.port}{path}"

    def route(self, path: str, behaviour: Behaviour) -> str:
        self.routes[path] = behaviour
        return self.url(path)

    @property
    def requests(self) -> int:
        return sum(self.hits.values())

    def reset_counts(self) -> None:
        self.hits.clear()
        self.methods.clear()
        self.request_headers.clear()
        self.max_in_flight = 0
        self.clients.clear()

    async def handle(self, request: web.Request) -> web.StreamResponse:
        path = request.path_qs if request.path_qs in self.routes else request.path
        self.hits[path] += 1
        self.methods.append((request.method, path))
        self.request_headers.append(dict(request.headers))
        if request.transport is not None:
            self.clients.add(request.transport.get_extra_info("peername"))
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.latency:
                await asyncio.sleep(self.latency)
            behaviour = self.routes.get(path, self.fallback)
            return await behaviour.respond(request, self.hits[path])
        finally:
            self.in_flight -= 1


@dataclass(eq=False)
class RawHost:
    """A bare TCP server: writes `reply` after reading the request head, or resets (reply None)."""

    address: str
    reply: bytes | None = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
    port: int = 0
    hits: int = 0
    server: asyncio.Server | None = None

    def url(self, path: str = "/") -> str:
        return f"http://{self.address}:{self.port}{path}"

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._serve, self.address, 0)
        self.port = self.server.sockets[0].getsockname()[1]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.hits += 1
        try:
            await reader.readuntil(b"\r\n\r\n")
            if self.reply is None:
                sock = writer.get_extra_info("socket")
                # SO_LINGER 0: close() sends an RST, the client sees "connection reset".
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            else:
                writer.write(self.reply)
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()


class SimWeb:
    """Several simulated hosts on 127.0.0.2, 127.0.0.3, ...; an async context manager."""

    def __init__(self) -> None:
        self.hosts: dict[str, SimHost] = {}
        self.raw_hosts: list[RawHost] = []
        self._runners: list[web.AppRunner] = []
        self._next = 2

    async def __aenter__(self) -> SimWeb:
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()

    def _address(self) -> str:
        # 127.0.0.2, 127.0.0.3, ... then 127.0.1.2, ...: every 127/8 address is loopback.
        n = self._next
        self._next += 1
        return f"127.0.{n // 200}.{n % 200 + 2}" if n >= 200 else f"127.0.0.{n}"

    async def add_host(self, name: str, address: str | None = None) -> SimHost:
        host = SimHost(name=name, address=address or self._address())
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", host.handle)
        # A short shutdown: handlers held by a Gate or latency must not delay teardown.
        runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=0.1)
        await runner.setup()
        site = web.TCPSite(runner, host.address, 0)
        await site.start()
        host.port = runner.addresses[0][1]
        self._runners.append(runner)
        self.hosts[name] = host
        return host

    async def add_raw_host(self, reply: bytes | None) -> RawHost:
        raw = RawHost(address=self._address(), reply=reply)
        await raw.start()
        self.raw_hosts.append(raw)
        return raw

    def host(self, name: str) -> SimHost:
        return self.hosts[name]

    def reset_counts(self) -> None:
        """Forget every host's request counts, e.g. between two simulated nights."""
        for host in self.hosts.values():
            host.reset_counts()

    @property
    def requests(self) -> int:
        return sum(host.requests for host in self.hosts.values())

    def resolve_table(self) -> dict[str, tuple[str, ...]]:
        """`CheckSettings.resolve` entries mapping each host's name to its address."""
        return {host.hostname: (host.address,) for host in self.hosts.values()}

    def closed_port_url(self, path: str = "/") -> str:
        """A URL on a port nobody listens on: connection refused."""
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        return f"http://127.0.0.1:{port}{path}"

    async def close(self) -> None:
        for raw in self.raw_hosts:
            if raw.server is not None:
                raw.server.close()
        for runner in self._runners:
            await runner.cleanup()
        self._runners.clear()


@dataclass
class Capped:
    """A host that allows `limit` requests at once: share one instance over the host's paths
    (as its fallback); each request above the limit is answered 429 at once (Retry-After when
    given), the rest by `then`. Counts the refusals and the most requests it served at once."""

    limit: int
    then: Behaviour = field(default_factory=Page)
    retry_after: str | None = None
    active: int = 0
    most: int = 0
    refused: int = 0

    async def respond(self, request: web.Request, hit: int) -> web.StreamResponse:
        if self.active >= self.limit:
            self.refused += 1
            headers = {"Retry-After": self.retry_after} if self.retry_after is not None else {}
            return web.Response(status=429, text="too many requests", headers=headers)
        self.active += 1
        self.most = max(self.most, self.active)
        try:
            return await self.then.respond(request, hit)
        finally:
            self.active -= 1


@dataclass
class Arrivals:
    """`then`, with the time each request arrived and the status it got."""

    then: Behaviour
    seen: list[tuple[float, int]] = field(default_factory=list)

    async def respond(self, request: web.Request, hit: int) -> web.StreamResponse:
        arrived = time.monotonic()
        response = await self.then.respond(request, hit)
        self.seen.append((arrived, response.status))
        return response

    def quiet_after_refusal(self) -> float:
        """Seconds from its one answer of 429 to the next request that arrived."""
        refused = [at for at, status in self.seen if status == 429]
        assert len(refused) == 1, f"{len(refused)} answers of 429, not one"
        later = [at for at, _ in self.seen if at > refused[0]]
        assert later, "no request after the 429"
        return min(later) - refused[0]


async def refusing_target(web: SimWeb, asks: float) -> tuple[SimHost, Arrivals]:
    """A host that allows one request at once (50 ms each) and asks for `asks` seconds after
    a refusal, with what arrived there."""
    target = await web.add_host("target")
    arrivals = Arrivals(Capped(1, Page(latency=0.05), retry_after=str(asks)))
    target.fallback = arrivals
    return target, arrivals


async def moved_to(web: SimWeb, target: SimHost, hosts: int, links: int,
                   delay: float = 0.0) -> list[str]:
    """The links of `hosts` hosts whose `links` pages each redirect to `target`, answered
    `delay` seconds late."""
    urls = []
    for k in range(hosts):
        moved = await web.add_host(f"moved{k}")
        urls += [moved.route(f"/old{n}", Late(delay, Redirect(target.url(f"/new{k}/{n}"))))
                 for n in range(links)]
    return urls


@dataclass
class Late:
    """`then`, `delay` seconds late."""

    delay: float
    then: Behaviour

    async def respond(self, request: web.Request, hit: int) -> web.StreamResponse:
        await asyncio.sleep(self.delay)
        return await self.then.respond(request, hit)
