"""Adaptive per-host concurrency: how many requests one host gets at once, learnt from its
answers, and the record of which hosts were throttled and how long the run waited for them.

The rule (pure, in `HostLimit`): a host's window opens at two requests (`OPENING_WINDOW`) and
grows one request at a time up to the configured ceiling (`per_host`): it grows by one only
when a request sent at the full window succeeded, so at most one request at a time probes a
level the host has not yet accepted. Opening at the full ceiling would send `per_host`
requests at once to a host that allows fewer, and every one above its limit would be refused
together. Two at once risk no more than that: a host that holds only one refuses one of them,
the single refusal that teaches its limit, as it would refuse any first probe of two.

What the client can know: it counts the requests in flight from its side, and that count
runs ahead of the host's. An answer the host has sent still counts until it is read, and a
busy event loop (or a long way back over the network) reads it late. So a refusal at our
level L proves only that the host allows at most L - 1; a success at level L proves nothing
above what the host really held at once, which may be less than L (a false proof). A window
that regrew to L - 1 after a refusal would therefore meet the host's true limit again, for a
second refusal, whenever the first was drawn by a false proof.

So a success proves only its *overlap* (`Sending.level`): itself and the requests still in
flight that were sent less than half the host's fastest answer before it. An answer cannot
come back sooner than the host's fastest, so those were still at the host when this request
reached it; an older one may already have been answered, its answer waiting unread while a
busy event loop sent this request. Requests of one window leave together (a window opens on
an answer), so on a steady host the overlap is the full count; after a stall it is not. The
first requests to a host leave before any answer shows how long one takes: their overlap is
judged when they are answered, by the fastest answer known then (their own included).
That holds where the host's own time to answer is at least the network's round trip (a page
built by a server; loopback). A host answering from a cache far away spends most of its
fastest answer on the way, so the overlap can still run ahead of it there; the refusal rules
below are what keeps that to one 429.

A level counts as proven once two requests were accepted at it (`confirmed`): one success may
be a false proof, and requests go at a level seen once one at a time, so a false one costs one
refusal. One request at a time needs no proof: a host that answers at all holds one, so its
first round is two requests at once, the second probing level 2 (two rounds of answers
sooner than sending one, then proving level 1: a host that refuses two at once refuses one of
them, as it would refuse that probe). Except on a slow host: where the fastest answer takes
TRUSTED_ANSWER_S or more, one success proves its level, because a false proof there needs
answers left unread for half that long, and no stall of the event loop lasts that long. A host
answering in 5 s would otherwise spend two of its 5 s rounds on each level of its window
instead of one.

Hence the two refusals are read differently:
- 429 states a limit. The window halves and never again exceeds half the refused level
  (rounded down): that is within the host's limit as long as at least half of what we
  counted in flight was really at the host, whatever the lag did to our successes. The
  first 429 teaches the limit; the window does not probe it again this run.
- 503 reports an overload that passes. The window halves, stays below the refused level and
  grows back slowly towards it: one slot per `RECOVERY_SUCCESSES` full-window successes.
Either pauses the host for its Retry-After (within the configured bound) or a backoff that
grows while the refusals continue. A host that refused `GIVE_UP_REFUSALS` requests in a row
with no success between is slowed to a stop, not hammered: its remaining links are reported
with the refusal it gave, without a request.

`HostGate` is the thin stateful side the scheduler uses: tickets out, requests in flight, the
pause, and the probe: a request sent at a concurrency the host has not yet accepted holds
back every other request that would go as high until it is answered, so two requests never
test the host's limit at once (the second would be refused before the first refusal is read).
Its pause is awaited through the engine's injected `sleep`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from bot.records import quick_init

REFUSAL_STATUSES = frozenset({429, 503})
# Requests a host not yet contacted gets at once (within its ceiling): one request it surely
# holds, and the probe of the next level (see the module docstring).
OPENING_WINDOW = 2
# The refusal that states a limit (the rest report an overload that passes).
LIMIT_STATUS = 429
# Successes at the full window needed for one more slot once a host has refused: slow regrowth.
RECOVERY_SUCCESSES = 4
# Refusals in a row (no success between) after which a host's remaining links get no request.
GIVE_UP_REFUSALS = 8
# How recent, as a share of the host's fastest answer, an older request in flight must be to
# count as held by the host together with a new one (see `Sending`).
OVERLAP_SHARE = 0.5
# A host whose fastest answer takes at least this long (seconds) proves a level with one
# success (see the module docstring).
TRUSTED_ANSWER_S = 1.0


@dataclass(frozen=True, slots=True)
class HostLimit:
    """One host's adaptive window and what it has taught the run so far."""

    ceiling: int
    window: int = OPENING_WINDOW
    allowed: int | None = None  # the most requests at once the host's refusals still allow
    credit: int = 0  # full-window successes since the window last grew
    refusals: int = 0
    refused_in_a_row: int = 0
    waited: float = 0.0  # seconds this host was paused in total

    @property
    def bound(self) -> int:
        """The most the window may reach: the ceiling, below any level the host refused."""
        return self.ceiling if self.allowed is None else min(self.ceiling, self.allowed)

    @property
    def gave_up(self) -> bool:
        return self.refused_in_a_row >= GIVE_UP_REFUSALS


