"""The HTTP adapter: one client per run (the wire client of `wire.py`, or aiohttp's session
of `session.py` when the config asks for it, and for answers llhttp refuses), the
private-address guard on the resolved address of every hop, bounded reads and
decompression, redirects followed one hop at a time, and the clients' exceptions translated
into `Failure` values at this boundary.

Nothing here decides a verdict: `observe` returns what was seen, `classify` judges it.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import re
import socket
import ssl
import time
import zlib
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import TYPE_CHECKING, Protocol

import brotli
from multidict import CIMultiDictProxy
from yarl import URL

from bot.check.client_errors import BodyCutShort, ConnectFailed, NameNotResolved, TlsFailed
from bot.check.client_redirect import client_redirect
from bot.check.cookies import Cookies
from bot.check.host_ceiling import Ceilings, HostCeilings
from bot.check.observation import Exchange, Failure, Observation
from bot.check.resolver import AddressRefused, GuardedResolver, address_allowed
from bot.check.settings import CheckSettings, HttpClientKind, RequestMethod
from bot.check.target import Target
from bot.check.wire import ParseRefused, Wire, length_known
from bot.model import Hop, Via
from bot.records import quick_init
from bot.urls import (
    InvalidURL,
    literal_ip,
    normalize,
    resolve_redirect,
    scheme_of,
    url_problem,
)

if TYPE_CHECKING:
    from bot.check.session import Session

# normalize() is pure but not cheap, and one URL passes planning, the redirect walk and the
# request; planning a run sees every URL before the first request, so the cache holds a run of
# 10,000+ links (a few MB at most) or each URL is normalised twice over.
_CHECKED_CACHE = 32 * 1024


@functools.lru_cache(maxsize=_CHECKED_CACHE)
def checked_url(url: str) -> tuple[str, str | None]:
    """The normalised form of `url` and why it cannot be requested (None when it can)."""
    normal = normalize(url)
    return normal, url_problem(normal)

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
HTTP_SCHEMES = frozenset({"http", "https"})
CHUNK = 16 * 1024
# The rest of a body the verdict did not need is read and dropped when it ends within this
# many more bytes and this many seconds: its connection then serves the host's next link,
# where dropping it costs a new connection (over TLS, a handshake, two round trips and more
# CPU than reading that much). The big pages of the hosts most linked (a GitHub repository,
# a YouTube video: hundreds of KiB of HTML, compressed to a fraction of that on the wire)
# should mostly end within this past the body budget; a longer rest goes with its
# connection, as it did.
DRAIN_BYTES = 256 * 1024
DRAIN_SECONDS = 1.0
DETAIL_MAX = 200  # hostile servers choose these strings: keep them short

# Headers shown by `explain` and kept per exchange; cookies and anything else stay out.
SHOWN_HEADERS: tuple[str, ...] = (
    "location", "content-type", "content-length", "content-encoding", "retry-after", "server",
    "cf-ray", "cf-mitigated", "x-datadome", "x-sucuri-id", "x-amzn-waf-action",
    "x-vercel-mitigated", "set-cookie", "etag", "last-modified",
)

_NXDOMAIN_CODES = {socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)}

class Response(Protocol):
    """An answer as a client hands it over: its head, and its body read in pieces."""

    status: int
    headers: CIMultiDictProxy[str]
    charset: str | None

    async def read(self, limit: int, until: float) -> bytes: ...
    def at_eof(self) -> bool: ...
    def close(self) -> None: ...


def _clip(text: str) -> str:
    return text if len(text) <= DETAIL_MAX else text[: DETAIL_MAX - 1] + "…"


# ---- exception translation -----------------------------------------------------------------


def translate(exc: BaseException) -> tuple[Failure, str]:
    """The `Failure` a client's or the OS's exception means, and a short detail for
    `explain`."""
    detail = _clip(f"{type(exc).__name__}: {exc}".strip().rstrip(":"))
    if isinstance(exc, NameNotResolved):
        if isinstance(exc.os_error, AddressRefused):
            return Failure.PRIVATE_ADDRESS, _clip(str(exc.os_error))
        return _dns_failure(exc.os_error), detail
    if isinstance(exc, (TlsFailed, ssl.SSLError)):
        return Failure.TLS, detail
    if isinstance(exc, TimeoutError):
        return Failure.TIMEOUT, detail
    if isinstance(exc, ConnectFailed):
        refused = isinstance(exc.os_error, ConnectionRefusedError)
        return (Failure.CONNECTION_REFUSED if refused else Failure.CONNECTION_RESET), detail
    if isinstance(exc, ValueError):  # BadAnswer, an unusable URL
        return Failure.INVALID_RESPONSE, detail
    return Failure.CONNECTION_RESET, detail  # disconnects, resets, cut bodies, OSError


def _dns_failure(error: OSError) -> Failure:
    if isinstance(error, socket.gaierror) and error.errno in _NXDOMAIN_CODES:
        return Failure.DNS_NXDOMAIN
    return Failure.DNS_TEMPORARY


# Every client error is one of these (`client_errors`); `translate` reads them all.
TRANSLATED: tuple[type[BaseException], ...] = (OSError, TimeoutError, ValueError)


# ---- bounded decompression -----------------------------------------------------------------


class Decoder(Protocol):
    def feed(self, data: bytes, limit: int) -> bytes: ...


class _Identity:
    def feed(self, data: bytes, limit: int) -> bytes:
        return data[:limit]


class _Zlib:
    """gzip or deflate; `max_length` keeps a bomb from expanding past the budget in one call."""

    def __init__(self, wbits: int) -> None:
        self._inflate = zlib.decompressobj(wbits)
        self._raw_fallback = wbits == zlib.MAX_WBITS  # some servers send raw deflate

    def feed(self, data: bytes, limit: int) -> bytes:
        try:
            return self._inflate.decompress(data, max(1, limit))
        except zlib.error:
            if not self._raw_fallback:
                raise
            self._raw_fallback = False
            self._inflate = zlib.decompressobj(-zlib.MAX_WBITS)
            return self._inflate.decompress(data, max(1, limit))


class _Brotli:
    def __init__(self) -> None:
        self._inflate = brotli.Decompressor()

    def feed(self, data: bytes, limit: int) -> bytes:
        out: bytes = self._inflate.process(data, output_buffer_limit=max(1, limit))
        return out[:limit]


def decoder_for(content_encoding: str) -> Decoder | None:
    """A bounded decoder for the answer's Content-Encoding; None for one we cannot read."""
    make = _DECODERS.get(content_encoding.strip().lower())
    return None if make is None else make()


