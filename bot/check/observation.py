"""What the engine saw of one URL (every request, the redirect chain, the final answer), and
the verdict the classifier draws from it. The engine fills `Observation`; `classify` is pure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from multidict import CIMultiDict, CIMultiDictProxy

from bot.model import Hop, Status
from bot.records import quick_init


class Failure(StrEnum):
    """Why a request got no usable HTTP answer (transport level, before any status code)."""

    DNS_NXDOMAIN = "dns_nxdomain"  # the name does not exist: proven gone
    DNS_TEMPORARY = "dns_temporary"  # resolver failure: inconclusive
    CONNECTION_REFUSED = "connection_refused"
    CONNECTION_RESET = "connection_reset"
    TIMEOUT = "timeout"
    TLS = "tls"
    INVALID_RESPONSE = "invalid_response"  # bad status line, huge headers, ...
    PRIVATE_ADDRESS = "private_address"  # refused by the address guard
    UNSUPPORTED_SCHEME = "unsupported_scheme"  # e.g. a redirect to file: or javascript:
    DEADLINE = "deadline"  # the run's deadline passed before this URL was done


# Header maps that look names up case-blind by str.lower(), as a dict of lowercased names does
# (multidict has since 4.x): what the engine hands over, so no such dict needs building.
CASE_BLIND_HEADERS = (CIMultiDictProxy, CIMultiDict)


def _empty() -> Mapping[str, str]:
    return MappingProxyType({})


@quick_init
@dataclass(frozen=True, slots=True)
class Exchange:
    """One request and what came back; retries and redirect hops each get their own."""

    method: str
    url: str
    status: int | None = None
    headers: Mapping[str, str] = field(default_factory=_empty)  # the headers that matter
    elapsed_ms: int = 0
    failure: Failure | None = None
    detail: str = ""  # e.g. the exception text, or "retry after 2.0 s"


@quick_init
@dataclass(frozen=True, slots=True)
class Observation:
    """Everything the engine learnt about one URL; input to `classify`."""

    url: str
    exchanges: tuple[Exchange, ...] = ()
    hops: tuple[Hop, ...] = ()  # redirects followed, in order (url requested, its 3xx status)
    final_url: str | None = None
    final_status: int | None = None
    final_headers: Mapping[str, str] = field(default_factory=_empty)
    body: bytes = b""  # a bounded prefix of the final body (decompressed)
    encoding: str | None = None
    failure: Failure | None = None  # set when the last attempt got no HTTP answer
    redirect_loop: bool = False
    too_many_redirects: bool = False
    attempts: int = 0
    elapsed_ms: int = 0

    def as_attempt(self, url: str, exchanges: tuple[Exchange, ...], attempts: int,
                   elapsed_ms: int) -> Observation:
        """This observation as the engine reports a link's last attempt (`dataclasses.replace`
        of these four fields, built directly: replace costs twice as much, once per link)."""
        return Observation(url, exchanges, self.hops, self.final_url, self.final_status,
                           self.final_headers, self.body, self.encoding, self.failure,
                           self.redirect_loop, self.too_many_redirects, attempts, elapsed_ms)


@quick_init
@dataclass(frozen=True, slots=True)
class Verdict:
    """A status and reason (contract vocabulary) and the named rule that decided them."""

    status: Status
    reason: str
    rule: str
    detail: str = ""
    # The page's app-shell fingerprint when it could be one and nothing was known about its
    # host: the engine's cue to probe the host and ask again (see app_shell.py).
    shell_print: str | None = None
