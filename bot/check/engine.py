"""The async engine: schedules every link over one HTTP session under global and per-host
limits, retries what is transient, and turns each observation into a `LinkResult`.

Scheduling: each host is a lane with a queue of links and at most `per_host` slots; a slot
is a ticket in one shared ready-queue that `concurrency` workers take from. A worker holds a
ticket only while it checks that host's link, so a slow host ties up at most its own slots and
never a worker that another host's link could use. Answered links are concluded (verdict,
scrape, result) in rounds by one task, and their slots given back then. A retry waits in a
timer, not in a worker: the host's slot stays taken (a host that asked us to slow down gets
fewer requests) while the worker serves other hosts. How many slots a host has is its
adaptive window (`host_limits.HostGate`, at most `per_host`): a 429/503 pauses the whole
host and shrinks its window, and a worker retires a ticket the window no longer allows; the
host's ceiling is held as long (see `host_ceiling`), so redirects from other lanes' links
wait too. A 429/503 from another host a redirect led to is that host's: it is held for the
pause and named in the report's `throttling`, while the lane whose host answered the
redirect goes on.
Memory stays bounded: links wait as small jobs in their lane, only the links in flight or
waiting to be concluded hold a body prefix, results keep no body.
"""

from __future__ import annotations

import asyncio
import gc
import random
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import MappingProxyType
from typing import Any

from bot import collector
from bot.check.app_shell import ShellComparison
from bot.check.classify import ClassifyRules, classify
from bot.check.host_ceiling import Ceilings
from bot.check.host_limits import (
    REFUSAL_STATUSES,
    HostGate,
    HostLimit,
    Sending,
    after_refusal_elsewhere,
    after_success,
    opening,
    refusal_pause,
    throttling_record,
)
from bot.check.http import HttpClient, checked_url, open_client
from bot.check.inconclusive import run_health, unproven
from bot.check.observation import Exchange, Failure, Observation, Verdict
from bot.check.results import skipped_result, to_link_result
from bot.check.settings import CheckSettings
from bot.check.shells import Probe, ShellProbes, is_html_success
from bot.model import Link, LinkResult, PageSnapshot, Reason, Report
from bot.records import quick_init
from bot.urls import host_key, host_of, scheme_of

Sleep = Callable[[float], Awaitable[None]]
Clock = Callable[[], datetime]
PageHook = Callable[[PageSnapshot], Mapping[str, Any]]
Validators = Mapping[str, tuple[str | None, str | None]]
Progress = Callable[[LinkResult], None]

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
RETRY_AFTER_STATUSES = frozenset({429, 503})
RETRY_FAILURES = frozenset({Failure.TIMEOUT, Failure.CONNECTION_RESET, Failure.DNS_TEMPORARY})
# Failures that take their whole time limit to show. A host that has not answered once in the
# run and failed so for SILENT_LINKS links in a row, every attempt of each, is down for this
# run: its other links are not requested (they would wait for it one after another, since
# its window opens only on answers). They are reported as errors, inconclusive, never broken.
SILENT_FAILURES = frozenset({Failure.TIMEOUT, Failure.DNS_TEMPORARY})
SILENT_LINKS = 2
# Server errors that are no refusal (503 is, and pauses the host). A host that has answered
# nothing else in the run and answered so for FAILING_LINKS links in a row, every attempt of
# each (a dead backend behind a live proxy), gets one attempt per remaining link: retrying
# each link against a server that keeps failing only weighs on it, and made its links wait
# one after another through every backoff (a 504 can take a minute an attempt).
SERVER_FAILURES = frozenset({500, 502, 504})
FAILING_LINKS = 2
# Allocations between two young-generation collections while links are checked (default 700).
# Each collection rescans the requests in flight: at 50,000, all the collections of a
# 10,000-link run took 29-36 ms against 61-82 ms at 10,000 (gc.callbacks, 3 runs each), with
# the same peak memory.
GC_YOUNG_THRESHOLD = 50_000


