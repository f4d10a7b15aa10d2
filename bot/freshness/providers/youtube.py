"""YouTube videos: the oEmbed endpoint tells a removed or private video and gives title and channel.

The watch page answers 200 even for a removed video, so the page check alone cannot tell.
oEmbed: 200 -> the video is there; 401/403 -> private or embedding disabled (cannot tell which,
so only a hint); 400/404 -> removed. No token needed.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlencode, urlsplit

import aiohttp

from bot.freshness.providers.http import ProviderError, request
from bot.freshness.providers.interface import ProviderResult, Signal
from bot.freshness.record import Evidence
from bot.freshness.settings import FreshnessSettings
from bot.roadmap.schema import Resource

NAME = "youtube"
HOSTS = frozenset({"youtube.com", "www.youtube.com", "m.youtube.com", "music.youtube.com"})
SHORT_HOSTS = frozenset({"youtu.be"})
PATH_PREFIXES = ("/shorts/", "/embed/", "/live/", "/v/")
_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")

# oEmbed status -> (signal, what it means); any other status is inconclusive.
STATUS_MEANING: dict[int, tuple[Signal, str]] = {
    400: (Signal.REMOVED, "removed or never existed"),
    404: (Signal.REMOVED, "removed"),
    401: (Signal.PRIVATE, "private or embedding disabled"),
    403: (Signal.PRIVATE, "private or embedding disabled"),
}


def video_id(url: str | None) -> str | None:
    if not url:
        return None
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    candidate = None
    if host in SHORT_HOSTS:
        candidate = parts.path.strip("/").split("/")[0]
    elif host in HOSTS and parts.path == "/watch":
        candidate = (parse_qs(parts.query).get("v") or [""])[0]
    elif host in HOSTS and parts.path.startswith(PATH_PREFIXES):
        candidate = parts.path.split("/")[2]
    return candidate if candidate and _ID.match(candidate) else None


class YouTubeProvider:
    """YouTube videos, through oEmbed."""

    name = NAME
    only_without_page_date = False

    def __init__(self, settings: FreshnessSettings) -> None:
        self.base = settings.youtube.rstrip("/")
        self.timeout = settings.timeout

    def matches(self, resource: Resource) -> bool:
        return video_id(resource.url) is not None

    def key(self, resource: Resource) -> str:
        return f"{NAME}:{video_id(resource.url)}"

    async def fetch(self, resource: Resource, http: aiohttp.ClientSession) -> ProviderResult:
        vid = video_id(resource.url)
        watch = f"https://www.youtube.com/watch?v={vid}"
        url = f"{self.base}/oembed?{urlencode({'url': watch, 'format': 'json'})}"
        try:
            answer = await request(http, url, timeout=self.timeout)
            data = answer.json() if answer.status == 200 else None
        except ProviderError as exc:
            return ProviderResult.unknown(NAME, exc.reason)
        if answer.status in STATUS_MEANING:
            signal, meaning = STATUS_MEANING[answer.status]
            return ProviderResult(NAME, signals=frozenset({signal}), evidence=(
                Evidence("video", meaning, f"youtube:oembed HTTP {answer.status}"),))
        if not isinstance(data, dict):
            return ProviderResult.unknown(NAME, f"oembed http_{answer.status}")
        return available(data)


def available(data: dict[str, object]) -> ProviderResult:
    title = data.get("title")
    channel = data.get("author_name")
    evidence = [Evidence("video", "available", "youtube:oembed")]
    if isinstance(channel, str):
        evidence.append(Evidence("channel", channel, "youtube:oembed"))
    return ProviderResult(NAME, title=title if isinstance(title, str) else None,
                          evidence=tuple(evidence))
