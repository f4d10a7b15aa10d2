"""Property tests: URL helpers never crash, and normalisation is idempotent."""

from __future__ import annotations

import contextlib

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.urls import (
    InvalidURL,
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