# Factories, not decoders: a decoder holds the state of one body, and building every kind
# for every answer (a zlib stream, a brotli one) cost more than reading a small page.
_DECODERS: Mapping[str, Callable[[], Decoder]] = {
    "": _Identity, "identity": _Identity,
    "gzip": functools.partial(_Zlib, 16 + zlib.MAX_WBITS),
    "x-gzip": functools.partial(_Zlib, 16 + zlib.MAX_WBITS),
    "deflate": functools.partial(_Zlib, zlib.MAX_WBITS), "br": _Brotli,
}


# ---- one request ---------------------------------------------------------------------------


@quick_init
@dataclass(frozen=True, slots=True)
class Answer:
    """One HTTP answer: status, headers, and a bounded, decompressed body prefix."""

    status: int
    headers: Mapping[str, str]
    body: bytes = b""
    encoding: str | None = None
    bytes_read: int = 0  # raw bytes taken from the socket
    truncated: bool = False
    note: str = ""


_USERINFO = re.compile(r"(//)[^/?#@\s]*@")


def shown_headers(headers: Mapping[str, str]) -> Mapping[str, str]:
    """The headers kept per exchange, short, and with any user:password@ removed."""
    kept = {}
    for name in SHOWN_HEADERS:
        value = headers.get(name)
        if value is not None:
            kept[name] = _clip(_USERINFO.sub(r"\1", value) if "@" in value else value)
    return MappingProxyType(kept)


def _whole(answer: Answer, body: bytearray, read: int) -> Answer:
    """`answer` with its whole body, read to the end."""
    return Answer(answer.status, answer.headers, body=bytes(body), encoding=answer.encoding,
                  bytes_read=read)


def _ms(start: float) -> int:
    return int((time.monotonic() - start) * 1000)


class LazySession:
    """aiohttp's session (`bot.check.session`), imported and opened at the first request
    that needs it: most runs never do."""

    def __init__(self, settings: CheckSettings, resolver: GuardedResolver,
                 default_headers: Mapping[str, str], cookies: Cookies) -> None:
        self._arguments = (settings, resolver, default_headers, cookies)
        self._session: Session | None = None

    def get(self) -> Session:
        if self._session is None:
            from bot.check.session import Session

            self._session = Session(*self._arguments)
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()


