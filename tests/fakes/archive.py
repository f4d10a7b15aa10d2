"""A fake Internet Archive on loopback: the CDX API, the availability API and replays of
redirecting captures, with realistic JSON, plus the bad answers a real one sometimes gives
(garbage, a huge body, a slow answer). Every request is counted by path.

    archive = await start_archive()
    archive.captures[url] = [cdx_row(NOW - timedelta(days=20), 200, url)]
    settings = VerifySettings(archive=archive.base)
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aiohttp import web

CDX_HEADER = ["timestamp", "statuscode", "original"]


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%d%H%M%S")


def cdx_row(moment: datetime, status: int | str, original: str) -> list[str]:
    return [stamp(moment), str(status), original]


@dataclass
class FakeArchive:
    """What the archive knows, by the URL asked about; `bad` names a misbehaviour per URL."""

    base: str = ""
    captures: dict[str, list[list[str]]] = field(default_factory=dict)
    snapshots: dict[str, dict[str, Any]] = field(default_factory=dict)  # availability's closest
    replays: dict[str, str] = field(default_factory=dict)  # original URL -> redirect target
    bad: dict[str, str] = field(default_factory=dict)  # "garbage", "huge", "slow", "html"
    hits: Counter[str] = field(default_factory=Counter)
    asked: list[str] = field(default_factory=list)
    runner: web.AppRunner | None = None

    @property
    def requests(self) -> int:
        return sum(self.hits.values())

    async def cdx(self, request: web.Request) -> web.StreamResponse:
        url = request.query.get("url", "")
        self._count("cdx", url)
        misbehaving = await self._misbehave(url)
        if misbehaving is not None:
            return misbehaving
        rows = self.captures.get(url, [])
        limit = int(request.query.get("limit", "0") or 0)
        if limit < 0:
            rows = rows[limit:]
        body = [CDX_HEADER, *rows] if rows else []
        return web.json_response(body)

    async def available(self, request: web.Request) -> web.StreamResponse:
        url = request.query.get("url", "")
        self._count("available", url)
        if self.bad.get(url) == "everything":
            return web.Response(text="{{{", content_type="application/json")
        closest = self.snapshots.get(url)
        snapshots = {"closest": {"available": True, "url": f"{self.base}/web/{closest['timestamp']}/{url}",
                                 **closest}} if closest else {}
        return web.json_response({"url": url, "archived_snapshots": snapshots,
                                  "timestamp": request.query.get("timestamp")})

    async def replay(self, request: web.Request) -> web.StreamResponse:
        original = request.match_info["original"]
        self._count("replay", original)
        target = self.replays.get(original)
        if target is None:
            return web.Response(status=404, text="not in archive")
        when = request.match_info["when"]
        return web.Response(status=302, headers={"Location": f"{self.base}/web/{when}/{target}"})

    def _count(self, api: str, url: str) -> None:
        self.hits[api] += 1
        self.asked.append(url)

    async def _misbehave(self, url: str) -> web.StreamResponse | None:
        how = self.bad.get(url)
        if how in ("garbage", "everything"):
            return web.Response(text='[["timestamp","statuscode"],["2026', content_type="application/json")
        if how == "html":
            return web.Response(text="<html><title>Wayback Machine</title>busy</html>",
                                content_type="text/html")
        if how == "huge":
            row = '["20261101000000","200","x"],'
            return web.Response(text='[["timestamp","statuscode","original"],' + row * 200_000 + "[]]",
                                content_type="application/json")
        if how == "slow":
            await asyncio.sleep(5)
            return web.json_response([])
        return None

    async def close(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()


async def start_archive(host: str = "127.0.0.9") -> FakeArchive:
    archive = FakeArchive()
    app = web.Application()
    app.add_routes([
        web.get("/cdx/search/cdx", archive.cdx),
        web.get("/wayback/available", archive.available),
        web.get(r"/web/{when:\d+}id_/{original:.+}", archive.replay),
    ])
    runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, host, 0)
    await site.start()
    archive.runner = runner
    archive.base = f"http://{host}:{runner.addresses[0][1]}"
    return archive
