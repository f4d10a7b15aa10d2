"""The providers' one HTTP path: bounded reads, manual redirects, and the token guard.

Redirects are followed here, not by aiohttp, so that the token goes only to the origins the
caller names (the GitHub API host) and is dropped on any hop off them. Library errors become a
`ProviderError` whose text never holds headers or the token; the caller turns it into an
"unknown" result.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import aiohttp

from bot.errors import BotError

MAX_BYTES = 16 * 1024 * 1024  # PyPI's JSON for a big project runs to a few MB
MAX_HOPS = 5
REDIRECTS = frozenset({301, 302, 303, 307, 308})


class ProviderError(BotError):
    """A provider could not get an answer; `reason` is short and safe to print."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


@dataclass(frozen=True, slots=True)
class Answer:
    """The final response of a request, after any redirects."""

    url: str
    status: int
    body: bytes
    headers: Mapping[str, str]
    hops: tuple[str, ...] = ()  # URLs that answered with a redirect, in order

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except (ValueError, RecursionError) as exc:
            raise ProviderError(f"invalid JSON from {urlsplit(self.url).netloc}") from exc


def origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), port


@dataclass(frozen=True, slots=True)
class Credentials:
    """A bearer token and the only origins it may be sent to."""

    token: str
    origins: frozenset[tuple[str, str, int | None]]

    @classmethod
    def for_hosts(cls, token: str | None, urls: Collection[str]) -> Credentials | None:
        return cls(token, frozenset(origin(u) for u in urls)) if token else None

    def __repr__(self) -> str:
        return "Credentials(token=***)"

    def header_for(self, url: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if origin(url) in self.origins else {}


async def request(
    http: aiohttp.ClientSession,
    url: str,
    *,
    method: str = "GET",
    json_body: Any = None,
    headers: Mapping[str, str] | None = None,
    credentials: Credentials | None = None,
    timeout: float = 15.0,
    max_bytes: int = MAX_BYTES,
) -> Answer:
    """One request with its redirects followed by hand; raises `ProviderError` on failure."""
    hops: list[str] = []
    for _ in range(MAX_HOPS + 1):
        sent = {**(headers or {}), **(credentials.header_for(url) if credentials else {})}
        status, location, body, got = await _once(http, method, url, json_body, sent, timeout,
                                                  max_bytes)
        if status not in REDIRECTS or not location:
            return Answer(url, status, body, got, tuple(hops))
        hops.append(url)
        url = urljoin(url, location)
        if urlsplit(url).scheme not in ("http", "https"):
            raise ProviderError("redirect to a non-http scheme")
        if status == 303:
            method, json_body = "GET", None
    raise ProviderError("too many redirects")


async def _once(
    http: aiohttp.ClientSession, method: str, url: str, json_body: Any,
    headers: Mapping[str, str], timeout: float, max_bytes: int,
) -> tuple[int, str | None, bytes, Mapping[str, str]]:
    try:
        async with http.request(method, url, json=json_body, headers=headers,
                                allow_redirects=False,
                                timeout=aiohttp.ClientTimeout(total=timeout)) as response:
            body = await response.content.read(max_bytes + 1)
            if len(body) > max_bytes:
                raise ProviderError("response too large")
            got = {key.lower(): value for key, value in response.headers.items()}
            return response.status, response.headers.get("Location"), body, got
    except TimeoutError as exc:
        raise ProviderError("timeout") from exc
    except aiohttp.ClientError as exc:
        # The class name only: library messages can carry request details we do not print.
        raise ProviderError(f"connection failed ({type(exc).__name__})") from exc
    except asyncio.CancelledError:
        raise