def utc_now() -> datetime:
    return datetime.now(UTC)


# ---- pure policy ----------------------------------------------------------------------------


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """Seconds a Retry-After header asks for (delta-seconds or an HTTP date); None if unreadable."""
    if not value:
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))  # delta-seconds (fractions tolerated)
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, float((moment - now).total_seconds()))


def backoff(attempt: int, settings: CheckSettings, jitter: float) -> float:
    """Exponential backoff with equal jitter: half fixed, half random (`jitter` in [0, 1))."""
    ceiling = min(settings.backoff_max, settings.backoff_base * 2.0 ** (attempt - 1))
    return ceiling / 2 + ceiling / 2 * jitter


def retry_delay(
    observation: Observation, attempt: int, settings: CheckSettings, jitter: float, now: datetime
) -> float | None:
    """How long to wait before trying again, or None when this answer is final."""
    if attempt > settings.retries:
        return None
    transient = observation.failure in RETRY_FAILURES or (
        observation.failure is None and observation.final_status in RETRY_STATUSES
    )
    if not transient:
        return None
    wait = backoff(attempt, settings, jitter)
    if observation.final_status in RETRY_AFTER_STATUSES:
        asked = retry_after_seconds(observation.final_headers.get("retry-after"), now)
        if asked is not None and asked > settings.max_retry_after:
            return None  # the server asks for longer than we may wait: report it as it stands
        wait = max(wait, asked or 0.0)
    return wait


def _heard(outcome: Observation | Retry) -> bool:
    """True when any HTTP answer came back (a redirect to a host that then failed counts)."""
    seen = outcome.observation if isinstance(outcome, Retry) else outcome
    return seen is not None and any(exchange.status is not None for exchange in seen.exchanges)


def _answered(outcome: Observation | Retry) -> bool:
    """True when the host answered (below 500): an answer that may open its window wider."""
    seen = outcome.observation if isinstance(outcome, Retry) else outcome
    return seen is not None and seen.failure is None and (seen.final_status or 0) < 500


def prescreen(link: Link, settings: CheckSettings) -> LinkResult | None:
    """The result for a link that is not requested at all, or None when it must be checked."""
    if settings.is_excluded(link.url):
        return skipped_result(link, Reason.EXCLUDED)
    if scheme_of(link.url) not in {"http", "https"}:
        return skipped_result(link, Reason.UNSUPPORTED_SCHEME)
    if checked_url(link.url)[1] is not None:
        return skipped_result(link, Reason.INVALID_URL)
    return None


def response_validators(
    observation: Observation, sent: tuple[str | None, str | None] | None
) -> dict[str, str]:
    """ETag / Last-Modified for the history, so the next run can ask conditionally."""
    headers = observation.final_headers
    etag, modified = headers.get("etag"), headers.get("last-modified")
    if observation.final_status == 304 and sent:
        etag, modified = etag or sent[0], modified or sent[1]
    found = {"etag": etag, "last_modified": modified}
    return {key: value for key, value in found.items() if value}


def deadline_observation(url: str) -> Observation:
    exchange = Exchange("GET", url, failure=Failure.DEADLINE, detail="the run's deadline passed")
    return Observation(url=url, exchanges=(exchange,), failure=Failure.DEADLINE)


# ---- checking one URL -----------------------------------------------------------------------


@quick_init
@dataclass(frozen=True, slots=True)
class Job:
    """One link waiting in its host's lane; `target` is what is requested (after remaps).
    A job between attempts carries what its earlier attempts saw."""

    index: int
    link: Link
    target: str
    remap: str | None = None
    attempt: int = 0
    exchanges: tuple[Exchange, ...] = ()
    started: float | None = None  # time.monotonic() of the first attempt


@quick_init
@dataclass(frozen=True, slots=True)
class Retry:
    """An attempt that must be repeated after `wait` seconds, with the job as it now stands."""

    job: Job
    wait: float
    observation: Observation | None = None  # what this attempt saw


