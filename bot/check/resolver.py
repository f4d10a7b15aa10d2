"""Names to addresses, guarded: the private-address guard judges every address a name
resolves to, and only the allowed ones are returned, so a client connects to exactly the
addresses that were judged (no DNS rebinding between the judgement and the connect).

The system lookup is the operating system's getaddrinfo in a thread pool, as aiohttp's
ThreadedResolver does it, but in the resolver's own pool rather than the event loop's default
one, which has min(32, CPUs + 4) threads: 6 on a 2-core runner. A list with thousands of hosts
asks for a name per host in its first round over them, and its requests would queue behind
six lookups at a time. `bot.check.session` adapts this resolver to aiohttp's interface for
the clients that use aiohttp's connector.
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import socket
from concurrent.futures import ThreadPoolExecutor
from typing import TypedDict

from bot.check.settings import CheckSettings

# RFC 6761 names that resolve nowhere; answered here without asking any resolver.
NEVER_RESOLVES = ("invalid",)
# Lookups at once, at most: one per request in flight, up to this many threads.
MAX_LOOKUPS = 64

_NUMERIC_FLAGS = socket.AI_NUMERICHOST | socket.AI_NUMERICSERV
_NAME_FLAGS = socket.NI_NUMERICHOST | socket.NI_NUMERICSERV
_ADDRCONFIG = socket.AI_ADDRCONFIG & getattr(socket, "AI_MASK", socket.AI_ADDRCONFIG)


class Resolved(TypedDict):
    """One address of a name; the keys of aiohttp's `ResolveResult`, which it is given as."""

    hostname: str
    host: str
    port: int
    family: int
    proto: int
    flags: int


class AddressRefused(OSError):
    """A host whose every address is loopback, private, link-local, multicast or reserved."""


def address_allowed(address: str, settings: CheckSettings) -> bool:
    """True when `address` is public, or private addresses are allowed, or it is trusted."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if settings.allow_private or any(ip in network for network in settings.trusted_networks):
        return True
    return ip.is_global and not (ip.is_multicast or ip.is_reserved)


class GuardedResolver:
    """Resolves once and returns only allowed addresses (`settings.resolve` answers first)."""

    def __init__(self, settings: CheckSettings) -> None:
        self._settings = settings
        self._lookups: ThreadPoolExecutor | None = None  # started at the first system lookup

    def close(self) -> None:
        """Stop the lookup threads (a lookup still running ends on its own)."""
        if self._lookups is not None:
            self._lookups.shutdown(wait=False, cancel_futures=True)
            self._lookups = None

    def _pool(self) -> ThreadPoolExecutor:
        if self._lookups is None:
            threads = max(1, min(self._settings.concurrency, MAX_LOOKUPS))
            self._lookups = ThreadPoolExecutor(threads, thread_name_prefix="roadmap-bot-lookup")
        return self._lookups

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[Resolved]:
        name = host.rstrip(".").lower()
        if name.rsplit(".", 1)[-1] in NEVER_RESOLVES:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        static = self._settings.resolve.get(name)
        answers = answers_for(host, port, static) if static else await _system_lookup(
            host, port, family, self._pool()
        )
        allowed = [answer for answer in answers if address_allowed(answer["host"], self._settings)]
        if not allowed:
            refused = ", ".join(sorted({answer["host"] for answer in answers}))
            raise AddressRefused(f"{name} resolves only to non-public addresses ({refused})")
        return allowed


def answers_for(host: str, port: int, addresses: tuple[str, ...]) -> list[Resolved]:
    """`host`'s known `addresses` (from the config, or the literal the URL spells) as a
    lookup would give them."""
    return [
        Resolved(hostname=host, host=address, port=port, proto=0, flags=socket.AI_NUMERICHOST,
                 family=socket.AF_INET6 if ":" in address else socket.AF_INET)
        for address in addresses
    ]


async def _system_lookup(
    host: str, port: int, family: socket.AddressFamily, pool: ThreadPoolExecutor
) -> list[Resolved]:
    """The operating system's answer for `host`, as aiohttp's ThreadedResolver reads it."""
    loop = asyncio.get_running_loop()
    # What loop.getaddrinfo runs, in `pool`; socket.getaddrinfo is looked up at each call.
    lookup = functools.partial(socket.getaddrinfo, host, port, family, socket.SOCK_STREAM, 0,
                               _ADDRCONFIG)
    infos = await loop.run_in_executor(pool, lookup)
    found: list[Resolved] = []
    for af, _, proto, _, address in infos:
        if af == socket.AF_INET6:
            if len(address) < 3:
                continue  # IPv6 without Python's support for it
            if address[3]:  # a scope id: a link-local address needs its interface named
                resolved, service = await loop.getnameinfo(address[:4], _NAME_FLAGS)
                at = int(service)
            else:
                resolved, at = str(address[0]), int(address[1])
        else:
            resolved, at = str(address[0]), int(address[1])
        found.append(Resolved(hostname=host, host=resolved, port=at, family=af, proto=proto,
                              flags=_NUMERIC_FLAGS))
    return found
