"""Property tests: extraction never crashes, and finds exactly the links put in a document."""

from __future__ import annotations

import html
from collections.abc import Callable

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.extract.html import extract_html
from bot.extract.markdown import extract_markdown
from bot.extract.text import extract_text
from tests.extract.strategies import FILLER, bare_urls, urls

DECOY = "https://decoy.invalid/never"
# No deadline: the suite may share the machine; enough examples to matter, few enough to be fast.
PROPERTY = settings(max_examples=60, deadline=None)

# Markdown link forms; each takes (url, index) and gives a snippet.
MARKDOWN_FORMS: list[Callable[[str, int], str]] = [
    lambda url, i: f"[link {i}]({url})",
    lambda url, i: f'[link {i}]({url} "title {i}")',
    lambda url, i: f"![image {i}]({url})",
    lambda url, i: f"<{url}>",
    lambda url, i: f"\n\n[ref{i}]: {url}\n\n[used {i}][ref{i}]",
    lambda url, i: f'<a href="{html.escape(url)}">raw {i}</a>',
]
# Places a link must never be found in.
MARKDOWN_DECOYS = [f"`{DECOY}`", f"\n\n```\n[x]({DECOY})\n```\n\n", f"``[x]({DECOY})``"]

HTML_FORMS: list[Callable[[str, int], str]] = [
    lambda url, i: f'<a href="{html.escape(url)}">a {i}</a>',
    lambda url, i: f"<a class=x href='{html.escape(url)}'\n  title=t>a {i}</a>",
    lambda url, i: f'<img alt="i {i}" src="{html.escape(url)}">',
    lambda url, i: f'<iframe src="{html.escape(url)}"></iframe>',
    lambda url, i: f'<link rel="stylesheet" href="{html.escape(url)}"/>',
]
HTML_DECOYS = [f"<!-- <a href='{DECOY}'> -->", f"<script>var u = '<a href=\"{DECOY}\">';</script>",
               f"<p>{DECOY}</p>"]


def _document(draw: st.DrawFn, url_strategy: st.SearchStrategy[str],
              forms: list[Callable[[str, int], str]], decoys: list[str]) -> tuple[str, list[str]]:
    placed = draw(st.lists(st.tuples(url_strategy, st.integers(0, len(forms) - 1)), max_size=6))
    parts, expected = [], []
    for index, (url, form) in enumerate(placed):
        parts.extend([draw(FILLER), forms[form](url, index)])
        if draw(st.booleans()):
            parts.append(draw(st.sampled_from(decoys)))
        expected.append(url)
    parts.append(draw(FILLER))
    separators = draw(st.lists(st.sampled_from([" ", "\n", " \n"]), min_size=len(parts),
                               max_size=len(parts)))
    return "".join(part + sep for part, sep in zip(parts, separators, strict=True)), expected


@st.composite
def markdown_documents(draw: st.DrawFn) -> tuple[str, list[str]]:
    return _document(draw, urls(), MARKDOWN_FORMS, MARKDOWN_DECOYS)


@st.composite
def bare_markdown_documents(draw: st.DrawFn) -> tuple[str, list[str]]:
    return _document(draw, bare_urls(), [lambda url, i: url], MARKDOWN_DECOYS)


@st.composite
def html_documents(draw: st.DrawFn) -> tuple[str, list[str]]:
    return _document(draw, urls(), HTML_FORMS, HTML_DECOYS)


@st.composite
def text_documents(draw: st.DrawFn) -> tuple[str, list[str]]:
    return _document(draw, bare_urls(), [lambda url, i: url], ["see http:// here", "x://"])


def _found(occurrences: list) -> list[str]:  # type: ignore[type-arg]
    return sorted(occurrence.url for occurrence in occurrences)


@PROPERTY
@given(markdown_documents())
def test_markdown_finds_exactly_the_links_written(document: tuple[str, list[str]]) -> None:
    text, expected = document
    assert _found(extract_markdown(text, "doc.md")) == sorted(expected)


@PROPERTY
@given(bare_markdown_documents())
def test_markdown_finds_exactly_the_bare_urls_written(document: tuple[str, list[str]]) -> None:
    text, expected = document
    assert _found(extract_markdown(text, "doc.md")) == sorted(expected)


@PROPERTY
@given(html_documents())
def test_html_finds_exactly_the_links_written(document: tuple[str, list[str]]) -> None:
    text, expected = document
    assert _found(extract_html(text, "doc.html")) == sorted(expected)


@PROPERTY
@given(text_documents())
def test_text_finds_exactly_the_urls_written(document: tuple[str, list[str]]) -> None:
    text, expected = document
    assert _found(extract_text(text, "doc.txt")) == sorted(expected)


@PROPERTY
@given(markdown_documents())
def test_markdown_lines_hold_the_link(document: tuple[str, list[str]]) -> None:
    text, _ = document
    lines = text.splitlines()
    for occurrence in extract_markdown(text, "doc.md"):
        line = occurrence.source.line
        assert line is not None
        assert occurrence.url in lines[line - 1] or html.escape(occurrence.url) in lines[line - 1]


@PROPERTY
@given(st.text())
def test_extractors_never_crash_on_any_text(text: str) -> None:
    for extract in (extract_markdown, extract_html, extract_text):
        for occurrence in extract(text, "any"):
            assert occurrence.source.line is not None and occurrence.source.line >= 1


@PROPERTY
@given(st.text(alphabet="[]()<>!`*_#-\n :/ahtps.\"'=&;", max_size=80))
def test_extractors_never_crash_on_markup_soup(text: str) -> None:
    extract_markdown(text, "soup.md")
    extract_html(text, "soup.html")