class HttpClient:
    """The run's client (the wire client, with aiohttp's session behind it), with the
    settings that bound every request."""

    def __init__(
        self, session: LazySession, settings: CheckSettings, wire: Wire | None = None,
        ceilings: Ceilings | None = None,
    ) -> None:
        self._session = session
        self._settings = settings
        self._wire = wire
        self._literal_verdicts: dict[str, str] = {}  # raw host -> `_refused_literal` of it
        self._ceilings = ceilings or HostCeilings(settings)

    @property
    def settings(self) -> CheckSettings:
        return self._settings

    async def fetch(
        self, method: str, url: str, headers: Mapping[str, str] | None = None
    ) -> tuple[Exchange, Answer | None]:
        """One request, no redirect followed; a failure is an `Exchange`, never an exception.
        It waits for its host's ceiling first (see `host_ceiling`), outside its time limits,
        and tells it the answer."""
        ceiling = self._ceilings.of(url)
        async with ceiling as place:
            exchange, answer = await self._fetch(method, url, headers)
        if answer is not None:
            ceiling.heard(place, answer.status)  # whichever link the host answered
        return exchange, answer

    def hold_host(self, url: str, seconds: float) -> None:
        """No request reaches `url`'s host for `seconds`, whichever link sends it."""
        self._ceilings.of(url).hold(seconds)

    def host_limit(self, url: str) -> int:
        """The most requests `url`'s host gets at once from now on (see `host_ceiling`)."""
        return self._ceilings.of(url).limit

    async def _fetch(
        self, method: str, url: str, headers: Mapping[str, str] | None
    ) -> tuple[Exchange, Answer | None]:
        start = time.monotonic()
        try:
            target = _request_url(url)
            refused = self._refused_literal(target)
            if refused:
                return Exchange(method, url, failure=Failure.PRIVATE_ADDRESS, detail=refused), None
            answer = await self._request(method, target, headers or {})
        except TRANSLATED as exc:
            failure, detail = translate(exc)
            return Exchange(method, url, failure=failure, detail=detail,
                            elapsed_ms=_ms(start)), None
        done = Exchange(
            method=method, url=url, status=answer.status, headers=shown_headers(answer.headers),
            elapsed_ms=_ms(start), detail=answer.note,
        )
        return done, answer

    def _refused_literal(self, target: Target) -> str:
        # Neither client asks the resolver about an IP literal, so the guard judges them here; the
        # verdict on a host never changes within a run, and parsing addresses is not free.
        host = target.raw_host
        verdict = self._literal_verdicts.get(host)
        if verdict is None:
            address = literal_ip(host)
            allowed = address is None or address_allowed(address, self._settings)
            verdict = "" if allowed else f"{address} is not a public address"
            if len(self._literal_verdicts) < _CHECKED_CACHE:
                self._literal_verdicts[host] = verdict
        return verdict

    async def _request(self, method: str, target: Target, headers: Mapping[str, str]) -> Answer:
        # target.host decodes IDNA: asked only when the config has per-host rules at all.
        if self._settings.domains:
            headers = {**self._settings.headers_for(target.host or ""), **headers}
        # One time limit for the whole request: connecting, the answer's head, the body prefix.
        deadline = asyncio.get_running_loop().time() + self._settings.total_timeout
        response: Response | None = None
        if self._wire is not None:
            with contextlib.suppress(ParseRefused):  # aiohttp's parser judges what llhttp refused
                response = await self._wire.request(method, target, headers, deadline)
        if response is None:
            response = await self._session.get().request(method, target.url(), headers,
                                                         deadline)
        try:
            answer = await self._answer(method, response, deadline)
            # Not after a HEAD (no body to wait for) nor a body that stopped on a time limit
            # or a fault (its note says which): that one would only make the link wait longer.
            if method != "HEAD" and not answer.note and not response.at_eof():
                await _drain(response, answer.bytes_read, deadline)
            return answer
        finally:
            response.close()  # a remainder still unread is dropped with its connection

    async def _answer(
        self, method: str, response: Response, deadline: float
    ) -> Answer:
        # The response's own read-only view: it outlives `close()`, so no copy is needed.
        headers = response.headers
        answer = Answer(response.status, headers, encoding=response.charset)
        is_redirect = response.status in REDIRECT_STATUSES and "location" in headers
        if method == "HEAD" or is_redirect or response.status == 304:
            return answer
        until = min(deadline, asyncio.get_running_loop().time() + self._settings.body_timeout)
        return await self._read_body(response, answer, until)

    async def _read_body(
        self, response: Response, answer: Answer, until: float
    ) -> Answer:
        decoder = decoder_for(response.headers.get("content-encoding", ""))
        if decoder is None:
            return replace(answer, note="unsupported content-encoding: body not read")
        raw_budget, keep = self._settings.max_body_bytes, self._settings.max_decompressed_bytes
        body, read, note = bytearray(), 0, ""
        try:
            while read < raw_budget and len(body) < keep:
                chunk = await response.read(min(CHUNK, raw_budget - read), until)
                if not chunk:
                    return _whole(answer, body, read)
                read += len(chunk)
                body += decoder.feed(chunk, keep - len(body))
                if response.at_eof() and read < raw_budget and len(body) < keep:
                    return _whole(answer, body, read)  # what the next read would say: b""
        except TimeoutError:
            # The status is known: a slow body is kept as far as it came, not called a timeout.
            note = "body read stopped at the time limit"
        except (zlib.error, brotli.error) as exc:
            note = _clip(f"body could not be decompressed: {exc}")
        except (BodyCutShort, ConnectionError) as exc:  # a reset, a disconnect
            note = _clip(f"body cut short: {type(exc).__name__}")
        return replace(answer, body=bytes(body), bytes_read=read, truncated=True, note=note)

    # ---- one URL, redirects followed hop by hop ------------------------------------------

    async def observe(
        self, url: str, validators: tuple[str | None, str | None] | None = None,
        *, want_body: bool = True,
    ) -> Observation:
        """Follow `url` to its final answer, recording every exchange and redirect hop."""
        start = time.monotonic()
        normal, problem = checked_url(url)
        current = normal if problem is None else strip_userinfo(url)
        walk = _Walk(current)
        while True:
            exchanges, answer = await self._fetch_one(current, validators, want_body)
            walk.exchanges.extend(exchanges)
            if answer is None:
                return walk.observation(start, current, failure=exchanges[-1].failure)
            target, via = _redirect_target(current, answer), Via.HTTP
            if target is None:
                target, via = _page_redirect(current, answer)
            if target is None:
                return walk.observation(start, current, answer=answer)
            stop = walk.hop(current, answer, target, self._settings.max_redirects, via)
            if stop is not None:
                return walk.observation(start, current, answer=answer, stop=stop)
            current = target

    async def _fetch_one(
        self, url: str, validators: tuple[str | None, str | None] | None, want_body: bool
    ) -> tuple[list[Exchange], Answer | None]:
        headers = conditional_headers(validators)
        if self._settings.method is RequestMethod.HEAD:
            exchange, answer = await self.fetch("HEAD", url, headers)
            if answer is not None and not _head_doubtful(answer, want_body):
                return [exchange], answer
            first = [exchange]
        else:
            first = []
        exchange, answer = await self.fetch("GET", url, headers)
        return [*first, exchange], answer


