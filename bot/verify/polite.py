"""The check's politeness for second opinions: the global and per-host limits and delays of
`CheckSettings`, so the archive and the providers are asked as gently as any site."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from bot.check.settings import CheckSettings
from bot.urls import host_key, host_of

Sleep = Callable[[float], Awaitable[None]]


class Politeness:
    """Slots per host (`per_host`, or the host's rule) under one global limit, and the host's
    `delay` kept between two of its requests."""

    def __init__(self, settings: CheckSettings, sleep: Sleep = asyncio.sleep) -> None:
        self._settings = settings
        self._sleep = sleep
        self._everyone = asyncio.Semaphore(settings.concurrency)
        self._hosts: dict[str, asyncio.Semaphore] = {}

    @asynccontextmanager
    async def slot(self, url: str) -> AsyncIterator[None]:
        host = host_of(url)
        lane = self._hosts.setdefault(
            host_key(url), asyncio.Semaphore(self._settings.per_host_limit(host)))
        async with lane, self._everyone:
            yield
            delay = self._settings.delay_for(host)
            if delay > 0:
                await self._sleep(delay)