@dataclass(frozen=True, slots=True)
class Checker:
    """Checks one URL: one attempt at a time (the scheduler waits between them), then
    classify and build the result."""

    client: HttpClient
    settings: CheckSettings
    page_hook: PageHook | None = None
    validators: Validators = field(default_factory=dict)
    clock: Clock = utc_now
    sleep: Sleep = asyncio.sleep
    jitter: Callable[[], float] = random.random
    rules: ClassifyRules = field(init=False)
    shells: ShellProbes = field(init=False)
    # Links that look exactly like their host's made-up path: judged once the run has seen
    # the host's other pages (does any differ?), see `conclude_shell` and `settle`.
    deferred: list[tuple[Job, Observation, Probe]] = field(init=False)

    def __post_init__(self) -> None:
        # Built once per run, not per link: the settings derive it afresh on every access.
        object.__setattr__(self, "rules", self.settings.classify_rules)
        object.__setattr__(self, "shells", ShellProbes(self.client, self.rules, self.sleep))
        object.__setattr__(self, "deferred", [])

    def sent_validators(self, job: Job) -> tuple[str | None, str | None] | None:
        return self.validators.get(job.link.url) or self.validators.get(job.target)

    async def attempt(self, job: Job, *, retry: bool = True) -> Observation | Retry:
        """One attempt; the final observation (every attempt's exchanges), or a `Retry` (never
        without `retry`)."""
        started = job.started if job.started is not None else time.monotonic()
        observation = await self.client.observe(
            job.target, self.sent_validators(job), want_body=self.page_hook is not None
        )
        attempt, exchanges = job.attempt + 1, job.exchanges + observation.exchanges
        wait = retry_delay(observation, attempt, self.settings, self.jitter(),
                           self.clock()) if retry else None
        if wait is not None:
            note = Exchange("GET", job.target, detail=f"retry in {wait:.2f} s")
            return Retry(replace(job, attempt=attempt, exchanges=(*exchanges, note),
                                 started=started), wait, observation)
        return observation.as_attempt(job.target, exchanges, attempt,
                                      int((time.monotonic() - started) * 1000))

    async def observe(self, url: str) -> Observation:
        """Every attempt at `url`, waiting in place between them (for `explain`)."""
        outcome = await self.attempt(Job(-1, Link(url), url))
        while isinstance(outcome, Retry):
            await self.sleep(outcome.wait)
            outcome = await self.attempt(outcome.job)
        return outcome

    def judged(self, job: Job, observation: Observation, verdict: Verdict) -> LinkResult:
        """The result of a link whose verdict needs no probe of its host (no `shell_print`)."""
        self.shells.saw(observation, verdict)
        return self.result(job, observation, verdict)

    async def conclude_shell(
        self, job: Job, observation: Observation, verdict: Verdict
    ) -> LinkResult | None:
        """The result of a page that could be an app shell (`verdict.shell_print`): its host's
        made-up path is probed first. None when it looks exactly like that path: it waits
        for `settle`, as only the host's other pages can tell it dead or unjudgeable."""
        probe = await self.shells.probe(observation.final_url or observation.url)
        if probe.fingerprint == verdict.shell_print:
            self.deferred.append((job, observation, probe))
            return None
        return self.judged(job, observation, verdict)  # it differs from the shell: a real page

    def settle(self) -> list[tuple[int, LinkResult]]:
        """The deferred links, judged with everything the run saw of their hosts."""
        settled = []
        for job, observation, probe in self.deferred:
            url = observation.final_url or observation.url
            verdict = classify(observation, self.rules, self.shells.evidence(url, probe))
            settled.append((job.index, self.result(job, observation, verdict)))
        self.deferred.clear()
        return settled

    def result(
        self, job: Job, observation: Observation, verdict: Verdict | None = None
    ) -> LinkResult:
        verdict = verdict or self.verdict(observation)
        metadata = self.metadata(observation, verdict, self.sent_validators(job))
        if job.remap:
            metadata["checked_as"] = job.target
            metadata["remap"] = job.remap
        return to_link_result(job.link, observation, verdict, self.clock(), metadata)

    def verdict(self, observation: Observation) -> Verdict:
        return classify(observation, self.rules)

    def metadata(
        self, observation: Observation, verdict: Verdict, sent: tuple[str | None, str | None] | None
    ) -> dict[str, Any]:
        metadata: dict[str, Any] = {}
        if self.page_hook is not None and is_html_success(observation):
            metadata.update(self.scrape(observation))
        metadata.update(response_validators(observation, sent))
        return metadata

    def scrape(self, observation: Observation) -> Mapping[str, Any]:
        assert self.page_hook is not None
        snapshot = PageSnapshot(
            url=observation.final_url or observation.url,
            http_status=observation.final_status or 0,
            headers=observation.final_headers,
            body=observation.body,
            encoding=observation.encoding,
        )
        try:
            return self.page_hook(snapshot)
        except Exception as exc:  # a hostile page must not end a 10,000-link run
            return {"scrape_error": f"{type(exc).__name__}: {exc}"[:200]}


