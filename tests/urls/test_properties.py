"""Property tests: URL helpers never crash, and normalisation is idempotent."""

from __future__ import annotations

import contextlib

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.urls import (
    InvalidURL,
    host_key,
    is_http,
    normalize,
    resolve_redirect,
    same_site_home,
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
