"""Blogs that block bots: Substack's post API and Medium's RSS feeds give the post's dates.

Consulted only when the page itself gave no date (it is often blocked: 403 to a bot).
Substack: `GET https://<publication>.substack.com/api/v1/posts/<slug>` -> post_date, updated_at.
Medium: `https://<user>.medium.com/feed` or `https://medium.com/feed/@user` -> the post's
pubDate and atom:updated, found by the post id that ends its URL. Feeds list recent posts only,
so an older post stays unknown. No token needed.
"""

from __future__ import annotations

import asyncio
import html
import re
from typing import Any
from urllib.parse import quote, urlsplit

import aiohttp

from bot.freshness.dates import parse_date
from bot.freshness.providers.http import ProviderError, request
from bot.freshness.providers.interface import ProviderResult
from bot.freshness.record import DatedFact, DateField
from bot.freshness.settings import FreshnessSettings
from bot.roadmap.schema import Resource

SUBSTACK = "substack"
MEDIUM = "medium"
FEED_BYTES = 4 * 1024 * 1024
_MEDIUM_ID = re.compile(r"-([0-9a-f]{8,16})$")
_ITEM = re.compile(r"<item>(.*?)</item>", re.DOTALL | re.IGNORECASE)


def _tag(item: str, name: str) -> str | None:
    found = re.search(rf"<{name}(?:\s[^>]*)?>(.*?)</{name}>", item, re.DOTALL | re.IGNORECASE)
    if not found:
        return None
    text = found[1].strip()
    if text.startswith("<![CDATA[") and text.endswith("]]>"):
        text = text[9:-3]
    return html.unescape(text).strip()


# --- Substack -------------------------------------------------------------------------


def substack_slug(url: str | None) -> tuple[str, str] | None:
    """(host, slug) of a https://<pub>.substack.com/p/<slug> URL."""
    parts = urlsplit(url or "")
    host = (parts.hostname or "").lower()
    segments = [s for s in parts.path.split("/") if s]
    if host.endswith(".substack.com") and len(segments) == 2 and segments[0] == "p":
        return host, segments[1]
    return None


def substack_result(data: Any) -> ProviderResult:
    """Dates from a Substack post JSON; pure."""
    if not isinstance(data, dict):
        return ProviderResult.unknown(SUBSTACK, "unexpected post JSON")
    dates = []
    for key, field in (("post_date", DateField.PUBLISHED), ("updated_at", DateField.MODIFIED)):
        value = data.get(key)
        if isinstance(value, str) and (iso := parse_date(value)):
            dates.append(DatedFact(field, iso, f"substack:{key}"))
    title = data.get("title")
    return ProviderResult(SUBSTACK, title=title if isinstance(title, str) else None,
                          dates=tuple(dates))


class SubstackProvider:
    """Posts on <publication>.substack.com."""

    name = SUBSTACK
    only_without_page_date = True

    def __init__(self, settings: FreshnessSettings) -> None:
        self.base = settings.substack.rstrip("/") if settings.substack else None
        self.timeout = settings.timeout

    def matches(self, resource: Resource) -> bool:
        return substack_slug(resource.url) is not None

    def key(self, resource: Resource) -> str:
        return f"{SUBSTACK}:{substack_slug(resource.url)}"

    async def fetch(self, resource: Resource, http: aiohttp.ClientSession) -> ProviderResult:
        host, slug = substack_slug(resource.url) or ("", "")
        base = self.base or f"https://{host}"
        try:
            answer = await request(http, f"{base}/api/v1/posts/{quote(slug)}",
                                   timeout=self.timeout)
            if answer.status != 200:
                return ProviderResult.unknown(SUBSTACK, f"post api http_{answer.status}")
            return substack_result(answer.json())
        except ProviderError as exc:
            return ProviderResult.unknown(SUBSTACK, exc.reason)


# --- Medium ---------------------------------------------------------------------------


def medium_post(url: str | None) -> tuple[str, str] | None:
    """(feed path and host, post id): ("https://kedion.medium.com/feed", "37c380223e2f")."""
    parts = urlsplit(url or "")
    host = (parts.hostname or "").lower()
    segments = [s for s in parts.path.split("/") if s]
    found = _MEDIUM_ID.search(segments[-1]) if segments else None
    if not found:
        return None
    if host == "medium.com" and segments[0].startswith("@"):
        return f"https://medium.com/feed/{segments[0]}", found[1]
    if host.endswith(".medium.com") and host.count(".") == 2:
        return f"https://{host}/feed", found[1]
    return None


def medium_result(feed: str, post_id: str) -> ProviderResult:
    """The dates of one post in an RSS feed text; pure."""
    for item in _ITEM.findall(feed):
        guid, link = _tag(item, "guid") or "", _tag(item, "link") or ""
        if not (guid.endswith(f"/{post_id}") or link.split("?")[0].endswith(f"-{post_id}")):
            continue
        dates = []
        for tag, field in (("pubDate", DateField.PUBLISHED), ("atom:updated", DateField.MODIFIED)):
            if iso := parse_date(_tag(item, tag)):
                dates.append(DatedFact(field, iso, f"medium:feed:{tag}"))
        return ProviderResult(MEDIUM, title=_tag(item, "title"), dates=tuple(dates))
    return ProviderResult.unknown(MEDIUM, "post not in the feed (feeds list recent posts only)")


class MediumProvider:
    """Posts on medium.com/@user and <user>.medium.com."""

    name = MEDIUM
    only_without_page_date = True

    def __init__(self, settings: FreshnessSettings) -> None:
        self.base = settings.medium.rstrip("/") if settings.medium else None
        self.timeout = settings.timeout
        self._feeds: dict[str, asyncio.Task[str]] = {}  # one fetch per feed per run

    def matches(self, resource: Resource) -> bool:
        return medium_post(resource.url) is not None

    def key(self, resource: Resource) -> str:
        return f"{MEDIUM}:{medium_post(resource.url)}"

    def feed_url(self, feed: str) -> str:
        if self.base is None:
            return feed
        return self.base + urlsplit(feed).path

    async def fetch(self, resource: Resource, http: aiohttp.ClientSession) -> ProviderResult:
        feed, post_id = medium_post(resource.url) or ("", "")
        url = self.feed_url(feed)
        if url not in self._feeds:
            self._feeds[url] = asyncio.ensure_future(self._read(http, url))
        try:
            return medium_result(await asyncio.shield(self._feeds[url]), post_id)
        except ProviderError as exc:
            return ProviderResult.unknown(MEDIUM, exc.reason)

    async def _read(self, http: aiohttp.ClientSession, url: str) -> str:
        answer = await request(http, url, timeout=self.timeout, max_bytes=FEED_BYTES)
        if answer.status != 200:
            raise ProviderError(f"feed http_{answer.status}")
        return answer.body.decode("utf-8", errors="replace")