# ---- scheduling -----------------------------------------------------------------------------


@dataclass(eq=False)
class Lane:
    """One host's queue of jobs; its tickets in the ready-queue are its free slots, as many as
    its adaptive limit allows (`gate`, up to `slots`)."""

    host: str
    pending: deque[Job]
    slots: int
    delay: float
    gate: HostGate = field(init=False)
    heard: bool = False  # the host sent an HTTP answer in this run
    served: bool = False  # the host answered below 500 in this run
    silent_links: int = 0  # links in a row that were `silent` (see there)
    failing_links: int = 0  # links in a row that were `failing` (see there)

    def __post_init__(self) -> None:
        self.gate = HostGate(self.slots)

    @property
    def retry(self) -> bool:
        """Whether its links' transient failures are tried again (see SERVER_FAILURES)."""
        return self.failing_links < FAILING_LINKS


def silent(heard: bool, final: Observation) -> bool:
    """A link whose every attempt failed without a word from a host that has not answered
    in this run (`heard`) (see SILENT_FAILURES)."""
    return not heard and final.failure in SILENT_FAILURES


def failing(served: bool, final: Observation) -> bool:
    """A link whose every attempt got a server error from a host that has answered nothing
    below 500 in this run (`served`) (see SERVER_FAILURES)."""
    return not served and final.failure is None and final.final_status in SERVER_FAILURES


def refusal_of(outcome: Observation | Retry) -> Observation | None:
    """The answer when it is a refusal (429/503: the host asks us to slow down), else None."""
    seen = outcome.observation if isinstance(outcome, Retry) else outcome
    if seen is None or seen.failure is not None or seen.final_status not in REFUSAL_STATUSES:
        return None
    return seen


