"""The scrape's shortcuts read every page exactly as the long way they skip: `read_head` as
`parse_head` (libxml2), `_labels` as `LAST_UPDATED.finditer`, the possessive `_REST` as the
backtracking regex it replaced, `_may_start_label` as reading every page's visible text for
labels; and `scrape_page` as a whole as with the long ways put back."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.freshness import scrape
from bot.freshness.scrape import (
    _INERT_META,
    _PLAIN_HEAD,
    LAST_UPDATED,
    Head,
    _folded,
    _labels,
    canonical_url,
    jsonld_dates,
    meta_dates,
    opengraph,
    page_title,
    parse_head,
    read_head,
    scan,
    scrape_page,
)
from bot.model import PageSnapshot

FIXTURES = Path(__file__).parent / "fixtures"
OLD_REST = re.compile(r"""(?:[^>"']|"[^"]*"|'[^']*')*>""")  # _REST before it was possessive
TITLE_CHARACTERS = "\t\n" + "".join(chr(c) for c in range(0x20, 0x7F) if chr(c) not in "&<")


def readings(head: Head) -> tuple[Any, ...]:
    """All that `scrape_page` reads of a Head."""
    og = opengraph(head)
    return (page_title(head, og), og, scrape._meta_content(head, "name", "description"),
            canonical_url(head, "https://x.org/p"), list(meta_dates(head)),
            list(jsonld_dates(head)))


# ---- read_head: inert <meta> tags and a plain <title> without libxml2 -----------------------

SPACE = st.sampled_from([" ", "\t", "\n", "  ", " \n\t"])
VALUE = st.one_of(st.from_regex(pattern, fullmatch=True)
                  for pattern in (r'"[ !#-~]*"', r"'[ -&(-~]*'", r"[!#-&(-;?-_a-~]+"))
NAME = st.from_regex(r"[A-Za-z][A-Za-z0-9_-]{0,10}", fullmatch=True) | st.sampled_from(
    ["charset", "http-equiv", "content", "name", "NAME", "Property", "itemprop", "names",
     "itemprops", "property-x", "xml-lang"])


@st.composite
def metas(draw: st.DrawFn) -> str:
    """<meta> tags in the fast path's grammar, some of them naming what a reader asks for."""
    text = ""
    for _ in range(draw(st.integers(0, 4))):
        text += draw(SPACE) + draw(NAME)
        if draw(st.booleans()):
            text += draw(SPACE | st.just("")) + "=" + draw(SPACE | st.just("")) + draw(VALUE)
    end = draw(st.sampled_from(["", " ", "/", " /"]))
    return f"<{draw(st.sampled_from(['meta', 'META', 'Meta']))}{text}{end}>"


titles = st.text(TITLE_CHARACTERS, max_size=20).map(lambda text: f"<title>{text}</title>")
OTHER_PARTS = [
    "<title>a &amp; b</title>", "<title>é</title>", "<title id=t>x</title>", "<TITLE>X</title>",
    "<title>a\x00b</title>", "<title>a\rb</title>", "<title>a\ud800b</title>",  # libxml2 changes
    '<meta name="description" content="D">', "<meta property=og:title content=T>",
    "<meta itemprop=datePublished content=2021-01-02>", '<link rel="canonical" href="/c">',
    '<script type="application/ld+json">{"@type":"Article","datePublished":"2021-01-02"}</script>',
    "<meta a=b\x00>", '<meta a="\x00">', "<meta a='\ud800'>", "<meta a=b/name=c>",
    '<meta a="b"name=c>', "<meta xml:name=c>", "<meta\x0cname=c>", "<meta-x name=c>", "",
]
parts = metas() | titles | st.sampled_from(OTHER_PARTS)


@pytest.mark.parametrize("character", TITLE_CHARACTERS)
def test_each_plain_title_character_reads_as_libxml2_reads_it(character: str) -> None:
    text = f"{character}a{character}{character}"
    markup = f'<meta charset="utf-8">\n<title>{text}</title>'
    assert read_head(markup) == Head(title=text)
    assert parse_head(markup).title == text


@settings(max_examples=400, deadline=None)
@given(st.lists(metas(), max_size=4), st.none() | titles, st.lists(metas(), max_size=4))
@example(["<meta name/>"], None, [])  # a bare attribute ends at "/" too
@example(["<meta charset=a ItemProp=b>"], "<title></title>", ["<meta Property>"])
def test_inert_metas_and_a_plain_title_read_as_libxml2_reads_them(
        before: list[str], title: str | None, after: list[str]) -> None:
    markup = "\n".join([*before, *([title] if title else []), *after])
    slow = parse_head(markup)
    assert readings(read_head(markup)) == readings(slow)
    if _PLAIN_HEAD.fullmatch(markup) and len(markup) <= scrape.MAX_PLAIN_HEAD:
        assert read_head(markup) == Head(title=slow.title)
        assert not slow.links and not slow.jsonld
        assert not any({"name", "property", "itemprop"} & meta.keys() for meta in slow.metas)


@settings(max_examples=400, deadline=None)
@given(st.lists(parts, max_size=6).map("\n".join))
def test_any_scanned_markup_reads_the_same_either_way(markup: str) -> None:
    assert readings(read_head(markup)) == readings(parse_head(markup))
    scanned = scan(markup).markup
    assert readings(read_head(scanned)) == readings(parse_head(scanned))


def test_the_grammar_takes_the_benchmark_page_and_leaves_what_readers_read() -> None:
    assert _PLAIN_HEAD.fullmatch(
        '<meta charset=utf-8>\n<title>Simulated page /docs/page-0.html</title>')
    for part in filter(None, OTHER_PARTS):
        assert not re.fullmatch(_INERT_META, part), part


# ---- _labels: "Last updated" without an ignore-case regex at every character ---------------

LABEL_PIECES = [
    "last", "LAST", "Last", "laſt", "updated", "UPDATED", "Update", "updat", "modified",
    "MODIFIED", "modİfied", "modıfied", "modif", "İ", "ı", "ſ", " ", "  ", "\t", "\n", "\xa0",
    "\u2003", ":", "-", "–", "—", "on", "at", "ON ", "x", "é", "_", "2024", "Jan 5, 2024", ".",
]


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(LABEL_PIECES) | st.text(max_size=3), max_size=25).map("".join),
       st.sampled_from([0, 1, 2, 3, scrape.MAX_LABEL_STARTS]), st.sampled_from([1, 2, 5, 7, 64]))
