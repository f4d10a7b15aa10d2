"""Table-driven tests of the URL helpers."""

from __future__ import annotations

import pytest

from bot.urls import (
    InvalidURL,
    front_page_layout,
    host_key,
    is_deep,
    is_home_page,
    is_http,
    normalize,
    resolve_redirect,
    same_site,
    same_site_home,
    url_problem,
)

MLOPS = (
    "https://mlops.community/how-to-configure-vs-code-for-ai-ml-and-mlops-development-in-"
    "python-🛠%EF%B8%8F%EF%B8%8F/"
)

NORMALIZE = [
    ("HTTPS://Example.ORG/Path", "https://example.org/Path"),
    ("https://user:secret@example.org/a", "https://example.org/a"),
    ("https://example.org/a#section", "https://example.org/a"),
    ("http://example.org:80/a", "http://example.org/a"),
    ("https://example.org:443/a", "https://example.org/a"),
    ("https://example.org:8443/a", "https://example.org:8443/a"),
    ("http://example.org:443/a", "http://example.org:443/a"),
    ("https://example.org", "https://example.org/"),
    ("https://example.org?q=1", "https://example.org/?q=1"),
    ("https://example.org/a b", "https://example.org/a%20b"),
    ("https://example.org/a%20b", "https://example.org/a%20b"),
    ("https://example.org/%7euser/%zz", "https://example.org/%7euser/%zz"),
    ("https://example.org/ü?q=ä", "https://example.org/%C3%BC?q=%C3%A4"),
    ("https://bücher.example/", "https://xn--bcher-kva.example/"),
    ("https://BÜCHER.example/", "https://xn--bcher-kva.example/"),
    ("  https://example.org/a  ", "https://example.org/a"),
    ("https://example.org/a\n/b", "https://example.org/a/b"),
    ("https://example.org/a/../b/./c?x=1&y=2;z", "https://example.org/a/../b/./c?x=1&y=2;z"),
    ("https://example.org/a?", "https://example.org/a?"),
    ("http://[::1]:80/x", "http://[::1]/x"),
    ("http://[2001:DB8::1]:8080/x", "http://[2001:db8::1]:8080/x"),
    ("MAILTO:Someone@Example.org", "mailto:Someone@Example.org"),
    ("ftp://Example.org/A", "ftp://Example.org/A"),
    ("not a url", "not a url"),
    ("", ""),
    (
        MLOPS,
        "https://mlops.community/how-to-configure-vs-code-for-ai-ml-and-mlops-development-in-"
        "python-%F0%9F%9B%A0%EF%B8%8F%EF%B8%8F/",
    ),
]


@pytest.mark.parametrize(("url", "expected"), NORMALIZE)
def test_normalize(url: str, expected: str) -> None:
    assert normalize(url) == expected
    assert normalize(expected) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://Example.org:443/a", "example.org"),
        ("http://example.org:8080/a", "example.org:8080"),
        ("https://u:p@www.example.org/", "www.example.org"),
        ("mailto:a@b.c", ""),
    ],
)
def test_host_key(url: str, expected: str) -> None:
    assert host_key(url) == expected


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://example.org/a", None),
        (MLOPS, None),
        ("mailto:a@b.c", "unsupported scheme 'mailto'"),
        ("example.org/a", "unsupported scheme 'missing'"),
        ("https:///a", "URL has no host"),
        ("https://example.org:99999/", "invalid port '99999'"),
        ("https://example.org:abc/", "invalid port 'abc'"),
        ("https://exa mple.org/", "invalid host 'exa mple.org'"),
        ("http://[::1/x", "invalid IPv6 literal '[::1'"),
    ],
)
def test_url_problem(url: str, problem: str | None) -> None:
    assert url_problem(url) == problem


@pytest.mark.parametrize("char", list(" %<>\\^|\"'`{}"))
def test_a_host_with_a_forbidden_character_cannot_be_requested(char: str) -> None:
    assert url_problem(f"https://exa{char}mple.org/") == f"invalid host {f'exa{char}mple.org'!r}"