class Scheduler:
    """`concurrency` workers take host tickets from one ready-queue (see the module docstring)."""

    def __init__(self, checker: Checker, lanes: Sequence[Lane], total: int,
                 on_result: Callable[[int, LinkResult], None]) -> None:
        self._checker = checker
        self._lanes = lanes
        self._total = total
        self._done = 0
        self._on_result = on_result
        self._ready: asyncio.Queue[Lane | None] = asyncio.Queue()
        self._timers: set[asyncio.Task[None]] = set()
        self._workers = max(1, min(checker.settings.concurrency, total))
        # Answered links wait here for `_conclude`, their host's slot still taken.
        self._concluding: list[tuple[Lane, Job, Observation]] = []
        self._to_conclude = asyncio.Event()
        # Hosts that refused requests redirected to them from other hosts' links.
        self._elsewhere: dict[str, HostLimit] = {}

    async def run(self) -> None:
        if self._total == 0:
            return
        self._issue_tickets()
        try:
            async with asyncio.TaskGroup() as group:
                for _ in range(self._workers):
                    group.create_task(self._worker())
                group.create_task(self._conclude(group))
        finally:
            for timer in self._timers:
                timer.cancel()

    @property
    def limits(self) -> list[tuple[str, HostLimit]]:
        """Each host's adaptive limit as it stands, and what the hosts that refused redirected
        requests taught (for the report's `throttling`)."""
        return [*((lane.host, lane.gate.limit) for lane in self._lanes),
                *self._elsewhere.items()]

    def _issue_tickets(self) -> None:
        # Round-robin over hosts, so the first requests are spread over every site.
        granted = {id(lane): lane.gate.grant(len(lane.pending)) for lane in self._lanes}
        for slot in range(max(granted.values(), default=0)):
            for lane in self._lanes:
                if slot < granted[id(lane)]:
                    self._ready.put_nowait(lane)

    async def _worker(self) -> None:
        while True:
            lane = await self._ready.get()
            if lane is None:
                return
            if not lane.pending:
                lane.gate.retire()  # a ticket given back while a sibling slot took the last link
                continue
            if not lane.gate.keep():
                continue  # the host's window shrank since this ticket was queued
            if not lane.gate.may_send():
                lane.gate.parked += 1  # paused, or a probe of the host's limit is out
                continue
            job = lane.pending.popleft()
            sending = lane.gate.sent(time.monotonic())
            outcome = await self._checker.attempt(job, retry=lane.retry)
            refusal = refusal_of(outcome)
            if refusal is not None:
                refusing = host_key(refusal.final_url or refusal.url)
                if refusing == lane.host:
                    self._refused(lane, job, outcome, refusal, sending)
                    continue
                self._refused_elsewhere(refusing, outcome, refusal)
            elif self._elsewhere:
                self._answered_elsewhere(outcome)
            accepted = _answered(outcome)
            for _ in range(lane.gate.answered(sending, accepted, time.monotonic())):
                self._ready.put_nowait(lane)
            lane.heard = lane.heard or _heard(outcome)
            lane.served = lane.served or accepted
            if isinstance(outcome, Retry):
                self._retry_later(lane, outcome)
                continue
            self._concluding.append((lane, job, outcome))  # concluded in `_conclude`'s round
            self._to_conclude.set()
            lane.silent_links = lane.silent_links + 1 if silent(lane.heard, outcome) else 0
            if lane.silent_links >= SILENT_LINKS:
                self._abandon(lane, outcome, "the host has not answered in this run")
            lane.failing_links = lane.failing_links + 1 if failing(lane.served, outcome) else 0

    async def _conclude(self, group: asyncio.TaskGroup) -> None:
        # Verdicts are drawn for all the links answered since the last round, one after
        # another, not each between two answers' network callbacks: the classifier and the
        # scraper stay in the CPU's caches, which cuts a run's CPU by about a tenth. The host's
        # slot is given back only now, so a probe of the host still counts against it.
        while self._done < self._total:
            await self._to_conclude.wait()
            self._to_conclude.clear()
            batch, self._concluding = self._concluding, []
            for lane, job, observation in batch:
                verdict = self._checker.verdict(observation)
                if verdict.shell_print is None:
                    self._finish(job, self._checker.judged(job, observation, verdict))
                    self._give_back(lane)
                else:
                    group.create_task(self._conclude_shell(lane, job, observation, verdict))

    async def _conclude_shell(
        self, lane: Lane, job: Job, observation: Observation, verdict: Verdict
    ) -> None:
        self._finish(job, await self._checker.conclude_shell(job, observation, verdict))
        self._give_back(lane)

    def conclude_now(self) -> None:
        """Results for the links answered but not yet concluded, without probing their hosts
        (the run's time is up)."""
        batch, self._concluding = self._concluding, []
        for _, job, observation in batch:
            self._finish(job, self._checker.result(job, observation))

    def _refused(self, lane: Lane, job: Job, outcome: Observation | Retry, refusal: Observation,
                 sending: Sending) -> None:
        # The whole host pauses (not only this link) and its window shrinks; a retry waits
        # first in line for the pause to end instead of in a timer of its own.
        pause = self._refusal_pause(lane.gate.limit, outcome, refusal)
        # Redirects from other lanes' links wait too, in the host's ceiling.
        self._checker.client.hold_host(refusal.final_url or refusal.url, pause)
        if not isinstance(outcome, Retry) and not lane.pending:
            pause = 0.0  # nothing of this host is left to wait for
        lane.gate.refused(sending, pause, refusal.final_status or 0)
        if isinstance(outcome, Retry):
            lane.pending.appendleft(outcome.job)
        else:
            self._finish(job, self._checker.result(job, outcome))
        if lane.gate.limit.gave_up:
            self._abandon(lane, refusal, "the host kept refusing")
        self._give_back(lane)
        timer = asyncio.create_task(self._resume_after(pause, lane))
        self._timers.add(timer)
        timer.add_done_callback(self._timers.discard)

    def _refused_elsewhere(self, host: str, outcome: Observation | Retry,
                           refusal: Observation) -> None:
        # A redirect led the link to another host, which refused it. The lane's own host
        # answered (the redirect), so its window is not blamed; the refusing host is held
        # for the pause, whichever lane sends to it, and the refusal is its own in the report.
        checker = self._checker
        url = refusal.final_url or refusal.url
        limit = self._elsewhere.get(host) or opening(checker.settings.per_host_limit(host_of(url)))
        pause = self._refusal_pause(limit, outcome, refusal)
        checker.client.hold_host(url, pause)
        allowed = checker.client.host_limit(url)
        self._elsewhere[host] = after_refusal_elsewhere(limit, pause, allowed)

    def _answered_elsewhere(self, outcome: Observation | Retry) -> None:
        # A host that refused redirected requests answered one: its refusals in a row end.
        seen = outcome.observation if isinstance(outcome, Retry) else outcome
        if seen is None or seen.final_status is None:
            return
        host = host_key(seen.final_url or seen.url)
        limit = self._elsewhere.get(host)
        if limit is not None and limit.refused_in_a_row:
            self._elsewhere[host] = after_success(limit, 0)

    def _refusal_pause(self, limit: HostLimit, outcome: Observation | Retry,
                       refusal: Observation) -> float:
        # The pause grows with the host's refusals in a row, whichever link drew them: a host
        # that keeps refusing is slowed down before it is given up. A retry waits at least as
        # long as it was told to.
        checker = self._checker
        growing = backoff(limit.refused_in_a_row + 1, checker.settings, checker.jitter())
        if isinstance(outcome, Retry):
            return max(outcome.wait, growing)
        asked = retry_after_seconds(refusal.final_headers.get("retry-after"), checker.clock())
        return refusal_pause(asked, checker.settings.max_retry_after, growing)

    def _abandon(self, lane: Lane, last: Observation, why: str) -> None:
        # A host refusing request after request, or silent, is not asked again: its remaining
        # links carry what it last gave, marked as not requested.
        while lane.pending:
            job = lane.pending.popleft()
            note = Exchange("GET", job.target, detail=f"not requested: {why}")
            seen = replace(last, url=job.target, final_url=job.target, hops=(),
                           exchanges=(*job.exchanges, note), attempts=job.attempt, elapsed_ms=0)
            result = self._checker.result(job, seen)
            metadata = {**result.metadata, "not_requested": why}
            self._finish(job, replace(result, metadata=MappingProxyType(metadata)))

    async def _resume_after(self, pause: float, lane: Lane) -> None:
        if pause > 0:
            await self._checker.sleep(pause)
        for _ in range(lane.gate.resume()):
            self._ready.put_nowait(lane)
        self._grant(lane)

    def _grant(self, lane: Lane) -> None:
        """Tickets for slots the host's window has gained."""
        for _ in range(lane.gate.grant(len(lane.pending))):
            self._ready.put_nowait(lane)

    def _finish(self, job: Job, result: LinkResult | None) -> None:
        if result is not None:  # None: deferred, settled after the run
            self._on_result(job.index, result)
        self._done += 1
        if self._done == self._total:
            for _ in range(self._workers):
                self._ready.put_nowait(None)
            self._to_conclude.set()  # the last link may have been concluded elsewhere

    def _give_back(self, lane: Lane) -> None:
        if not lane.pending:
            lane.gate.retire()  # the slot retires with its host's last link
            return
        if not lane.gate.keep():
            return  # the host's window shrank: this slot retires
        if lane.gate.paused:
            lane.gate.parked += 1
            return
        if lane.delay <= 0:
            self._ready.put_nowait(lane)
            self._grant(lane)
            return
        self._later(lane.delay, lane)

    def _retry_later(self, lane: Lane, retry: Retry) -> None:
        # The worker moves on to other hosts; the host's slot stays taken until the wait ends,
        # so a host asking us to slow down (429, Retry-After) gets fewer requests, not more.
        self._later(retry.wait, lane, retry.job)

    def _later(self, wait: float, lane: Lane, job: Job | None = None) -> None:
        timer = asyncio.create_task(self._after(wait, lane, job))
        self._timers.add(timer)
        timer.add_done_callback(self._timers.discard)

    async def _after(self, wait: float, lane: Lane, job: Job | None) -> None:
        await self._checker.sleep(wait)
        if job is not None:
            lane.pending.appendleft(job)
        self._ready.put_nowait(lane)
        self._grant(lane)