@example("Updated 2024, last updated 2025", 200, 64)  # an "updat" before a "last"
@example("last laſt updatedLast Updated", 200, 5)
def test_labels_are_the_ignore_case_regex_matches(text: str, regex_after: int, chunk: int) -> None:
    # Small chunks and an early hand-over to the regex, so that both are tried on short texts.
    with (patch.object(scrape, "MAX_LABEL_STARTS", regex_after),
          patch.object(scrape, "LABEL_CHUNK", chunk)):
        labels = [m.span() for m in _labels(text)]
    assert labels == [m.span() for m in LAST_UPDATED.finditer(text)]


@cache
def every_character() -> str:
    return "".join(map(chr, range(0x110000)))


@pytest.mark.parametrize("letter", sorted(set("lastupdat")))
def test_folding_keeps_every_place_and_meets_the_regex_on_every_letter(letter: str) -> None:
    assert len(_folded(every_character())) == len(every_character())
    for character in re.findall(letter, every_character(), re.IGNORECASE):
        assert _folded(character) == letter.encode()


# ---- _REST: possessive, one reading per tag -------------------------------------------------

@settings(max_examples=1000, deadline=None)
@given(st.text("ab =<>\"'\n", max_size=30), st.integers(0, 5), st.integers(0, 40))
def test_tag_ends_as_the_backtracking_regex_found_them(text: str, pos: int, size: int) -> None:
    new = scrape._REST.match(text, pos, pos + size)
    old = OLD_REST.match(text, pos, pos + size)
    assert (new and new.span()) == (old and old.span())


# ---- scrape_page: the same metadata as the long way -----------------------------------------

def long_way(snapshot: PageSnapshot) -> dict[str, Any]:
    with (patch.object(scrape, "read_head", parse_head),
          patch.object(scrape, "_labels", LAST_UPDATED.finditer),
          patch.object(scrape, "_REST", OLD_REST),
          patch.object(scrape, "_may_start_label", lambda unmarked: True)):
        return scrape_page(snapshot)


PAGE_PIECES = [
    *OTHER_PARTS, "<!doctype html>", "<html><head>", "</head><body>", "<p>", "</p>",
    "<meta charset=utf-8>", "<title>T</title>", "Last updated 5 Jan 2023", "LAST MODIFIED: ",
    "2 March 2025", "<time datetime='2024-01-01'>x</time>", "Updated on", "<script>", "</script>",
    "<!--", "-->", "&#117;pdated 2024-02-03", "&amp;", "modİfied", "<style>u{}</style>", "\n",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PAGE_PIECES) | st.text(max_size=6), max_size=20).map("".join),
       st.sampled_from(["utf-8", None]))
def test_generated_pages_scrape_as_the_long_way(page: str, encoding: str | None) -> None:
    snapshot = PageSnapshot("https://x.org/p", 200, {}, page.encode("utf-8", "replace"), encoding)
    assert scrape_page(snapshot) == long_way(snapshot)


@pytest.mark.parametrize("fixture", sorted(path.name for path in FIXTURES.glob("*.html")))
def test_fixtures_scrape_as_the_long_way(fixture: str) -> None:
    snapshot = PageSnapshot("https://x.org/p", 200, {}, (FIXTURES / fixture).read_bytes())
    assert scrape_page(snapshot) == long_way(snapshot)
