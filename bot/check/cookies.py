"""The run's cookies: what a page set is sent back to its own site on the next request, as a
browser would, so that cookie bounces (set a cookie, redirect back) end instead of looping.
Never anything from the environment, and never one site's cookie to another. Both HTTP
clients share one `Cookies`; the rules are the standard library's (`cookie_jar.py`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.check.cookie_jar import IndexedCookieJar


class Cookies:
    """Cookies set during the run. The jar is built at the first Set-Cookie: a run whose
    pages set none never imports urllib's request machinery (~15 ms)."""

    def __init__(self) -> None:
        self._jar: IndexedCookieJar | None = None

    def __bool__(self) -> bool:
        return self._jar is not None

    def remember(self, url: str, set_cookie: Sequence[str]) -> None:
        """Keep the cookies of an answer from `url` (its Set-Cookie values)."""
        from bot.check import cookie_jar

        if self._jar is None:
            self._jar = cookie_jar.IndexedCookieJar()
        cookie_jar.remember(self._jar, url, set_cookie)

    def header_for(self, url: str) -> str | None:
        """The Cookie header a request to `url` carries, or None."""
        if self._jar is None or not self._jar.may_send_to(url):
            return None
        from bot.check import cookie_jar

        return cookie_jar.header_for(self._jar, url)