def plan(
    links: Sequence[Link], settings: CheckSettings
) -> tuple[list[Lane], dict[int, LinkResult]]:
    """Lanes of jobs per host, and the results already known without a request."""
    lanes: dict[str, Lane] = {}
    known: dict[int, LinkResult] = {}
    for index, link in enumerate(links):
        skipped = prescreen(link, settings)
        if skipped is not None:
            known[index] = skipped
            continue
        target, remap = settings.remap(checked_url(link.url)[0])
        host = host_key(target)
        if host not in lanes:
            bare = host_of(target)
            lanes[host] = Lane(host, deque(), settings.per_host_limit(bare),
                               settings.delay_for(bare))
        lanes[host].pending.append(Job(index, link, target, remap))
    return list(lanes.values()), known


# ---- the public entry points ------------------------------------------------------------------


async def check_links(
    links: Sequence[Link],
    settings: CheckSettings,
    *,
    inputs: Sequence[str] = (),
    page_hook: PageHook | None = None,
    validators: Validators | None = None,
    progress: Progress | None = None,
    clock: Clock = utc_now,
    sleep: Sleep = asyncio.sleep,
    jitter: Callable[[], float] = random.random,
) -> Report:
    """Check every link once; the report lists results in the order of `links`."""
    generated_at = clock()
    checked = await check_pass(links, settings, page_hook=page_hook, validators=validators,
                               progress=progress, clock=clock, sleep=sleep, jitter=jitter)
    return build_report(inputs, generated_at, checked.results,
                        throttling_record(checked.limits))


