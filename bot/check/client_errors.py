"""The HTTP clients' failures as exceptions: raised by the wire client, and by the aiohttp
session once `bot.check.session` has turned aiohttp's own exceptions into these, so that
`bot.check.http.translate` reads a failure the same way from either client, and the wire
path never imports aiohttp.

Each is a subclass of the built-in exception it is a kind of (OSError, ConnectionError,
ValueError), so code that only knows the built-ins still catches it.
"""

from __future__ import annotations


class ConnectFailed(OSError):
    """No connection could be opened to host:port; the operating system's reason is
    `os_error`. The text is the one aiohttp's connector writes, so `explain` reads alike."""

    def __init__(self, host: str, port: int | None, tls: bool, os_error: OSError) -> None:
        super().__init__(os_error.errno, os_error.strerror)
        self.host, self.port, self.tls, self.os_error = host, port, tls, os_error

    def __str__(self) -> str:
        reason = self.os_error.strerror or str(self.os_error)
        return (f"Cannot connect to host {self.host}:{self.port} "
                f"ssl:{'default' if self.tls else False} [{reason}]")


class NameNotResolved(ConnectFailed):
    """The host's name did not resolve, or only to addresses the guard refuses."""


class TlsFailed(ConnectFailed):
    """The TLS handshake failed: an untrusted certificate, or a protocol error."""


class Disconnected(ConnectionError):
    """The server closed the connection before its answer's head ended."""

    def __init__(self, message: str = "Server disconnected") -> None:
        super().__init__(message)


class BodyCutShort(ConnectionError):
    """The answer's body ended before the length its head announced."""

    def __init__(self, message: str = "Response payload is not completed") -> None:
        super().__init__(message)


class BadAnswer(ValueError):
    """An answer that cannot be read as HTTP/1.1 (a head past its limits, an upgrade)."""