def opening(ceiling: int) -> HostLimit:
    """A host not yet contacted: two requests at once (one where the ceiling allows no more)
    until its answers open the window further."""
    ceiling = max(1, ceiling)
    return HostLimit(ceiling=ceiling, window=min(OPENING_WINDOW, ceiling))


def after_success(limit: HostLimit, concurrent: int) -> HostLimit:
    """The host accepted a request sent while `concurrent` were in flight (itself included)."""
    if concurrent < limit.window or limit.window >= limit.bound:
        return replace(limit, refused_in_a_row=0) if limit.refused_in_a_row else limit
    needed = 1 if limit.refusals == 0 else RECOVERY_SUCCESSES
    if limit.credit + 1 < needed:
        return replace(limit, credit=limit.credit + 1, refused_in_a_row=0)
    return replace(limit, window=limit.window + 1, credit=0, refused_in_a_row=0)


def allowed_after(status: int, concurrent: int) -> int:
    """The most requests at once a host may get after refusing one sent while `concurrent`
    were in flight: half that after a 429 (see the module docstring), one less after a 503."""
    return max(1, concurrent // 2 if status == LIMIT_STATUS else concurrent - 1)


def after_refusal(limit: HostLimit, concurrent: int, pause: float, status: int) -> HostLimit:
    """The host refused (429/503: `status`) a request sent while `concurrent` were in flight,
    and the run pauses it for `pause` seconds: halve the window, within what it allows now."""
    allowed = allowed_after(status, concurrent)
    if limit.allowed is not None:
        allowed = min(limit.allowed, allowed)
    halved = replace(limit, allowed=allowed)
    return replace(
        halved, window=max(1, min(limit.window // 2, halved.bound)), credit=0,
        refusals=limit.refusals + 1, refused_in_a_row=limit.refused_in_a_row + 1,
        waited=limit.waited + pause,
    )


def after_refusal_elsewhere(limit: HostLimit, pause: float, allowed: int) -> HostLimit:
    """The host refused a request a redirect from another host's link sent it: the run holds
    it for `pause` seconds (whoever sends to it), and `allowed` is what its ceiling lets
    through at once from now on (see `host_ceiling`). Its window is its own lane's, if any."""
    return replace(limit, allowed=allowed, refusals=limit.refusals + 1,
                   refused_in_a_row=limit.refused_in_a_row + 1, waited=limit.waited + pause)


def refusal_pause(asked: float | None, bound: float, backoff: float) -> float:
    """How long a refusing host is left alone: its Retry-After within `bound`, else `backoff`."""
    if asked is None:
        return backoff
    return min(asked, bound)


def confirmed(proven: int, glimpsed: int, level: int, *, slow: bool = False) -> tuple[int, int]:
    """(proven, glimpsed) after a request sent with `level` in flight was accepted: a level
    is proven once two requests were accepted at it or above. One success may be a false
    proof; requests go at a glimpsed level one at a time, as probes, so if it was false the
    host refuses one request there, not one for each that would otherwise go at once. On a
    `slow` host (fastest answer TRUSTED_ANSWER_S or more) one success proves its level."""
    if slow:
        return max(proven, level), max(glimpsed, level)
    return max(proven, min(level, glimpsed)), max(glimpsed, level)


@quick_init
@dataclass(frozen=True, slots=True)
class Sending:
    """One request as it left for the host: `concurrent` requests in flight by our count
    (itself included), `level` of them surely held by the host together with it, and when it
    left (`at`, monotonic seconds). Sent before any answer of the host's came back, its level
    waits for one (`unjudged`: when the others in flight then left)."""

    concurrent: int
    level: int
    at: float
    unjudged: tuple[float, ...] | None = None

    def level_by(self, fastest: float) -> int:
        """Its level, judged by the host's `fastest` answer as known when it is answered."""
        if self.unjudged is None:
            return self.level
        return overlap(self.at, self.unjudged, fastest)


def overlap(now: float, in_flight: Iterable[float], fastest: float | None) -> int:
    """How many requests the host surely holds at once with one sent `now` (itself
    included): those sent at `in_flight` times less than OVERLAP_SHARE of the host's
    `fastest` answer ago. With no answer yet, nothing but itself."""
    if fastest is None:
        return 1
    recent = now - fastest * OVERLAP_SHARE
    return 1 + sum(1 for at in in_flight if at > recent)


def throttling_record(limits: Iterable[tuple[str, HostLimit]]) -> dict[str, Any]:
    """The report's `throttling` entry: each host that refused, by name, and the waits. A
    host may come twice (its own lane, and the redirects of other lanes' links to it)."""
    refusing = [item for item in limits if item[1].refusals]
    hosts = [
        {"host": host, "refusals": limit.refusals, "limit": limit.bound,
         "gave_up": limit.gave_up, "waited_s": round(limit.waited, 3)}
        for host, limit in refusing
    ]
    return {"hosts": merged_hosts(hosts),
            "waited_s": round(sum(limit.waited for _, limit in refusing), 3)}


def merged_hosts(entries: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """`throttling` host entries, one per host, by name: a host refused in several places
    (lanes, processes, shards) sums its refusals and waits, and keeps the lowest limit."""
    by_host: dict[str, dict[str, Any]] = {}
    for entry in entries:
        seen = by_host.get(str(entry["host"]))
        if seen is None:
            by_host[str(entry["host"])] = dict(entry)
            continue
        seen["refusals"] += entry["refusals"]
        seen["limit"] = min(seen["limit"], entry["limit"])
        seen["gave_up"] = seen["gave_up"] or entry["gave_up"]
        seen["waited_s"] = round(seen["waited_s"] + entry["waited_s"], 3)
    return [by_host[host] for host in sorted(by_host)]


class HostGate:
    """One host's tickets under its adaptive limit. A ticket is a permission to send one
    request; the scheduler queues them. `tickets` counts those out (queued, held by a worker
    or waiting in a timer), `active` the requests in flight, `parked` the tickets held back
    while the host is paused or probed, `glimpsed` the highest overlap at which one request
    was accepted, `proven` the highest at which two were (one on a slow host: see `confirmed`),
    `fastest` the quickest accepted answer (seconds), which bounds the overlap (see
    `overlap`)."""

    def __init__(self, ceiling: int) -> None:
        self.limit = opening(ceiling)
        self.tickets = 0
        self.parked = 0
        self.paused = False
        self.proven = 1  # one at a time: see the module docstring
        self.glimpsed = 1
        self.probing = False
        self.fastest: float | None = None
        self._sent_at: list[float] = []  # when each request in flight left

    @property
    def active(self) -> int:
        return len(self._sent_at)

    def may_send(self) -> bool:
        """False while paused, or while a probe is out and one more request would probe too."""
        return not self.paused and not (self.probing and self.active >= self.proven)

    def grant(self, pending: int) -> int:
        """New tickets the window allows now, for `pending` links waiting."""
        if self.paused:
            return 0
        extra = max(0, min(self.limit.window - self.tickets, pending))
        self.tickets += extra
        return extra

    def keep(self) -> bool:
        """A ticket came back: keep it, or retire it when the window has shrunk below it."""
        if self.tickets > self.limit.window:
            self.tickets -= 1
            return False
        return True

    def retire(self) -> None:
        self.tickets -= 1

    def sent(self, now: float) -> Sending:
        """A request leaves at `now`; what it counts as (see `Sending`)."""
        level = overlap(now, self._sent_at, self.fastest)
        unjudged = tuple(self._sent_at) if self.fastest is None else None
        self._sent_at.append(now)
        if self.active > self.proven:
            self.probing = True
        return Sending(self.active, level, now, unjudged)

    def answered(self, sending: Sending, accepted: bool, now: float) -> int:
        """A request came back at `now` without a refusal (`accepted`: with an HTTP answer);
        the parked tickets that may go now."""
        self._sent_at.remove(sending.at)
        probe = sending.concurrent > self.proven
        if accepted:
            took = now - sending.at
            self.fastest = took if self.fastest is None else min(self.fastest, took)
            self.limit = after_success(self.limit, sending.concurrent)
            self.proven, self.glimpsed = confirmed(
                self.proven, self.glimpsed, sending.level_by(self.fastest),
                slow=self.fastest >= TRUSTED_ANSWER_S)
        if not probe:
            return 0
        self.probing = False
        if self.paused:
            return 0
        parked, self.parked = self.parked, 0
        return parked

    def refused(self, sending: Sending, pause: float, status: int) -> None:
        """A request (`sending`) was refused (429/503: `status`). The level blamed is the
        lower of our count when it left and what is still in flight now: answers the host
        already sent may wait unread behind a busy event loop, so our count can run ahead of
        the host's, and blaming too high a level would draw a second refusal later."""
        self._sent_at.remove(sending.at)
        if sending.concurrent > self.proven:
            self.probing = False
        level = min(sending.concurrent, self.active + 1)
        self.limit = after_refusal(self.limit, level, pause, status)
        self.paused = True

    def resume(self) -> int:
        """The pause is over: the parked tickets go back to the queue."""
        self.paused, parked, self.parked = False, self.parked, 0
        return parked
