"""`Target`: a normalised URL split by string operations, held equal to yarl's reading of it
(which the clients used before) on the URLs people write, normalised."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from yarl import URL

from bot.check.target import Target
from bot.urls import normalize, url_problem
from tests.extract.strategies import urls

EDGES = [
    "http://example.com/", "https://example.com:8443/a?b=c", "http://127.0.0.2:59555/p.html",
    "http://[::1]:8080/x", "http://[2001:db8::1]/", "https://xn--bcher-kva.de/%C3%BC?q=%20",
    "http://a.io/?", "http://a.io/x?", "http://a.io/x?y?", "http://a.io/??", "http://a.io:81/",
    "https://a.io:443/", "http://a.io/a;b=c/d", "http://a.io//double", "http://a.io/%7E",
]


def same_as_yarl(text: str) -> None:
    target, parsed = Target.of(text), URL(text, encoded=True)
    assert (target.scheme, target.raw_host, target.explicit_port, target.port,
            target.raw_path_qs, str(target)) == (
        parsed.scheme, parsed.raw_host, parsed.explicit_port, parsed.port,
        parsed.raw_path_qs, str(parsed))
    assert target.host == parsed.host


@pytest.mark.parametrize("url", EDGES)
def test_edges_read_as_yarl_reads_them(url: str) -> None:
    normal = normalize(url)
    assert url_problem(normal) is None
    same_as_yarl(normal)


@settings(max_examples=300, deadline=None)
@given(urls(), st.sampled_from(["", "?", "?a=1", "?a?b", "#f"]))
def test_normalised_urls_read_as_yarl_reads_them(url: str, tail: str) -> None:
    normal = normalize(url + tail)
    if url_problem(normal) is None:  # only requestable URLs reach a client
        same_as_yarl(normal)


@pytest.mark.parametrize("text", ["example.com/", "ftp://a.io/", "http://a.io", "http:/a.io/"])
def test_what_is_not_a_normalised_http_url_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="not a normalised"):
        Target.of(text)