@dataclass(frozen=True, slots=True)
class Checked:
    """One pass over some links: a result per link, in their order, and each host's limit
    as the pass left it. No run-health judgement yet: that needs every link of the run."""

    results: tuple[LinkResult, ...]
    limits: tuple[tuple[str, HostLimit], ...]


async def check_pass(
    links: Sequence[Link],
    settings: CheckSettings,
    *,
    page_hook: PageHook | None = None,
    validators: Validators | None = None,
    progress: Progress | None = None,
    clock: Clock = utc_now,
    sleep: Sleep = asyncio.sleep,
    jitter: Callable[[], float] = random.random,
    on_result: Callable[[int, LinkResult], None] | None = None,
    ceilings: Ceilings | None = None,
) -> Checked:
    """Check every link once (see `check_links`); one process's share of a run. `on_result`
    hears each result with its index in `links` as it is decided; `ceilings` are the per-host
    ceilings shared with the run's other processes (see `host_ceiling`)."""
    lanes, known = plan(links, settings)
    results: list[LinkResult | None] = [known.get(index) for index in range(len(links))]

    def record(index: int, result: LinkResult) -> None:
        results[index] = result
        if progress is not None:
            progress(result)
        if on_result is not None:
            on_result(index, result)

    for index, result in known.items():
        if progress is not None:
            progress(result)
        if on_result is not None:
            on_result(index, result)
    with fewer_collections():
        async with open_client(settings, ceilings) as client:
            checker = Checker(client, settings, page_hook, validators or {}, clock, sleep, jitter)
            total = sum(len(lane.pending) for lane in lanes)
            scheduler = Scheduler(checker, lanes, total, record)
            try:
                async with asyncio.timeout(settings.run_deadline):
                    await scheduler.run()
            except TimeoutError:
                scheduler.conclude_now()
                _settle(checker, record)
                _fill_deadline(links, results, checker, record)
            else:
                _settle(checker, record)
    done = tuple(result for result in results if result is not None)
    assert len(done) == len(links), "every link has a result once the pass is over"
    return Checked(done, tuple(scheduler.limits))


