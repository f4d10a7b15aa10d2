"""`HostCeilings`: one ceiling per host as the engine keys hosts (scheme and default port
aside), as wide as the host's per-host limit, a domain rule's included. No request is sent:
hosts here are names only."""

from __future__ import annotations

from bot.check.host_ceiling import HostCeilings
from bot.check.settings import CheckSettings, DomainRule

SETTINGS = CheckSettings(per_host=3, domains=(DomainRule(host="ruled.example", per_host=1),))


async def taken_before_full(ceilings: HostCeilings, url: str) -> int:
    """How many requests to `url`'s host hold its ceiling when it is full."""
    gate = ceilings.of(url)
    held = 0
    while not gate.locked():
        await gate.acquire()
        held += 1
    return held


async def test_a_host_is_one_ceiling_whatever_its_scheme_default_port_and_path() -> None:
    ceilings = HostCeilings(SETTINGS)
    first = ceilings.of("https://docs.example/a")
    assert ceilings.of("http://docs.example/b?q=1") is first
    assert ceilings.of("https://DOCS.example:443/c") is first
    assert ceilings.of("https://docs.example:8443/a") is not first
    assert ceilings.of("https://other.example/a") is not first


async def test_a_ceiling_is_the_hosts_per_host_limit() -> None:
    ceilings = HostCeilings(SETTINGS)
    assert await taken_before_full(ceilings, "https://docs.example/") == 3
    assert await taken_before_full(ceilings, "https://www.ruled.example/page") == 1
