"""The run's cookie jar sends exactly what the standard library's jar sends (its rules:
domain and path matching, expiry, Secure, deletion), while looking only at the domains a
request could be sent cookies from."""

from __future__ import annotations

import http.cookiejar

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.check import cookie_jar
from bot.check.cookies import Cookies

HOSTS = ["a.test", "b.a.test", "c.b.a.test", "other.test", "x.co.uk", "y.x.co.uk",
         "localhost", "otherhost", "127.0.0.2", "127.0.0.3", "z.local", "q.z.local"]
DOMAINS = ["a.test", ".a.test", "b.a.test", "test", ".test", "x.co.uk", "co.uk", "local",
           ".local", "z.local", "127.0.0.2", "localhost"]
PATHS = ["/", "/docs", "/docs/page", "/blog/"]

SET_COOKIE = st.builds(
    lambda name, value, domain, path, age, secure: "; ".join(
        part for part in (f"{name}={value}", domain and f"Domain={domain}",
                          path and f"Path={path}", age and f"Max-Age={age}",
                          "Secure" if secure else "") if part),
    st.sampled_from(["s", "t", "u"]), st.integers(0, 9).map(str),
    st.none() | st.sampled_from(DOMAINS), st.none() | st.sampled_from(PATHS),
    st.none() | st.sampled_from(["0", "100"]), st.booleans(),
)
URLS = st.builds(lambda scheme, host, path: f"{scheme}://{host}{path}",
                 st.sampled_from(["http", "https"]), st.sampled_from(HOSTS),
                 st.sampled_from(PATHS))


@settings(max_examples=500)
@given(st.lists(st.tuples(URLS, st.lists(SET_COOKIE, min_size=1, max_size=3)), max_size=8),
       st.lists(URLS, min_size=1, max_size=6))
def test_the_same_cookie_header_as_the_standard_jar(
    answers: list[tuple[str, list[str]]], requests: list[str]
) -> None:
    ours, plain = Cookies(), http.cookiejar.CookieJar()
    for url, set_cookie in answers:
        ours.remember(url, set_cookie)
        cookie_jar.remember(plain, url, set_cookie)
    for url in requests:
        assert sent(ours.header_for(url)) == sent(cookie_jar.header_for(plain, url)), url


def sent(header: str | None) -> list[str]:
    # Both jars list longer paths first; among cookies of one path length the order is left
    # open (RFC 6265, 5.4), and the standard jar's follows the order it first met domains.
    return sorted((header or "").split("; "))


def test_a_parent_domain_cookie_reaches_a_sibling_host_and_no_other_site() -> None:
    cookies = Cookies()
    cookies.remember("https://www.a.test/login", ["session=1; Domain=a.test; Path=/"])
    assert cookies.header_for("https://docs.a.test/x") == "session=1"
    assert cookies.header_for("https://a.test.other.test/x") is None
    assert cookies.header_for("https://nota.test/x") is None
