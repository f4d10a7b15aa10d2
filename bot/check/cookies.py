"""The run's cookie jar: what a page set is sent back to its own site on the next request,
as a browser would, so that cookie bounces (set a cookie, redirect back) end instead of
looping. Never anything from the environment, and never one site's cookie to another.

The rules (domain and path matching, expiry, Secure) are the standard library's
`http.cookiejar`, used by urllib and requests; both HTTP clients share one jar.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import http.cookiejar


class _SetCookieHeaders:
    """The part of a response `http.cookiejar` reads: its Set-Cookie headers."""

    def __init__(self, values: Sequence[str]) -> None:
        self._values = list(values)

    def info(self) -> _SetCookieHeaders:
        return self

    def get_all(self, name: str, default: list[str]) -> list[str]:
        return self._values if name.lower() == "set-cookie" else default


class Cookies:
    """Cookies set during the run, by site."""

    def __init__(self) -> None:
        # Built at the first Set-Cookie: a run whose pages set none never imports urllib's
        # request machinery (~15 ms).
        self._jar: http.cookiejar.CookieJar | None = None
        self._any = False  # asked before every request: the jar's own len() walks it all

    def __bool__(self) -> bool:
        return self._any

    def remember(self, url: str, set_cookie: Sequence[str]) -> None:
        """Keep the cookies of an answer from `url` (its Set-Cookie values)."""
        import http.cookiejar
        import urllib.request

        if self._jar is None:
            self._jar = http.cookiejar.CookieJar()
        self._jar.extract_cookies(_SetCookieHeaders(set_cookie),  # type: ignore[arg-type]
                                  urllib.request.Request(url))
        self._any = self._any or len(self._jar) > 0

    def header_for(self, url: str) -> str | None:
        """The Cookie header a request to `url` carries, or None."""
        if self._jar is None or not self._any:
            return None
        import urllib.request

        request = urllib.request.Request(url)
        self._jar.add_cookie_header(request)
        return request.get_header("Cookie")
