"""Requests in flight per host, whichever link sends them. The engine's lanes keep a host's
own links within its window, but a redirect from another host's link adds to that unseen: a
site that moved its pages to another host (pytorch.org/docs to docs.pytorch.org) sends every
link of its lane there, on top of the links that name the new host. So every request, first
or hop, passes its host's ceiling here: at most `per_host_limit(host)` at once in this
process. A request holds no ceiling while it waits for another's, so no two wait on each
other."""

from __future__ import annotations

import asyncio

from bot.check.settings import CheckSettings
from bot.urls import host_key, host_of


class HostCeilings:
    """One semaphore per host (as the engine keys hosts: host[:port]), made at its first
    request."""

    def __init__(self, settings: CheckSettings) -> None:
        self._settings = settings
        self._gates: dict[str, asyncio.Semaphore] = {}

    def of(self, url: str) -> asyncio.Semaphore:
        host = host_key(url)
        gate = self._gates.get(host)
        if gate is None:
            gate = asyncio.Semaphore(self._settings.per_host_limit(host_of(url)))
            self._gates[host] = gate
        return gate
