"""The head tags as `scrape` parses them with lxml alone read the same as through bs4 (which
it used before, over the same libxml2 parser), and the visible-text shortcut loses no label."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag
from bs4.element import NamespacedAttribute
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.freshness.scrape import Head, parse_head, scan, scrape_page
from bot.model import PageSnapshot

PIECES = [
    "<title>", "</title>", "<TITLE>Upper</TITLE>", "<title>a <b>x</b> &amp; y<!-- c --></title>",
    "<meta ", "<meta name=description content='D'>", '<meta name="Description" content="E">',
    '<meta property="og:title" content="x &amp; y">', "<meta name=a name=b content=c>",
    "<meta property=article:published_time content=2020-05-06>", ">", "'", '"', "<", "&",
    '<link rel="canonical  alternate" href="/c">', "<link rel=canonical href>",
    '<link rel=" CANONICAL" href=" https://e.org/x ">', "<link href=/only-href>",
    '<script type="application/ld+json">', '<script type="application/LD+json">', "</script>",
    '{"@type":"Article","datePublished":"2021-01-02"}', "<!--", "-->", "\x00", "\x07", "é",
    '<meta {"@type":"x"}property="og:url" content="u">', "<meta\x13name=date content=2020>",
]
markup = st.lists(st.sampled_from(PIECES) | st.text(max_size=8), max_size=30).map("".join)


def bs4_head(text: str) -> Head:
    """`Head` read through bs4, the way scrape.py read pages before."""
    soup = BeautifulSoup(text, "lxml")
    title = soup.title.get_text() if soup.title is not None else None
    scripts = soup.find_all("script", attrs={"type": "application/ld+json"})
    return Head(
        metas=tuple(_flat(tag.attrs) for tag in soup.find_all("meta")),
        links=tuple(_flat(tag.attrs) for tag in soup.find_all("link")),
        title=title,
        jsonld=tuple(tag.string or "" for tag in scripts if isinstance(tag, Tag)),
    )


def _flat(attributes: dict[str, Any]) -> dict[str, str]:
    # bs4 splits rel and class into lists; scrape splits them where it reads them.
    return {_name(name): " ".join(value) if isinstance(value, list) else value
            for name, value in attributes.items()}


def _name(name: Any) -> str:
    # An attribute libxml2 could not name reaches bs4 as a NamespacedAttribute whose prefix
    # and name are None (it prints as "None"), and scrape as "": nameless both ways.
    if isinstance(name, NamespacedAttribute) and name.prefix is None and name.name is None:
        return ""
    return str(name)


def _comparable(head: Head) -> Head:
    def words(attributes: Any) -> dict[str, str]:
        return {name: " ".join(value.split()) if name in ("rel", "class") else value
                for name, value in attributes.items()}
    return Head(tuple(map(words, head.metas)), tuple(map(words, head.links)), head.title,
                head.jsonld)


@pytest.mark.parametrize("text", [
    *PIECES,
    "".join(PIECES),
    '<meta charset=utf-8>\n<title>Simulated page /docs/page-0.html</title>',
    '<meta {"@type":"Article","datePublished":"2021-01-02"}>',  # found by the property test
    "",
    "   ",
])
def test_head_tags_read_as_bs4_read_them(text: str) -> None:
    assert _comparable(parse_head(text)) == _comparable(bs4_head(text))


@settings(max_examples=300, deadline=None)
@given(markup)
def test_any_scanned_page_reads_as_bs4_read_it(page: str) -> None:
    scanned = scan(page).markup
    assert _comparable(parse_head(scanned)) == _comparable(bs4_head(scanned))


def _dates(body: str) -> set[tuple[str, str]]:
    metadata = scrape_page(PageSnapshot("https://x.org", 200, {}, body.encode(), "utf-8"))
    return {(fact["date"], fact["source"]) for fact in metadata.get("dates", [])}


@pytest.mark.parametrize(
    ("body", "found"),
    [
        ("<p>Last updated 5 Jan 2023</p>", True),
        ("<p>LAST MODIFIED: 2 March 2025</p>", True),
        ("<p>Café — Last Updated 5 Jan 2023</p>", True),  # not ASCII: the regex decides
        ("<p>Café — Published 5 Jan 2023</p>", False),
        ("<p>Last modİfied: 5 Jan 2023</p>", True),  # case-blind matching takes İ for i
        ("<p>Last modıfied: 5 Jan 2023</p>", True),
        ("<p>Last &#117;pdated 5 Jan 2023</p>", True),  # the label spelt with an entity
        ("<p>Last up<b></b>dated 5 Jan 2023</p>", False),  # a tag splits the word
        ("<p>Published 5 Jan 2023</p>", False),
    ],
)
def test_last_updated_labels_with_and_without_the_shortcut(body: str, found: bool) -> None:
    assert (("2023-01-05", "text:last-updated") in _dates(body)
            or ("2025-03-02", "text:last-updated") in _dates(body)) is found
