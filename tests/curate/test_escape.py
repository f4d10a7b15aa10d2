"""Untrusted text stays inert: no mentions, references, images, HTML, links; capped."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.curate.escape import TEXT_LIMIT, code, inline, link, safe_url

ZWSP = "\u200b"


@pytest.mark.parametrize(
    ("hostile", "must_not_contain"),
    [
        ("ping @octocat now", "@octocat"),
        ("see #123", "#123"),
        ("see other/repo#1", "repo#1"),
        ("GH-42 fixed", "GH-42"),
        ("![pwn](https://evil.test/x.png)", "!["),
        ("[click](https://evil.test)", "](https"),
        ("<img src=x onerror=alert(1)>", "<img"),
        ("<script>alert(1)</script>", "<script"),
        ("visit https://evil.test now", "https://evil"),
        ("visit www.evil.test now", "www.evil"),
        ("mail a@evil.test", "a@evil"),
        ("line1\n# Heading\n- item", "\n"),
        ("&#64;octocat", "&#64;"),
        ("rtl \u202etxet", "\u202e"),
    ],
)
def test_inline_neutralises(hostile: str, must_not_contain: str) -> None:
    assert must_not_contain not in inline(hostile)


def test_inline_is_capped() -> None:
    assert len(inline("a" * 10_000)) <= TEXT_LIMIT


def test_inline_keeps_plain_words_readable() -> None:
    assert inline("Python Crash Course, 3rd Edition") == "Python Crash Course, 3rd Edition"


@given(st.text(max_size=400))
def test_inline_never_produces_active_markup(text: str) -> None:
    out = inline(text)
    assert "\n" not in out and len(out) <= 2 * TEXT_LIMIT + 10
    assert not re.search(r"(?<!\\)[\[!`]|<", out.replace(ZWSP, ""))  # every opener escaped
    assert not re.search(r"@[A-Za-z0-9]", out) and not re.search(r"#[0-9]", out)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://ok.test/a b", "https://ok.test/a%20b"),
        ("https://ok.test/a)(b", "https://ok.test/a%29%28b"),
        ("javascript:alert(1)", None),
        ("data:text/html,x", None),
    ],
)
def test_safe_url(url: str, expected: str | None) -> None:
    assert safe_url(url) == expected


def test_link_with_hostile_url_is_plain_text() -> None:
    assert link("x", "javascript:alert(1)") == "x"


def test_code_span_cannot_be_closed_or_break_a_table() -> None:
    assert code("https://e.test/`x`|y") == "`https://e.test/%60x%60%7Cy`"
