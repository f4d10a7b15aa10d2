"""The adaptive per-host limit's pure rule: opening, growth, halving (a 429 bounds the window at
half the refused level, a 503 lets it regrow slowly), giving up, the pause a refusal earns,
the two successes that prove a level, and the report's `throttling` record."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.check.host_limits import (
    GIVE_UP_REFUSALS,
    OPENING_WINDOW,
    RECOVERY_SUCCESSES,
    TRUSTED_ANSWER_S,
    HostGate,
    HostLimit,
    after_refusal,
    after_refusal_elsewhere,
    after_success,
    allowed_after,
    confirmed,
    merged_hosts,
    opening,
    overlap,
    refusal_pause,
    throttling_record,
)


def test_a_new_host_gets_two_requests_at_once_within_its_ceiling() -> None:
    assert opening(4) == HostLimit(ceiling=4, window=2)
    assert OPENING_WINDOW == 2
    assert opening(1) == HostLimit(ceiling=1, window=1)
    assert opening(0) == HostLimit(ceiling=1, window=1)


@pytest.mark.parametrize(
    ("window", "concurrent", "grown"),
    [
        (1, 1, 2),  # a success at the full window opens one more slot
        (2, 1, 2),  # a success below the full window proves nothing new
        (3, 3, 4),
        (4, 4, 4),  # never above the ceiling
    ],
)
def test_growth_before_any_refusal(window: int, concurrent: int, grown: int) -> None:
    limit = replace(opening(4), window=window)
    assert after_success(limit, concurrent).window == grown


@pytest.mark.parametrize(
    ("status", "concurrent", "allowed"),
    [
        (429, 8, 4),  # a stated limit: half the refused level
        (429, 7, 3),  # rounded down
        (429, 3, 1),
        (429, 1, 1),  # never below one request at a time
        (503, 8, 7),  # an overload that passes: just below the refused level
        (503, 1, 1),
    ],
)
def test_what_a_refusal_still_allows(status: int, concurrent: int, allowed: int) -> None:
    assert allowed_after(status, concurrent) == allowed


@pytest.mark.parametrize("status", [429, 503])
def test_a_refusal_halves_the_window(status: int) -> None:
    limit = replace(opening(8), window=6)
    refused = after_refusal(limit, concurrent=6, pause=1.5, status=status)
    assert refused.window == 3 and refused.bound == allowed_after(status, 6)
    assert (refused.refusals, refused.refused_in_a_row, refused.waited) == (1, 1, 1.5)


@pytest.mark.parametrize(
    ("status", "window", "halved", "regrown"),
    [
        # Our count of requests in flight may have run ahead of the host's (answers read
        # late), so after a 429 the level just below the refused one may still be too high.
        (429, 8, 4, 4),
        # A 503 is an overload that passes: back up to just below the refused level.
        (503, 3, 1, 2),
    ],
)
def test_regrowth_after_a_refusal_stops_at_what_the_refusal_allows(
    status: int, window: int, halved: int, regrown: int
) -> None:
    limit = after_refusal(replace(opening(8), window=window), concurrent=window, pause=0.0,
                          status=status)
    assert (limit.window, limit.bound) == (halved, regrown)
    for _ in range(10 * RECOVERY_SUCCESSES):
        limit = after_success(limit, limit.window)
    assert limit.window == regrown


def test_a_later_refusal_never_raises_the_bound() -> None:
    limit = after_refusal(replace(opening(8), window=8), concurrent=4, pause=0.0, status=429)
    assert after_refusal(limit, concurrent=8, pause=0.0, status=503).bound == 2


def test_regrowth_after_a_503_is_slow() -> None:
    limit = after_refusal(replace(opening(8), window=8), concurrent=8, pause=0.0, status=503)
    assert limit.window == 4
    for _ in range(RECOVERY_SUCCESSES - 1):
        limit = after_success(limit, 4)
        assert limit.window == 4
    assert after_success(limit, 4).window == 5


def test_a_success_ends_a_run_of_refusals() -> None:
    limit = after_refusal(after_refusal(opening(4), 1, 0.0, 503), 1, 0.0, 503)
    assert limit.refused_in_a_row == 2 and limit.window == 1
    assert after_success(limit, 1).refused_in_a_row == 0


def test_a_host_that_keeps_refusing_is_given_up() -> None:
    limit = opening(4)
    for n in range(GIVE_UP_REFUSALS):
        assert not limit.gave_up, n
        limit = after_refusal(limit, 1, 0.5, 429 if n % 2 else 503)
    assert limit.gave_up and limit.window == 1 and limit.waited == 0.5 * GIVE_UP_REFUSALS


@pytest.mark.parametrize(
    ("asked", "bound", "backoff", "pause"),
    [(2.0, 60.0, 0.5, 2.0), (3600.0, 60.0, 0.5, 60.0), (None, 60.0, 0.5, 0.5), (0.0, 60.0, 0.5, 0.0)],
)
def test_refusal_pause_honours_retry_after_within_the_bound(
    asked: float | None, bound: float, backoff: float, pause: float
) -> None:
    assert refusal_pause(asked, bound, backoff) == pause


def test_throttling_record_lists_refusing_hosts_by_name() -> None:
    calm = opening(4)
    busy = after_refusal(replace(opening(4), window=3), 3, 1.25, 503)
    record = throttling_record([("b.org", busy), ("a.org", calm), ("a2.org", busy)])
    assert record == {
        "hosts": [
            {"host": "a2.org", "refusals": 1, "limit": 2, "gave_up": False, "waited_s": 1.25},
            {"host": "b.org", "refusals": 1, "limit": 2, "gave_up": False, "waited_s": 1.25},
        ],
        "waited_s": 2.5,
    }
    assert throttling_record([("a.org", calm)]) == {"hosts": [], "waited_s": 0.0}


def test_a_refusal_of_a_redirected_request_is_counted_with_its_hold_and_the_ceiling() -> None:
    limit = after_refusal_elsewhere(opening(4), 0.5, allowed=2)
    assert (limit.refusals, limit.refused_in_a_row, limit.waited, limit.bound) == (1, 1, 0.5, 2)
    again = after_refusal_elsewhere(limit, 1.0, allowed=1)
    assert (again.refusals, again.refused_in_a_row, again.waited, again.bound) == (2, 2, 1.5, 1)
    assert after_success(again, 0).refused_in_a_row == 0
    assert again.window == OPENING_WINDOW  # no window of its own is opened or closed here


def test_a_host_refused_both_in_its_lane_and_through_redirects_is_one_entry() -> None:
    own = after_refusal(replace(opening(4), window=4), 4, 0.25, 429)  # limit 2
    redirected = after_refusal_elsewhere(opening(4), 0.5, allowed=1)
    record = throttling_record([("a.org", own), ("b.org", own), ("a.org", redirected)])
    assert record == {
        "hosts": [
            {"host": "a.org", "refusals": 2, "limit": 1, "gave_up": False, "waited_s": 0.75},
            {"host": "b.org", "refusals": 1, "limit": 2, "gave_up": False, "waited_s": 0.25},
        ],
        "waited_s": 1.0,
    }


def test_merged_hosts_sums_refusals_and_waits_and_keeps_the_lowest_limit() -> None:
    one = {"host": "x.org", "refusals": 1, "limit": 4, "gave_up": False, "waited_s": 0.1}
    two = {"host": "x.org", "refusals": 8, "limit": 2, "gave_up": True, "waited_s": 0.2}
    other = {"host": "a.org", "refusals": 1, "limit": 3, "gave_up": False, "waited_s": 0.0}
    assert merged_hosts([one, other, two]) == [
        other, {"host": "x.org", "refusals": 9, "limit": 2, "gave_up": True, "waited_s": 0.3},
    ]
    assert one["refusals"] == 1  # the entries given are left as they were


ROUND_TRIP = 0.05  # seconds: the hosts in these tests answer this fast at best


def test_gate_tickets_follow_the_window() -> None:
    gate = HostGate(4)
    assert gate.grant(pending=10) == 2 and gate.tickets == 2  # two at once to a new host
    first, second = gate.sent(0.0), gate.sent(0.0)
    assert (first.concurrent, second.concurrent) == (1, 2)
    gate.answered(first, True, ROUND_TRIP)
    gate.answered(second, True, ROUND_TRIP)
    assert gate.limit.window == 3 and gate.keep() and gate.grant(pending=10) == 1
    gate = HostGate(4)
    gate.grant(pending=10)
    first, second = gate.sent(0.0), gate.sent(0.0)
    gate.refused(second, pause=0.3, status=429)
    assert gate.paused and gate.grant(pending=10) == 0
    assert gate.keep() is False and gate.tickets == 1  # the window shrank to 1: one retires
    gate.parked += 1
    assert gate.resume() == 1 and not gate.paused


def test_gate_counts_only_answers_towards_growth() -> None:
    gate = HostGate(4)
    gate.grant(1)
    gate.answered(gate.sent(0.0), False, 1.0)  # a timeout: no evidence the host copes
    assert gate.limit.window == OPENING_WINDOW and gate.active == 0 and gate.fastest is None


@pytest.mark.parametrize(
    ("in_flight", "fastest", "level"),
    [
        ((), None, 1),  # alone
        ((9.99,), None, 1),  # no answer yet: nothing shows how long one takes
        ((9.99, 9.98), 0.05, 3),  # sent within half the fastest answer: still at the host
        ((9.99, 9.95), 0.05, 2),  # sent 50 ms ago: its answer may be back, unread
        ((9.90, 9.80), 0.05, 1),
        ((9.80, 9.70), 1.0, 3),  # a slow host holds requests long
    ],
)
def test_overlap_counts_only_requests_the_host_surely_still_holds(
    in_flight: tuple[float, ...], fastest: float | None, level: int
) -> None:
    assert overlap(10.0, in_flight, fastest) == level


def test_a_stalled_event_loop_proves_no_level() -> None:
    # Host allowing 2. Two requests leave together and are answered; the answers of the next
    # two wait unread while the loop is busy, and a third leaves 55 ms after them. Our count
    # says 3 in flight, but the host held only the third. Counting that success as a level
    # of 3 proved a level the host refuses: the second 429 the benchmark saw.
    gate = HostGate(4)
    clock = 0.0
    for _ in range(4):  # one request, then pairs: level 2 proven
        pair = [gate.sent(clock) for _ in range(min(2, gate.limit.window))]
        clock += ROUND_TRIP
        for sending in pair:
            gate.answered(sending, True, clock)
    assert gate.proven == 2 and gate.fastest == pytest.approx(ROUND_TRIP)
    for _ in range(2):
        first, second = gate.sent(clock), gate.sent(clock)
        stalled = gate.sent(clock + 0.055)
        assert (stalled.concurrent, stalled.level) == (3, 1)
        clock += 0.06
        gate.answered(first, True, clock)
        gate.answered(second, True, clock)
        clock += ROUND_TRIP
        gate.answered(stalled, True, clock)
    assert (gate.proven, gate.glimpsed) == (2, 2)
    gate.sent(clock)
    gate.sent(clock)
    assert gate.sent(clock).concurrent == 3 and not gate.may_send()  # 3 is still a probe


@pytest.mark.parametrize(
    ("proven", "glimpsed", "level", "after"),
    [
        (0, 0, 1, (0, 1)),  # one success: glimpsed, not yet proven
        (0, 1, 1, (1, 1)),  # the second at that level proves it
        (1, 1, 3, (1, 3)),  # a higher level is glimpsed; the one below it proven
        (1, 3, 2, (2, 3)),  # a success below the glimpsed level proves its own
        (2, 3, 3, (3, 3)),
        (3, 3, 1, (3, 3)),  # a lower success proves nothing new
    ],
)
def test_a_level_is_proven_by_two_successes(
    proven: int, glimpsed: int, level: int, after: tuple[int, int]
) -> None:
    assert confirmed(proven, glimpsed, level) == after


@pytest.mark.parametrize(
    ("proven", "glimpsed", "level", "after"),
    [
        (0, 0, 1, (1, 1)),  # one success proves its level
        (1, 1, 3, (3, 3)),
        (3, 3, 1, (3, 3)),  # a lower success proves nothing new
    ],
)
def test_on_a_slow_host_one_success_proves_its_level(
    proven: int, glimpsed: int, level: int, after: tuple[int, int]
) -> None:
    assert confirmed(proven, glimpsed, level, slow=True) == after


def requests_per_round(answer_s: float, rounds: int) -> list[int]:
    """How many requests a host answering in `answer_s` gets in each round of answers."""
    gate, now, counts = HostGate(4), 0.0, []
    for _ in range(rounds):
        sent = []
        while len(sent) < gate.limit.window and gate.may_send():
            sent.append(gate.sent(now))
        counts.append(len(sent))
        now += answer_s
        for sending in sent:
            gate.answered(sending, True, now)
    return counts


def test_a_slow_host_opens_its_window_a_level_a_round() -> None:
    # Each round carries the proven level and one probe of the next; where answers come
    # fast, a level above the first is first seen, then proven, two rounds per level. One
    # at a time needs no proof: the first round is two at once, the second a probe of 2.
    assert requests_per_round(TRUSTED_ANSWER_S, 5) == [2, 3, 4, 4, 4]
    assert requests_per_round(ROUND_TRIP, 8) == [2, 2, 3, 3, 4, 4, 4, 4]
    # 50 links a host at most 4 at once: 14 rounds of answers (13 at 4 from the start)
    assert rounds_for(50, ROUND_TRIP) == 14


def rounds_for(links: int, answer_s: float) -> int:
    """Rounds of answers a host answering in `answer_s` needs for `links` links."""
    done, rounds = 0, 0
    while done < links:
        rounds += 1
        done += requests_per_round(answer_s, rounds)[-1]
    return rounds


def test_the_first_rounds_overlap_is_judged_by_the_first_answers() -> None:
    gate = HostGate(4)
    first, second = gate.sent(0.0), gate.sent(0.001)
    assert second.level == 1  # no answer yet: nothing shows how long one takes
    gate.answered(first, True, ROUND_TRIP)
    gate.answered(second, True, 0.001 + ROUND_TRIP)
    assert gate.glimpsed == 2  # sent 1 ms apart, answered in 50: the host held both
    late = HostGate(4)
    first, second = late.sent(0.0), late.sent(0.03)  # 30 ms on, the first may be back unread
    late.answered(first, True, ROUND_TRIP)
    late.answered(second, True, 0.03 + ROUND_TRIP)
    assert late.glimpsed == 1


def test_one_probe_of_an_unproven_level_at_a_time() -> None:
    gate = HostGate(4)
    held = gate.sent(0.0)
    assert not gate.probing  # one at a time is no probe: a host that answers holds one
    assert gate.may_send() and (probe := gate.sent(0.0)).concurrent == 2  # the probe of 2
    assert gate.probing and not gate.may_send()  # a third would probe too
    now = ROUND_TRIP
    assert gate.answered(held, True, now) == 0
    assert gate.answered(probe, True, now) == 0 and not gate.probing
    assert (gate.proven, gate.glimpsed, gate.limit.window) == (1, 2, 3)
    assert gate.may_send() and (proven := gate.sent(now)).concurrent == 1  # no probe
    assert gate.may_send() and (probe := gate.sent(now)).concurrent == 2  # level 2, seen once:
    assert probe.level == 2 and gate.probing  # still probed alone
    assert not gate.may_send()  # a third would probe too, before the probe is answered
    gate.parked += 1
    now += ROUND_TRIP
    assert gate.answered(proven, True, now) == 0  # not the probe: the parked ticket waits
    assert not gate.may_send()  # one more would make two again: the probe's level
    assert gate.answered(probe, True, now) == 1 and not gate.probing
    assert (gate.proven, gate.glimpsed) == (2, 2)
    assert gate.may_send()


def test_a_host_that_holds_one_request_refuses_once_when_two_first_go() -> None:
    gate = HostGate(4)
    held = gate.sent(0.0)
    assert gate.may_send()  # a new host gets two at once: the second probes level 2
    probe = gate.sent(0.0)
    gate.refused(probe, pause=0.1, status=429)
    gate.answered(held, True, 2 * ROUND_TRIP)
    assert gate.limit.bound == 1 and not gate.probing
    for _ in range(3):  # one at a time from then on: nothing above it is probed again
        assert gate.resume() == 0 and gate.limit.window == 1
        sending = gate.sent(2 * ROUND_TRIP)
        assert sending.concurrent == 1
        gate.answered(sending, True, 3 * ROUND_TRIP)
        assert gate.limit.window == 1


def test_a_refused_probe_ends_the_probe_and_pauses() -> None:
    gate = HostGate(4)
    gate.answered(gate.sent(0.0), True, ROUND_TRIP)
    gate.answered(gate.sent(ROUND_TRIP), True, 2 * ROUND_TRIP)
    gate.sent(2 * ROUND_TRIP)
    gate.refused(gate.sent(2 * ROUND_TRIP), pause=0.1, status=429)
    assert not gate.probing and gate.paused and not gate.may_send()
    assert gate.limit.bound == 1 and gate.proven == 1


def test_a_refusal_blames_no_more_than_is_still_in_flight() -> None:
    gate = HostGate(8)
    gate.limit = replace(gate.limit, window=4)
    gate.proven = gate.glimpsed = 4
    sent = [gate.sent(0.0) for _ in range(4)]
    gate.answered(sent[0], True, ROUND_TRIP)  # two answers read before the refusal
    gate.answered(sent[1], True, ROUND_TRIP)
    # sent with 4 in flight; 2 in flight now, itself included: blamed at 2, not 4
    gate.refused(sent[3], pause=0.0, status=503)
    assert gate.limit.bound == 1