@pytest.mark.parametrize(
    ("url", "expected"),
    [("https://a.example/", True), ("HTTP://a.example", True), ("https:///x", False),
     ("ftp://a.example/", False), ("a.example/x", False)],
)
def test_is_http(url: str, expected: bool) -> None:
    assert is_http(url) is expected


@pytest.mark.parametrize(
    ("url", "home", "deep"),
    [
        ("https://example.org", True, False),
        ("https://example.org/", True, False),
        ("https://example.org/index.html", True, False),
        ("https://example.org/en/", True, False),
        ("https://example.org/en-us", True, False),
        ("https://example.org/?utm_source=x", False, False),
        ("https://example.org/blog/post-1", False, True),
        ("https://example.org/docs", False, True),
        # two-letter paths that are real pages, not language front pages
        ("https://example.org/ml", False, True),
        ("https://example.org/ok/", False, True),
        ("https://example.org/ai", False, True),
    ],
)
def test_home_and_deep(url: str, home: bool, deep: bool) -> None:
    assert is_home_page(url) is home
    assert is_deep(url) is deep


@pytest.mark.parametrize(
    ("original", "final", "expected"),
    [
        ("https://example.org/old/post", "https://example.org/", True),
        ("https://example.org/old/post", "https://www.example.org/", True),
        ("http://blog.example.org/old", "https://example.org/en/", True),
        ("https://example.org/old/post", "https://other.org/", False),
        ("https://example.org/old/post", "https://example.org/new/post", False),
        ("https://example.org/?ref=x", "https://example.org/", False),
        ("https://example.org/", "https://example.org/", False),
        ("https://example.org/courses/mlops", "https://example.org/ml", False),
        ("https://example.org/courses/a", "https://example.org/ok", False),
    ],
)
def test_same_site_home(original: str, final: str, expected: bool) -> None:
    assert same_site_home(original, final) is expected


def test_same_site_ignores_www_but_not_other_sites() -> None:
    assert same_site("https://www.example.org/a", "https://example.org/b")
    assert not same_site("https://example.org/a", "https://notexample.org/b")


@pytest.mark.parametrize(
    ("base", "location", "expected"),
    [
        ("https://a.example/x/y", "/z", "https://a.example/z"),
        ("https://a.example/x/y", "z", "https://a.example/x/z"),
        ("https://a.example/x/y", "//b.example/q", "https://b.example/q"),
        ("http://a.example/x", "https://b.example/", "https://b.example/"),
        ("https://a.example/x#frag", "/y", "https://a.example/y#frag"),
        ("https://a.example/x#frag", "/y#other", "https://a.example/y#other"),
        ("https://a.example/x", "  /y ", "https://a.example/y"),
    ],
)
def test_resolve_redirect(base: str, location: str, expected: str) -> None:
    assert resolve_redirect(base, location) == expected


@pytest.mark.parametrize("location", ["", "   ", "http://[::1/"])
def test_resolve_redirect_refuses_unusable_locations(location: str) -> None:
    with pytest.raises(InvalidURL):
        resolve_redirect("https://a.example/", location)


@pytest.mark.parametrize(
    ("original", "target", "layout"),
    [
        ("https://mlcourse.ai/", "https://mlcourse.ai/book/index.html", True),
        ("https://docs.example.org/", "https://docs.example.org/en/latest/", True),
        ("https://example.org", "https://www.example.org/start", True),
        ("https://example.org/", "https://example.org/?lang=en", True),
        ("https://example.org/", "https://other.org/book/", False),  # moved to another site
        ("http://example.org/", "https://example.org/", False),  # https upgrade: a real fix
        ("https://example.org/", "https://www.example.org/", False),  # the host's new spelling
        ("https://example.org/old", "https://example.org/new", False),  # not a front page
    ],
)
def test_a_front_page_leading_into_its_own_site_is_layout(original: str, target: str,
                                                          layout: bool) -> None:
    assert front_page_layout(original, target) is layout
