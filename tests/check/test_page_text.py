"""Reading titles, headings and visible text from HTML, including hostile markup."""

from __future__ import annotations

import re
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.check import page_text
from bot.check.classify import classify
from bot.check.observation import Observation
from bot.check.page_text import clean, element_texts, lower_ascii, one_line, title, visible_text
from bot.model import Status


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<html><head><TITLE lang=en>Page &amp; <b>Title</b>\n </TITLE>", "Page & Title"),
        ("<titles>no</titles><title>yes</title>", "yes"),
        ("<title>never closed", ""),
        ("", ""),
        ("<title>İstanbul Ünİ</title>", "İstanbul Ünİ"),  # lowercasing must not shift indexes
    ],
)
def test_title(html: str, expected: str) -> None:
    assert title(html) == expected


def test_first_headings_only() -> None:
    html = "<h1>One</h1><h10>no</h10><h1 class=x>Two <i>2</i></h1><h1>3</h1><h1>4</h1>"
    assert element_texts(html, "h1", 3) == ["One", "Two 2", "3"]


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<p>Hello <b>world</b></p>", "Hello world"),
        ("<script>var notFound = 'page not found';</script><p>Hi</p>", "Hi"),
        ("<style>p{}</style><!-- page not found --><noscript>x</noscript>ok", "ok"),
        ("<p>a &lt; b</p>", "a < b"),
        ("<script>never closed page not found", ""),
        ("<p>unclosed tag", "unclosed tag"),
    ],
)
def test_visible_text(html: str, expected: str) -> None:
    assert visible_text(html, 100) == expected


def test_visible_text_gives_up_on_long_pages() -> None:
    assert visible_text("<p>" + "word " * 100 + "</p>", 100) is None
    assert visible_text("<p>" + "word " * 10 + "</p>", 100) == ("word " * 10).strip()
    assert visible_text("<p>" + "word " * 10_000 + "</p>", 100) is None


def test_a_big_script_before_a_short_text_is_still_a_short_page() -> None:
    page = "<script>" + "var x = 1;" * 5_000 + "</script><h2>Not found</h2>"
    assert visible_text(page, 100) == "Not found"


def test_clean_caps_fragments() -> None:
    assert len(clean("x" * 10_000)) == 1000


HOSTILE = [
    "<script" * 40_000,
    "<title>" * 40_000,
    "<h1>" * 60_000,
    "<" * 250_000,
    "<!--" * 60_000,
    "<p " * 80_000,
    "the domain " + "a." * 100_000,
    "<meta charset=" * 20_000,
]


@pytest.mark.parametrize("body", HOSTILE, ids=[body[:12] for body in HOSTILE])
def test_hostile_bodies_are_classified_without_blowing_up(body: str) -> None:
    # Quadratic scanning would make each of these take minutes; linear takes milliseconds.
    observation = Observation(url="https://example.org/x", final_url="https://example.org/x",
                              final_status=200, body=body.encode())
    assert classify(observation).status is Status.OK


@pytest.mark.parametrize("charset", ["zlib", "rot13", "no-such-codec", "utf-7"])
def test_odd_charsets_never_crash(charset: str) -> None:
    observation = Observation(
        url="https://example.org/x", final_url="https://example.org/x", final_status=200,
        final_headers={"content-type": f"text/html; charset={charset}"},
        body=b"<title>Page not found</title>",
    )
    assert classify(observation).reason == "soft_404"


ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=())))
def test_lower_ascii_changes_only_ascii_capitals(text: str) -> None:
    assert lower_ascii(text) == text.translate(ASCII_LOWER)


@pytest.mark.parametrize("text", ["", "ABC<TITLE>", "İK\u212aſ\ud800É<H1>", "\x00\x7f\x80\uffff"])
def test_lower_ascii_keeps_every_other_character(text: str) -> None:
    assert lower_ascii(text) == text.translate(ASCII_LOWER)
    assert len(lower_ascii(text)) == len(text)


EVERY_CHARACTER = "".join(map(chr, range(sys.maxunicode + 1)))


def test_one_line_reads_whitespace_as_a_regex_does() -> None:
    # str.split() and regex \s both call Py_UNICODE_ISSPACE: the same characters, all of them.
    assert re.findall(r"\s", EVERY_CHARACTER) == [char for char in EVERY_CHARACTER
                                                  if char.isspace()]
    text = " \t\x1c a\u00a0b\u3000\n\u2028c  "
    assert one_line(text) == re.sub(r"\s+", " ", text).strip() == "a b c"


# What `_MARKUP` matched when it was written with lazy ".*?" (slow on long inline scripts):
# its possessive form must remove exactly the same markup.
_LAZY_MARKUP = re.compile(
    r"<!--.*?(?:-->|\Z)"
    r"|<(script|style|noscript|template)\b.*?(?:</\1\s*>|\Z)"
    r"|<[^>]*(?:>|\Z)",
    re.IGNORECASE | re.DOTALL,
)
_MARKUP_PIECES = st.sampled_from([
    "<", ">", "-", "!", "/", " ", "\n", "a", "S", "x", "é", "İ", "ſ", "ı", "--", "->", "</",
    "script", "SCRIPT", "style", "noscript", "template", "<!--", "-->", "<script>", "<style",
    "</script>", "</SCRIPT >", "</style\t>", "</scripts>", "<ſcript>", "</ſcript>",
    "</ScRiPt\n>", "<noſcript ", "<template>", "</template >",
])


@settings(max_examples=3000)
@given(st.lists(_MARKUP_PIECES, max_size=40).map("".join))
def test_markup_is_removed_as_the_lazy_pattern_removed_it(text: str) -> None:
    assert page_text._MARKUP.sub(" ", text) == _LAZY_MARKUP.sub(" ", text)


def test_a_long_inline_script_is_skipped_whole() -> None:
    page = "<head><script>" + "if (a<b) { x--; }" * 2000 + "</SCRIPT ><title>T</title></head>"
    assert page_text._MARKUP.sub(" ", page) == _LAZY_MARKUP.sub(" ", page) == "   T  "