async def _drain(response: Response, read: int, deadline: float) -> None:
    """Read and drop the rest of `response`'s body (`read` raw bytes of it taken so far) when
    it ends within DRAIN_BYTES and DRAIN_SECONDS, so its connection can be kept."""
    headers = response.headers
    if "close" in headers.get("connection", "").lower() or not length_known(headers):
        return  # the connection ends with this answer anyway
    length = headers.get("content-length", "")
    if length.isdigit() and int(length) - read > DRAIN_BYTES:
        return
    until = min(deadline, asyncio.get_running_loop().time() + DRAIN_SECONDS)
    left = DRAIN_BYTES
    with contextlib.suppress(*TRANSLATED):  # then the connection is closed, as it was
        while left > 0:
            chunk = await response.read(min(CHUNK, left), until)
            if not chunk:
                return
            left -= len(chunk)


def conditional_headers(validators: tuple[str | None, str | None] | None) -> dict[str, str]:
    etag, last_modified = validators or (None, None)
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


def _head_doubtful(answer: Answer, want_body: bool) -> bool:
    """HEAD answers that must be asked again with GET: refused, failed, or a page we scrape."""
    if answer.status in REDIRECT_STATUSES or answer.status == 304:
        return False
    if answer.status >= 400:
        return True  # 405/501 and servers that answer HEAD differently from GET
    return want_body and "html" in answer.headers.get("content-type", "").lower()


def strip_userinfo(url: str) -> str:
    """`url` without user:password, which is never sent nor shown."""
    try:
        parsed = URL(url, encoded=True)
    except ValueError:
        return url
    if parsed.user is None and parsed.password is None:
        return url
    return str(parsed.with_user(None))


def _request_url(url: str) -> Target:
    """The URL to send, normalised: userinfo stripped (never sent), fragment dropped."""
    normal, problem = checked_url(url)
    if problem is not None:
        raise InvalidURL(f"{url}: {problem}")
    return Target.of(normal)


def _page_redirect(current: str, answer: Answer) -> tuple[str | None, Via]:
    # Only a successful HTML page moves its readers this way (an error page that refreshes
    # to the front page is judged by its status).
    content_type = answer.headers.get("content-type", "").lower()
    if not (200 <= answer.status < 300 and answer.body) or not (
        "html" in content_type or not content_type
    ):
        return None, Via.HTTP
    found = client_redirect(current, answer.body, answer.encoding)
    if found is None:
        return None, Via.HTTP
    return checked_url(found.target)[0], found.via


