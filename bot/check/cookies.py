"""The run's cookies: what a page set is sent back to its own site on the next request, as a
browser would, so that cookie bounces (set a cookie, redirect back) end instead of looping.
Never anything from the environment, and never one site's cookie to another. Both HTTP
clients share one `Cookies`; the rules are the standard library's (`cookie_jar.py`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.urls import host_of

if TYPE_CHECKING:
    from bot.check.cookie_jar import IndexedCookieJar


def site_key(host: str) -> str:
    """What the hosts that may share a cookie have in common. A cookie is only ever set for
    the host that set it or a parent domain of two labels or more, and sent only to hosts
    under that domain: they share their last two labels. The one exception is the jar's own:
    it reads a dotless host as "host.local", so a dotless host may set a cookie for "local",
    which every host under .local is then sent; all of those share the key "local". A request
    whose host has no key among the setters' is sent no cookie, and asks the jar nothing."""
    labels = host.strip(".").split(".")
    if len(labels) == 1 or labels[-1] == "local":
        return "local"
    return ".".join(labels[-2:])


class Cookies:
    """Cookies set during the run. The jar is built at the first Set-Cookie: a run whose
    pages set none never imports urllib's request machinery (~15 ms)."""

    def __init__(self) -> None:
        self._jar: IndexedCookieJar | None = None
        self._setters: set[str] = set()  # `site_key`s of the hosts that set a cookie

    def __bool__(self) -> bool:
        return bool(self._setters)

    def remember(self, url: str, set_cookie: Sequence[str]) -> None:
        """Keep the cookies of an answer from `url` (its Set-Cookie values)."""
        from bot.check import cookie_jar

        if self._jar is None:
            self._jar = cookie_jar.IndexedCookieJar()
        cookie_jar.remember(self._jar, url, set_cookie)
        self._setters.add(site_key(host_of(url)))

    def header_for(self, url: str) -> str | None:
        """The Cookie header a request to `url` carries, or None."""
        if self._jar is None or site_key(host_of(url)) not in self._setters:
            return None
        from bot.check import cookie_jar

        return cookie_jar.header_for(self._jar, url)
