"""Run health: is this run's evidence worth acting on, or was the machine simply offline?"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from bot.model import LinkResult, Reason, Status
from bot.urls import host_key

# Reasons that say "we never reached the server": one host with these is unlucky; most hosts
# with these mean the network, not the web, failed.
NETWORK_REASONS = frozenset({
    Reason.DNS, Reason.DNS_TEMPORARY, Reason.CONNECTION_REFUSED, Reason.CONNECTION_RESET,
    Reason.TIMEOUT, Reason.TLS,
})
DEFAULT_SHARE = 0.5
DEFAULT_MIN_HOSTS = 3


def host_outcomes(results: Sequence[LinkResult]) -> dict[str, bool]:
    """Each checked host -> True when every checked link on it failed at the network level.
    Skipped links say nothing about the network and are left out."""
    failed: dict[str, bool] = {}
    for result in results:
        if result.status is Status.SKIPPED:
            continue
        host = host_key(result.url) or result.url
        network = result.reason in NETWORK_REASONS
        failed[host] = failed.get(host, True) and network
    return failed


def run_health(
    results: Sequence[LinkResult],
    share: float = DEFAULT_SHARE,
    min_hosts: int = DEFAULT_MIN_HOSTS,
) -> tuple[bool, str | None]:
    """(inconclusive, reason): inconclusive when at least `min_hosts` hosts were checked
    and more than `share` of them failed at the DNS or connection level."""
    outcomes = host_outcomes(results)
    failed, total = sum(outcomes.values()), len(outcomes)
    if total < min_hosts or failed <= share * total:
        return False, None
    reason = (f"{failed} of {total} hosts failed at the DNS or connection level: "
              "the machine is probably offline")
    return True, reason


def unproven(results: Sequence[LinkResult]) -> tuple[LinkResult, ...]:
    """In an inconclusive run a network-level "broken" (`dns`, `connection_refused`) proves
    nothing: an offline machine fails every name. Such results become `error`, reason kept,
    so no report, exit code or later stage calls a link broken on that evidence."""
    return tuple(
        replace(result, status=Status.ERROR)
        if result.status is Status.BROKEN and result.reason in NETWORK_REASONS else result
        for result in results
    )
