"""Property tests: URL helpers never crash, and normalisation is idempotent."""

from __future__ import annotations

import contextlib
import string

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.urls import (
    _ALREADY_NORMAL,
    InvalidURL,
    _normalized,
    _quote_char,
    _split_authority,
    host_key,
    is_http,
    normalize,
    quote_unsafe,
    resolve_redirect,
    same_site_home,
    split_normal,
    url_problem,
)
from tests.extract.strategies import urls

ANY_TEXT = st.text() | st.builds(
    lambda scheme, rest: f"{scheme}://{rest}", st.sampled_from(["http", "HTTPS", "ftp"]), st.text()
)
PROPERTY = settings(max_examples=200, deadline=None)


@PROPERTY
@given(ANY_TEXT)
def test_normalize_never_crashes_and_is_idempotent_on_any_text(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


@PROPERTY
@given(urls())
def test_normalize_is_idempotent_on_urls(url: str) -> None:
    once = normalize(url)
    assert normalize(once) == once


@PROPERTY
@given(urls(), st.sampled_from(["", "#frag", "#a b"]), st.sampled_from(["", "user:pw@", "u@"]))
def test_normalized_urls_are_requestable_ascii_without_secrets(
    url: str, fragment: str, userinfo: str
) -> None:
    scheme, rest = url.split("://", 1)
    normal = normalize(f"{scheme}://{userinfo}{rest}{fragment}")
    assert normal.isascii() and " " not in normal and "#" not in normal
    assert "pw@" not in normal and "u@" not in normal.split("/")[2]
    assert url_problem(normal) is None and is_http(normal)
    assert normalize(normal) == normal == normalize(url)


@PROPERTY
@given(ANY_TEXT, ANY_TEXT)
def test_helpers_never_crash(first: str, second: str) -> None:
    host_key(first)
    url_problem(first)
    is_http(first)
    same_site_home(first, second)
    with contextlib.suppress(InvalidURL):  # the one exception it may raise
        resolve_redirect(first, second)


# Mostly ASCII around the edges of the safe range, so both answers of the fast check show up.
EDGE_TEXT = st.text(st.characters(min_codepoint=0, max_codepoint=0x80)) | st.text()


@PROPERTY
@given(EDGE_TEXT)
def test_quote_unsafe_fast_check_equals_quoting_each_character(text: str) -> None:
    assert quote_unsafe(text) == "".join(_quote_char(ch) for ch in text)


@PROPERTY
@given(EDGE_TEXT | st.builds(lambda rest: f"h:{rest}", st.text(alphabet="/?ab:@", max_size=12)))
def test_split_authority_ends_at_the_first_slash_or_question_mark(rest: str) -> None:
    end = min((rest.find(stop) for stop in "/?" if stop in rest), default=len(rest))
    assert _split_authority(rest) == (rest[:end], rest[end:])


@PROPERTY
@given(ANY_TEXT | urls())
def test_cached_answers_equal_fresh_ones(text: str) -> None:
    for _ in range(2):  # the second call is answered from the cache
        assert normalize(text) == normalize.__wrapped__(text)
        assert split_normal(text) == split_normal.__wrapped__(text)


# URLs near the shape `normalize` hands back as written: each piece is either in normal form
# or one small step out of it (case, a default or zero-led port, a numeric host WHATWG
# rewrites, userinfo, a fragment, a character that needs quoting, no path).
NEAR_HOSTS = st.sampled_from([
    "example.com", "docs.example.org", "a-b.c-d.io", "x1.example", "127.0.0.2", "10.0.0.255",
    "255.255.255.255", "0.0.0.0", "Example.com", "127.1", "0x7f.0.0.1", "010.0.0.1",
    "1.2.3.256", "1.2.3.4a", "a.0x7f", "example.123", "exa_mple.com", "bücher.de", "a..b.com",
    "example.com.", "-lead.example",
])
NEAR_PORTS = st.sampled_from(["", ":8080", ":80", ":443", ":080", ":0", ":65536", ":"])
NEAR_TAILS = st.text(alphabet=string.printable + "é%#", max_size=16).map(lambda tail: "/" + tail)


@PROPERTY
@given(st.sampled_from(["http", "https", "HTTP", "ftp"]), st.sampled_from(["", "u:p@"]),
       NEAR_HOSTS, NEAR_PORTS, NEAR_TAILS | st.sampled_from(["", "?q=1", "#top"]))
def test_a_url_taken_as_written_is_what_the_whole_normalisation_gives(
    scheme: str, userinfo: str, host: str, port: str, tail: str
) -> None:
    url = f"{scheme}://{userinfo}{host}{port}{tail}"
    assert normalize(url) == _normalized(url)


def test_the_usual_links_are_taken_as_written() -> None:
    for url in ("https://github.com/kelseyhightower/kubernetes-the-hard-way",
                "http://127.0.0.2:59555/docs/page-0.html", "https://a.io/x?y=1&z=%20"):
        assert _ALREADY_NORMAL.fullmatch(url) and normalize(url) == url
    for url in ("http://example.com:80/", "HTTPS://a.io/", "https://a.io", "http://127.1/"):
        assert _ALREADY_NORMAL.fullmatch(url) is None or normalize(url) != url
