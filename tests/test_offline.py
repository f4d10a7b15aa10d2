"""The guard that keeps every test on this machine (`tests/offline.py`, installed for each
test by `conftest.stays_on_this_machine`). Addresses below are data: nothing here sends a
packet past loopback, even if the guard were broken (0.0.0.0 reaches this host). The address
that must stay off the machine is 192.0.2.1 (TEST-NET-1, RFC 5737: documentation only,
routed nowhere), so not even a broken test could reach anyone with it."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from tests.offline import OffMachine, is_local, may_look_up


@pytest.mark.parametrize(
    ("address", "local"),
    [
        (("127.0.0.1", 80), True),
        (("127.0.0.5", 8080), True),
        (("::1", 80, 0, 0), True),
        (("::ffff:127.0.0.1", 80, 0, 0), True),
        ("/tmp/some.sock", True),
        (("192.0.2.1", 80), False),
        (("10.0.0.1", 80), False),
        (("0.0.0.0", 80), False),
        (("fe80::1%eth0", 80, 0, 0), False),
        (("example.org", 80), False),
    ],
)
def test_only_loopback_and_unix_sockets_are_local(address: Any, local: bool) -> None:
    assert is_local(address) is local


@pytest.mark.parametrize(
    ("host", "allowed"),
    [(None, True), ("127.0.0.1", True), ("::1", True), ("localhost", True),
     ("LOCALHOST.", True), (b"127.0.0.2", True), ("192.0.2.1", True),
     ("example.org", False), ("mixed.test", False), (b"github.com", False)],
)
def test_lookups_only_of_literals_and_localhost(host: Any, allowed: bool) -> None:
    assert may_look_up(host) is allowed


def test_a_refused_connection_never_reaches_the_socket() -> None:
    guard, reached = OffMachine(), []
    connect = guard.guard_connect(lambda sock, address: reached.append(address))
    connect(None, ("127.0.0.1", 9))
    with pytest.raises(ConnectionRefusedError):
        connect(None, ("192.0.2.1", 80))
    assert reached == [("127.0.0.1", 9)]
    assert guard.attempts == ["connect to ('192.0.2.1', 80)"]


def test_a_refused_lookup_never_reaches_the_resolver() -> None:
    guard, asked = OffMachine(), []
    lookup = guard.guard_lookup(lambda host, *rest: asked.append(host))
    lookup("127.0.0.1", 80)
    with pytest.raises(socket.gaierror):
        lookup("github.com", 443)
    assert asked == ["127.0.0.1"]
    assert guard.attempts == ["name lookup of 'github.com'"]


def test_every_test_runs_behind_the_guard(stays_on_this_machine: OffMachine) -> None:
    with socket.socket() as sock, pytest.raises(ConnectionRefusedError, match="loopback"):
        sock.connect(("0.0.0.0", 9))
    with pytest.raises(socket.gaierror):
        socket.getaddrinfo("roadmap-bot.example", 443)
    assert len(stays_on_this_machine.attempts) == 2
    stays_on_this_machine.attempts.clear()  # seen here; the fixture would fail the test
