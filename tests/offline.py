"""The suite's promise that nothing leaves the machine, kept by the tests' own process: every
socket connection and every name lookup is looked at before it happens, and anything that
would reach past loopback is refused locally (no packet is sent) and recorded, so that the
test fails even when the code under test turns the refusal into a verdict."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from typing import Any

# Names the resolver answers from the machine itself (no query leaves it).
LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain"})


def is_local(address: Any) -> bool:
    """True for what a connection may go to: a loopback IP (v4 or v6, with or without a port)
    or a Unix socket path."""
    if isinstance(address, (str, bytes)):
        return True  # AF_UNIX: a path on this machine
    host = address[0] if isinstance(address, tuple) and address else address
    try:
        ip = ipaddress.ip_address(str(host).split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_loopback


def may_look_up(host: Any) -> bool:
    """True for a name lookup answered without the network: none, a literal IP, localhost."""
    if host is None:
        return True
    name = host.decode() if isinstance(host, bytes) else str(host)
    if name.lower().rstrip(".") in LOCAL_NAMES:
        return True
    try:
        ipaddress.ip_address(name.split("%", 1)[0])
    except ValueError:
        return False
    return True


class OffMachine:
    """Patches `socket` for one test; `attempts` lists what was refused."""

    def __init__(self) -> None:
        self.attempts: list[str] = []

    def guard_connect(self, connect: Callable[..., Any]) -> Callable[..., Any]:
        def guarded(sock: socket.socket, address: Any) -> Any:
            if not is_local(address):
                self.attempts.append(f"connect to {address!r}")
                raise ConnectionRefusedError(f"tests stay on loopback: not {address!r}")
            return connect(sock, address)
        return guarded

    def guard_lookup(self, lookup: Callable[..., Any]) -> Callable[..., Any]:
        def guarded(host: Any, *args: Any, **kwargs: Any) -> Any:
            if not may_look_up(host):
                self.attempts.append(f"name lookup of {host!r}")
                raise socket.gaierror(socket.EAI_NONAME, "tests never ask a real resolver")
            return lookup(host, *args, **kwargs)
        return guarded
