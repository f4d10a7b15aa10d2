"""The engine's side of app-shell detection: one probe of a made-up path per host, taken only
when a page of that host could be an app shell and cached for the run, and the tally of which
hosts served a page that differs from their shell.

The probe goes through the run's one HTTP client (address guard on every hop, byte caps,
timeouts) from inside the slot of the link that needed it, so it counts against the host's
politeness limits like the link's own requests (and redirect hops), after the host's configured
delay; concurrent links of one host wait for the same probe. A host none of whose pages could
be a shell is never probed.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.check.app_shell import ShellEvidence, origin_of, probe_url
from bot.check.classify import ClassifyRules, classify
from bot.check.http import HttpClient
from bot.check.observation import Observation, Verdict
from bot.model import Status
from bot.urls import host_of, is_home_page

LIVE = frozenset({Status.OK, Status.REDIRECTED})


@dataclass(frozen=True, slots=True)
class Probe:
    """What one host's made-up path answered, and its app-shell fingerprint (None: no shell)."""

    observation: Observation
    fingerprint: str | None


def is_html_success(observation: Observation) -> bool:
    status = observation.final_status or 0
    content_type = observation.final_headers.get("content-type", "").lower()
    return 200 <= status < 300 and ("html" in content_type or not content_type)


@dataclass
class ShellProbes:
    """The run's probes, one per origin, and one page per origin that is no shell."""

    client: HttpClient
    rules: ClassifyRules
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    token: str = field(default_factory=lambda: secrets.token_hex(6))
    _probes: dict[str, Probe] = field(default_factory=dict)
    _locks: dict[str, asyncio.Lock] = field(default_factory=dict)
    _real: dict[str, str] = field(default_factory=dict)

    async def probe(self, url: str) -> Probe:
        """The probe of `url`'s host: taken once, then the cached answer."""
        origin = origin_of(url)
        known = self._probes.get(origin)
        if known is not None:
            return known
        async with self._locks.setdefault(origin, asyncio.Lock()):
            known = self._probes.get(origin)
            if known is None:
                known = self._probes[origin] = await self._take(url)
        return known

    async def _take(self, url: str) -> Probe:
        delay = self.client.settings.delay_for(host_of(url))
        if delay > 0:  # a host that asked for room between requests gets it before the probe
            await self.sleep(delay)
        observation = await self.client.observe(probe_url(url, self.token), want_body=True)
        # Classified like any page: a made-up path that says "not found", redirects to the
        # front page or carries content is no shell, and has no fingerprint.
        return Probe(observation, classify(observation, self.rules).shell_print)

    def saw(self, observation: Observation, verdict: Verdict) -> None:
        """Note a page judged live that is no shell of its host (a different page). Front
        pages do not count: a landing page rendered by the server says nothing about the app
        the rest of the site may be."""
        if verdict.status in LIVE and is_html_success(observation):
            url = observation.final_url or observation.url
            if not is_home_page(url):
                self._real.setdefault(origin_of(url), url)

    def evidence(self, url: str, probe: Probe) -> ShellEvidence:
        """What the classifier is told about `url`'s host, as far as the run has seen it."""
        return ShellEvidence(
            probe_url=probe.observation.url, probe_status=probe.observation.final_status,
            probe_print=probe.fingerprint, differing_page=self._real.get(origin_of(url)),
        )