def _settle(checker: Checker, record: Callable[[int, LinkResult], None]) -> None:
    for index, result in checker.settle():
        record(index, result)


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Young-generation garbage collections every `GC_YOUNG_THRESHOLD` allocations, not 700,
    while links are checked. Each link allocates a few hundred short-lived objects (request,
    answer, records), freed by reference counting, yet at 700 the collector ran every few
    links: ~9% of a 10,000-link run's CPU, down to ~2%, with the same peak memory.

    In a settling process (the command line's, see `collector.settle`) the links and their
    plan are settled before and the results after, so that no young collection scans them
    (two scans of ~10 ms each in a 10,000-link run)."""
    young, *older = gc.get_threshold()
    collector.settle()
    gc.set_threshold(max(young, GC_YOUNG_THRESHOLD), *older)
    try:
        yield
    finally:
        collector.settle()
        gc.set_threshold(young, *older)


def _fill_deadline(
    links: Sequence[Link], results: list[LinkResult | None], checker: Checker,
    record: Callable[[int, LinkResult], None],
) -> None:
    for index, link in enumerate(links):
        if results[index] is None:
            observation = deadline_observation(checked_url(link.url)[0])
            verdict = checker.verdict(observation)
            record(index, to_link_result(link, observation, verdict, checker.clock(), {}))


def build_report(
    inputs: Sequence[str], generated_at: datetime, results: Sequence[LinkResult],
    throttling: Mapping[str, Any],
) -> Report:
    """The run's report from every result of the run: health judged over all of them."""
    done = tuple(results)
    inconclusive, reason = run_health(done)
    if inconclusive:
        done = unproven(done)
    return Report(
        inputs=tuple(inputs), generated_at=generated_at, links=done,
        inconclusive=inconclusive, inconclusive_reason=reason if inconclusive else None,
        extra={"throttling": dict(throttling)},
    )


async def explain_url(
    url: str, settings: CheckSettings, *, clock: Clock = utc_now, sleep: Sleep = asyncio.sleep
) -> tuple[Observation, Verdict, ShellComparison | None]:
    """Observe one URL with every exchange recorded, and the verdict drawn from it; when the
    page could be an app shell, the probe of its host and the comparison too. `explain` sees
    no other page of the host, so a page like its host's made-up path is `client_rendered`
    here even where the nightly run, which saw a differing page, calls it a soft 404."""
    async with open_client(settings) as client:
        checker = Checker(client, settings, clock=clock, sleep=sleep)
        target, _ = settings.remap(checked_url(url)[0])
        observation = await checker.observe(target)
        verdict = checker.verdict(observation)
        if verdict.shell_print is None:
            return observation, verdict, None
        final = observation.final_url or observation.url
        probe = await checker.shells.probe(final)
        evidence = checker.shells.evidence(final, probe)
        comparison = ShellComparison(probe.observation, verdict.shell_print, evidence)
        return observation, classify(observation, checker.rules, evidence), comparison
