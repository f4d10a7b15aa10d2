"""A request's URL, split: the parts the clients send and pool by, read off a URL in the form
`bot.urls.normalize` writes (``scheme://host[:port]/path[?query]``, nothing to decode).
yarl parses any URL and spent ~5 us a link here, for answers these few string operations
give (held equal to yarl's by tests/check/test_target.py); aiohttp, which needs yarl's URL,
gets one (`url`) only when it is asked to send.
"""

from __future__ import annotations

from typing import NamedTuple

from yarl import URL

from bot import urls

# The ports connected to when a URL names none, as numbers (`bot.urls` keeps them as text).
DEFAULT_PORTS = {scheme: int(port) for scheme, port in urls.DEFAULT_PORTS.items()}


class Target(NamedTuple):
    """`text`, a normalised http(s) URL, as yarl's ``URL(text, encoded=True)`` reads it (a
    named tuple: a frozen dataclass takes three times as long to make, once per request)."""

    text: str
    scheme: str
    raw_host: str  # as written; an IPv6 literal without its brackets
    explicit_port: int | None
    raw_path_qs: str  # the request-target: path, and the query when there is one

    @classmethod
    def of(cls, normal: str) -> Target:
        """`normal` split; `ValueError` when it is not in normal form after all."""
        scheme, separator, rest = normal.partition("://")
        authority, slash, path_qs = rest.partition("/")
        if not separator or not slash or scheme not in DEFAULT_PORTS:
            raise ValueError(f"not a normalised http(s) URL: {normal!r}")
        if authority.startswith("["):
            literal, _, port_text = authority[1:].partition("]")
            host, port_text = literal, port_text.removeprefix(":")
        else:
            host, colon, port_text = authority.rpartition(":")
            if not colon:
                host, port_text = authority, ""
        path_qs = "/" + path_qs
        if path_qs.endswith("?") and path_qs.count("?") == 1:
            # An empty query is no query, as yarl reads it: not sent, nor named.
            path_qs, normal = path_qs[:-1], normal[:-1]
        return cls(normal, scheme, host, int(port_text) if port_text else None, path_qs)

    @property
    def port(self) -> int:
        """The port connected to: the explicit one, or the scheme's."""
        return self.explicit_port if self.explicit_port is not None else DEFAULT_PORTS[self.scheme]

    @property
    def host(self) -> str | None:
        """The host as a person reads it (IDNA decoded): for per-host rules, rarely asked."""
        return self.url().host

    def url(self) -> URL:
        return URL(self.text, encoded=True)

    def __str__(self) -> str:
        return self.text