def _redirect_target(current: str, answer: Answer) -> str | None:
    if answer.status not in REDIRECT_STATUSES:
        return None
    location = answer.headers.get("location", "").strip()
    if not location:
        return None
    try:
        target = resolve_redirect(current, location)
    except InvalidURL:
        return location  # judged unsupported below, never requested
    return checked_url(target)[0] if scheme_of(target) in HTTP_SCHEMES else target


@dataclass(frozen=True, slots=True)
class _Stop:
    """Why a redirect walk ended before a final answer."""

    final_url: str
    failure: Failure | None = None
    redirect_loop: bool = False
    too_many_redirects: bool = False


@dataclass(slots=True)
class _Walk:
    """The mutable state of one redirect walk; frozen into an `Observation` at the end."""

    url: str
    exchanges: list[Exchange] = field(default_factory=list)
    hops: list[Hop] = field(default_factory=list)
    seen: dict[str, int] = field(default_factory=dict)  # url -> hop index when requested
    last_cookie_hop: int = -1

    def hop(
        self, current: str, answer: Answer, target: str, max_redirects: int,
        via: Via = Via.HTTP,
    ) -> _Stop | None:
        """Record a redirect; a `_Stop` when the walk must end here."""
        self.seen.setdefault(current, len(self.hops))
        if "set-cookie" in answer.headers:
            self.last_cookie_hop = len(self.hops)
        self.hops.append(Hop(url=current, status=answer.status, via=via))
        problem = checked_url(target)[1]
        if problem is not None:
            failure = _bad_target_failure(target)
            detail = _clip(f"redirect to {problem}: {target}")
            self.exchanges.append(
                Exchange("(not followed)", _clip(target), failure=failure, detail=detail)
            )
            # The refused Location lives in the detail only: `final_url` is the last URL that
            # was fetched, so no report turns a file:/javascript: target into a link.
            return _Stop(current, failure=failure)
        # A revisit is a loop unless a cookie was set since: cookie bounces end on the return.
        if target in self.seen and self.seen[target] > self.last_cookie_hop:
            return _Stop(target, redirect_loop=True)
        if len(self.hops) >= max_redirects:
            return _Stop(target, too_many_redirects=True)
        return None

    def observation(
        self, start: float, current: str, *, answer: Answer | None = None,
        failure: Failure | None = None, stop: _Stop | None = None,
    ) -> Observation:
        return Observation(
            url=self.url,
            exchanges=tuple(self.exchanges),
            hops=tuple(self.hops),
            final_url=stop.final_url if stop else current,
            final_status=answer.status if answer else None,
            final_headers=answer.headers if answer else MappingProxyType({}),
            body=answer.body if answer else b"",
            encoding=answer.encoding if answer else None,
            failure=stop.failure if stop else failure,
            redirect_loop=bool(stop and stop.redirect_loop),
            too_many_redirects=bool(stop and stop.too_many_redirects),
            attempts=1,
            elapsed_ms=_ms(start),
        )


def _bad_target_failure(target: str) -> Failure:
    http = scheme_of(target) in HTTP_SCHEMES
    return Failure.INVALID_RESPONSE if http else Failure.UNSUPPORTED_SCHEME


# ---- the session -----------------------------------------------------------------------


def session_headers(settings: CheckSettings) -> dict[str, str]:
    return {
        "User-Agent": settings.user_agent,
        "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        "Accept-Language": "en-US,en;q=0.8",
        "Accept-Encoding": "gzip, deflate, br",
    }


@asynccontextmanager
async def open_client(
    settings: CheckSettings, ceilings: Ceilings | None = None
) -> AsyncIterator[HttpClient]:
    """The run's client: the guarded resolver, one cookie jar, no credentials; the per-host
    `ceilings` shared with other processes, if any (see `host_ceiling`)."""
    resolver = GuardedResolver(settings)
    headers = session_headers(settings)
    # The same resolver and cookie jar for both clients: a cookie set on a hop read by either
    # is sent by both, and the guard judges every address once.
    cookies = Cookies()
    session = LazySession(settings, resolver, headers, cookies)
    wire = None
    if settings.http_client is not HttpClientKind.AIOHTTP:
        wire = Wire(settings, resolver, cookies, headers)
    try:
        yield HttpClient(session, settings, wire, ceilings)
    finally:
        if wire is not None:
            await wire.close()
        await session.close()
        resolver.close()
