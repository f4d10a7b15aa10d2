"""The Markdown parser's shortcuts find exactly what markdown-it's own rules find."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.rules_core import inline as full_inline

from bot.extract import Occurrence
from bot.extract.markdown import _ABSENT_OPTIONS, _parser, extract_markdown, occurrences
from tests.extract.test_properties import bare_markdown_documents, markdown_documents

PROPERTY = settings(max_examples=300, deadline=None)
SOUP = st.text(alphabet="[]()<>!`*_~#-|\\\n :/ahtps.\"'=&;", max_size=120)


def _reference() -> MarkdownIt:
    """Our parser with markdown-it's own inline rule (every inline run parsed) and without
    the options we set to their defaults."""
    md = _parser()
    md.core.ruler.at("inline", full_inline)
    for name in _ABSENT_OPTIONS:
        del md.options[name]
    return md


REFERENCE = _reference()


def _agree(text: str) -> list[Occurrence]:
    for base in ("https://base.example/dir/", None):  # with a base, relative targets count too
        found = extract_markdown(text, "f.md", base)
        assert found == occurrences(REFERENCE, text, "f.md", base)
    return found


@PROPERTY
@given(SOUP)
def test_shortcuts_agree_on_markup_soup(text: str) -> None:
    _agree(text)


@PROPERTY
@given(markdown_documents() | bare_markdown_documents())
def test_shortcuts_agree_on_documents(document: tuple[str, list[str]]) -> None:
    text, _ = document
    _agree(text)


@PROPERTY
@given(st.lists(st.sampled_from([
    "plain prose, no link", "# A heading", "[ref]: http://x.example/a", "see [ref] here",
    "<http://y.example/>", "go to https://z.example/p now", "<b>bold</b>", "![img](i.png)",
    "```", "    indented http://code.example/", "| a | b |", "|---|---|", "| [t](u.html) | c |",
    "- item", "> quote https://q.example/", "", "text\\", "`code [x](y)`",
    "- [ ] task [t](http://t.example/)", "> [!NOTE]", "~a~ ~~b~~ https://s.example/~x~",
    "<mailto:me@x.example>", '<a href="p.html">p</a>', "[rel](page.html)", "[r2]",
    "[r2]: other.html", "![alt](pic.png)", "* [x]",
]), max_size=14).map("\n".join))
def test_shortcuts_agree_on_mixed_blocks(text: str) -> None:
    _agree(text)


def test_runs_without_a_link_mark_are_not_parsed_yet_links_are_found() -> None:
    text = "# Title\n\nJust prose.\n\nA [link](https://a.example/) and <https://b.example/>.\n"
    found = _agree(text)
    assert [(item.url, item.source.line) for item in found] == [
        ("https://a.example/", 5), ("https://b.example/", 5)]
    tokens = _parser().parse(text)
    assert [bool(token.children) for token in tokens if token.type == "inline"] == [
        False, False, True]
