"""aiohttp's ClientSession as the checker's other client: chosen by `check.http_client:
aiohttp`, and asked for an answer whose head llhttp refused (its parser is more lenient).

This module is the only door to aiohttp on the checking path, and nothing imports it before
a request needs it: a run the wire client serves whole never pays aiohttp's import (~0.1 s
of CPU, two TLS contexts built at import). At this boundary aiohttp's exceptions become the
client's own (`bot.check.client_errors`), and cookies go through the run's one jar.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Mapping

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from multidict import CIMultiDictProxy
from yarl import URL

from bot.check.client_errors import (
    BadAnswer,
    BodyCutShort,
    ConnectFailed,
    Disconnected,
    NameNotResolved,
    TlsFailed,
)
from bot.check.cookies import Cookies
from bot.check.resolver import GuardedResolver
from bot.check.settings import CheckSettings


class AiohttpResolver(AbstractResolver):
    """The guarded resolver behind aiohttp's connector."""

    def __init__(self, guarded: GuardedResolver) -> None:
        self._guarded = guarded

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        # `Resolved` has ResolveResult's keys: the same dicts, under aiohttp's name.
        answers: list[ResolveResult] = await self._guarded.resolve(host, port, family)
        return answers

    async def close(self) -> None:
        """Nothing: whoever made the guarded resolver closes it (it may serve both clients)."""


def client_error(exc: aiohttp.ClientError, *, tls: bool = False) -> BaseException:
    """The client's own exception for one of aiohttp's (a time limit stays a TimeoutError);
    `tls`: whether the request was https."""
    if isinstance(exc, TimeoutError):
        return exc
    if isinstance(exc, aiohttp.ClientConnectorError):
        kind = (NameNotResolved if isinstance(exc, aiohttp.ClientConnectorDNSError)
                else TlsFailed if isinstance(exc, aiohttp.ClientSSLError) else ConnectFailed)
        return kind(exc.host, exc.port, tls, exc.os_error)
    if isinstance(exc, aiohttp.ClientPayloadError):
        return BodyCutShort(str(exc))
    if isinstance(exc, (aiohttp.ClientResponseError, aiohttp.InvalidURL)):
        return BadAnswer(getattr(exc, "message", "") or str(exc))
    return Disconnected(f"{type(exc).__name__}: {exc}".rstrip(": "))


class SessionResponse:
    """An aiohttp answer, read as a `WireResponse` is (`read`, `at_eof`, `close`)."""

    def __init__(self, response: aiohttp.ClientResponse) -> None:
        self._response = response
        self.status = response.status
        self.headers: CIMultiDictProxy[str] = response.headers
        self.charset = response.charset

    async def read(self, limit: int, until: float) -> bytes:
        try:
            async with asyncio.timeout_at(until):
                return await self._response.content.read(limit)
        except aiohttp.ClientError as exc:
            raise client_error(exc) from exc

    def at_eof(self) -> bool:
        return self._response.content.at_eof()

    def close(self) -> None:
        self._response.close()


class Session:
    """aiohttp's session (built in a running event loop): connection limits, the guarded
    resolver, no credentials from the environment."""

    def __init__(self, settings: CheckSettings, resolver: GuardedResolver,
                 default_headers: Mapping[str, str], cookies: Cookies) -> None:
        self._cookies = cookies
        connector = aiohttp.TCPConnector(
            limit=settings.concurrency, limit_per_host=0, resolver=AiohttpResolver(resolver),
            ttl_dns_cache=300, enable_cleanup_closed=True,
        )
        timeout = aiohttp.ClientTimeout(
            total=None, connect=settings.connect_timeout, sock_connect=settings.connect_timeout,
            sock_read=settings.first_byte_timeout,
        )
        self._session = aiohttp.ClientSession(
            connector=connector, timeout=timeout, headers=dict(default_headers),
            auto_decompress=False, trust_env=False,  # no proxy or .netrc credentials from env
            cookie_jar=aiohttp.DummyCookieJar(),  # the run's jar is `cookies`, shared
            max_line_size=settings.max_header_bytes, max_field_size=settings.max_header_bytes,
        )

    async def request(self, method: str, url: URL, headers: Mapping[str, str],
                      deadline: float) -> SessionResponse:
        """One request, no redirect followed; the answer's head read by `deadline`."""
        cookie = self._cookies.header_for(str(url))
        if cookie:
            headers = {**headers, "Cookie": cookie}
        try:
            async with asyncio.timeout_at(deadline):
                response = await self._session.request(method, url, headers=headers,
                                                       allow_redirects=False)
        except aiohttp.ClientError as exc:
            raise client_error(exc, tls=url.scheme == "https") from exc
        if "set-cookie" in response.headers:
            self._cookies.remember(str(url), response.headers.getall("set-cookie"))
        return SessionResponse(response)

    async def close(self) -> None:
        await self._session.close()
