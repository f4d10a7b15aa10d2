"""The standard library's cookie jar (`http.cookiejar`, as urllib and requests use it), made
to look at only the cookies a request's host could be sent.

The standard jar walks every cookie it holds on every request, twice (to find the ones to
send, then to drop expired ones): with cookies from 1,000 sites that is ~4 ms a request,
~40 s over a 10,000-link night. Here a request looks up only the domains that could match
its host (its own name and each parent domain, with and without the leading dot the jar
stores domain cookies under), and expired cookies are dropped once a minute; they are
never sent in between, as the jar's policy refuses them at every request. The rules stay the
standard jar's: tests/check/test_cookies.py holds this jar's Cookie headers to a plain one's.
"""

from __future__ import annotations

import http.cookiejar
import re
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator, Sequence

SWEEP_SECONDS = 60.0


class IndexedCookieJar(http.cookiejar.CookieJar):
    """`http.cookiejar.CookieJar` with lookups by the request's domains."""

    def __init__(self) -> None:
        super().__init__()
        self._next_sweep = 0.0

    def may_send_to(self, url: str) -> bool:
        """False when no cookie is stored under a domain a request to `url` could be sent:
        asked before every request, so no request object is built for most of them."""
        stored = self._cookies  # type: ignore[attr-defined]
        return any(domain in stored for domain in _domains_for(_request_host(url)))

    def _cookies_for_request(self, request: urllib.request.Request) -> list[http.cookiejar.Cookie]:
        cookies: list[http.cookiejar.Cookie] = []
        stored = self._cookies  # type: ignore[attr-defined]
        for domain in _domains_for(http.cookiejar.request_host(request)):  # type: ignore[attr-defined]
            if domain in stored:
                cookies.extend(self._cookies_for_domain(domain, request))  # type: ignore[attr-defined]
        return cookies

    def clear_expired_cookies(self) -> None:
        now = time.monotonic()
        if now >= self._next_sweep:
            self._next_sweep = now + SWEEP_SECONDS
            super().clear_expired_cookies()


def _request_host(url: str) -> str:
    """`http.cookiejar.request_host` of a request for `url`, without building the request."""
    netloc = urllib.parse.urlparse(url)[1]
    port: re.Pattern[str] = http.cookiejar.cut_port_re  # type: ignore[attr-defined]
    return port.sub("", netloc, 1).lower()


def _domains_for(host: str) -> Iterator[str]:
    # DefaultCookiePolicy.domain_return_ok passes a stored domain only when it, dotted, ends
    # the request host or its effective name (a dotless host + ".local", as eff_request_host
    # has it), dotted: each such domain is a run of the host's last labels, stored with or
    # without a leading dot.
    hosts = [host]
    if "." not in host and not http.cookiejar.IPV4_RE.search(host):  # type: ignore[attr-defined]
        hosts.append(host + ".local")
    seen: set[str] = set()
    for name in hosts:
        labels = name.split(".")
        for start in range(len(labels)):
            suffix = ".".join(labels[start:])
            for domain in (suffix, "." + suffix):
                if domain not in seen:
                    seen.add(domain)
                    yield domain


class _SetCookieHeaders:
    """The part of a response `http.cookiejar` reads: its Set-Cookie headers."""

    def __init__(self, values: Sequence[str]) -> None:
        self._values = list(values)

    def info(self) -> _SetCookieHeaders:
        return self

    def get_all(self, name: str, default: list[str]) -> list[str]:
        return self._values if name.lower() == "set-cookie" else default


def remember(jar: http.cookiejar.CookieJar, url: str, set_cookie: Sequence[str]) -> None:
    """Keep in `jar` the cookies an answer from `url` sets (its Set-Cookie values)."""
    jar.extract_cookies(_SetCookieHeaders(set_cookie),  # type: ignore[arg-type]
                        urllib.request.Request(url))


def header_for(jar: http.cookiejar.CookieJar, url: str) -> str | None:
    """The Cookie header `jar` gives a request to `url`, or None."""
    request = urllib.request.Request(url)
    jar.add_cookie_header(request)
    return request.get_header("Cookie")
