"""The Internet Archive adapter: the CDX API first, the availability API when CDX gives no
readable answer, and a replay of a redirecting capture to learn where it pointed. Every
request goes through the check's HTTP client (address guard, timeouts, byte caps)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from urllib.parse import quote, urlencode

from bot.check.http import HttpClient
from bot.check.observation import Exchange, Observation
from bot.model import Method, Opinion, Verification
from bot.verify.archive_rules import (
    REDIRECT_STATUSES,
    Capture,
    Judgement,
    judge_availability,
    judge_captures,
    parse_cdx,
    relevant_captures,
    replay_target,
)
from bot.verify.polite import Politeness
from bot.verify.settings import VerifySettings

CDX_FIELDS = "timestamp,statuscode,original"
# After this many requests in a row with no HTTP answer at all, the archive is taken to be
# down for the rest of the run: every further link is "unknown" without a request, so an
# outage costs a few timeouts, not one per walled link.
UNREACHABLE_AFTER = 3


@dataclass(frozen=True, slots=True)
class Asked:
    """A second opinion with every request it took."""

    judgement: Judgement
    exchanges: tuple[Exchange, ...] = ()


def cdx_url(base: str, url: str, captures: int) -> str:
    # limit=-N: the newest N captures (the CDX server counts from the end).
    query = {"url": url, "output": "json", "fl": CDX_FIELDS, "limit": f"-{captures}"}
    return f"{base.rstrip('/')}/cdx/search/cdx?{urlencode(query)}"


def availability_url(base: str, url: str, now: datetime) -> str:
    query = {"url": url, "timestamp": now.strftime("%Y%m%d%H%M%S")}
    return f"{base.rstrip('/')}/wayback/available?{urlencode(query)}"


def replay_url(base: str, capture: Capture) -> str:
    # id_: the capture exactly as archived, so a redirect keeps its own Location.
    stamp = capture.when.strftime("%Y%m%d%H%M%S")
    return f"{base.rstrip('/')}/web/{stamp}id_/{quote(capture.original, safe=':/?&=%#@+,;~')}"


def _answered(observation: Observation) -> bytes | None:
    ok = observation.failure is None and observation.final_status == 200
    return observation.body if ok else None


def unreachable(url: str, base: str) -> Judgement:
    found = Verification(Method.ARCHIVE, f"{base}/web/*/{url}", Opinion.UNKNOWN, None,
                         "the Internet Archive did not answer in this run")
    return Judgement(found, "archive:unreachable")


class Archive:
    """Asks the archive about one URL at a time, politely."""

    def __init__(self, client: HttpClient, settings: VerifySettings, polite: Politeness) -> None:
        self._client = client
        self._settings = settings
        self._polite = polite
        self._silent = 0  # requests in a row that got no HTTP answer

    @property
    def down(self) -> bool:
        return self._silent >= UNREACHABLE_AFTER

    async def _get(self, url: str) -> Observation | None:
        """The answer to one request; None, without asking, once the archive is down."""
        async with self._polite.slot(url):
            if self.down:  # judged inside the slot: earlier requests may just have failed
                return None
            observed = await self._client.observe(url)
        self._silent = self._silent + 1 if observed.final_status is None else 0
        return observed

    async def ask(self, url: str, now: datetime) -> Asked:
        """The archive's opinion on `url`: from CDX, else (when CDX answered but not with
        readable captures) from the availability API."""
        base, settings = self._settings.archive, self._settings
        observed = await self._get(cdx_url(base, url, settings.captures))
        if observed is None or observed.final_status is None:
            return Asked(unreachable(url, base), observed.exchanges if observed else ())
        body = _answered(observed)
        captures = parse_cdx(body) if body is not None else None
        if captures is None:
            return await self._availability(url, now, observed.exchanges)
        captures, replays = await self._targets(url, captures, now)
        judgement = judge_captures(url, f"{base}/web/*/{url}", captures, now,
                                   settings.max_age_days, settings.future_tolerance_days)
        return Asked(judgement, observed.exchanges + replays)

    async def _availability(self, url: str, now: datetime,
                            before: tuple[Exchange, ...]) -> Asked:
        settings = self._settings
        observed = await self._get(availability_url(settings.archive, url, now))
        body = (_answered(observed) if observed else None) or b""
        judgement = judge_availability(f"{settings.archive}/web/*/{url}", body, now,
                                       settings.max_age_days, settings.future_tolerance_days)
        return Asked(judgement, before + (observed.exchanges if observed else ()))

    async def _targets(self, url: str, captures: tuple[Capture, ...], now: datetime,
                       ) -> tuple[tuple[Capture, ...], tuple[Exchange, ...]]:
        """The newest capture, when it is a redirect, with the target its replay names."""
        useful = relevant_captures(captures, now, self._settings.future_tolerance_days)
        if not useful or useful[-1].status not in REDIRECT_STATUSES:
            return captures, ()
        newest = useful[-1]
        target = replay_url(self._settings.archive, newest)
        async with self._polite.slot(target):
            exchange, answer = await self._client.fetch("GET", target)
        location = answer.headers.get("location") if answer is not None else None
        if not location:
            return captures, (exchange,)
        found = replace(newest, target=replay_target(location))
        return tuple(found if c is newest else c for c in captures), (exchange,)
