"""Markdown link occurrences with what identifies them across edits: the nearest heading above,
the link text, and where the URL is written (a reference link's URL is on its definition).

The same markdown-it parse as `extract.markdown` (URLs kept as written); this walk adds the
heading and the text that make a Markdown list's link a resource, known from night to night.
Pure: text in, records out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from markdown_it.token import Token

from bot.extract import line_of, usable_target
from bot.extract.html import extract_html
from bot.extract.markdown import parse_tokens

_BREAKS = frozenset({"softbreak", "hardbreak"})


class LinkForm(StrEnum):
    """How a link is written, which says where its URL bytes are."""

    INLINE = "inline"  # [text](URL), <URL> autolinks and bare URLs
    IMAGE = "image"  # ![alt](URL)
    REFERENCE = "reference"  # [text][label]: the URL is on the definition's line
    DEFINITION = "definition"  # [label]: URL that no link uses
    HTML = "html"  # <a href="URL"> and other raw HTML


@dataclass(frozen=True, slots=True)
class MarkdownLink:
    """One link as a reader sees it: its URL, the 1-based line where the URL is written, the
    nearest heading above it ('' before the first) and its text (an image's alt text)."""

    url: str
    line: int
    heading: str
    text: str
    form: LinkForm


def plain(text: str) -> str:
    return " ".join(text.split())


@dataclass
class _Walk:
    lines: list[str]
    definitions: dict[str, tuple[str, int]]  # label id -> (URL, line)
    heading: str = ""
    found: list[MarkdownLink] = field(default_factory=list)
    used: set[str] = field(default_factory=set)
    defined: list[tuple[Token, str]] = field(default_factory=list)  # definition, its heading

    def add(self, raw: str, line: int, text: str, form: LinkForm) -> None:
        url = usable_target(raw)
        if url is not None:
            self.found.append(MarkdownLink(url, line, self.heading, plain(text), form))


def _definitions(tokens: Sequence[Token], lines: list[str]) -> dict[str, tuple[str, int]]:
    found = {}
    for token in tokens:
        if token.type == "definition" and token.map:
            url = str(token.meta["url"])
            first, last = token.map[0], token.map[1] - 1
            found[str(token.meta["id"])] = (url, line_of(lines, url.strip(), first, last, first))
    return found


def markdown_links(text: str) -> list[MarkdownLink]:
    """Every link in document order; reference links once per use, at their definition."""
    lines = text.splitlines()
    tokens = parse_tokens(text)
    walk = _Walk(lines, _definitions(tokens, lines))
    block_map = [0, 1]
    pending_heading = False
    for token in tokens:
        block_map = token.map or block_map
        if token.type == "heading_open":
            pending_heading = True
        elif token.type == "inline" and pending_heading:
            walk.heading, pending_heading = plain(token.content), False
            _inline(walk, token.children or [], block_map)
        elif token.type == "inline":
            _inline(walk, token.children or [], block_map)
        elif token.type == "html_block":
            _html(walk, token.content, block_map[0])
        elif token.type == "definition":
            walk.defined.append((token, walk.heading))
    _unused_definitions(walk)  # a definition may come before the links that use it
    return walk.found


def _unused_definitions(walk: _Walk) -> None:
    for token, heading in walk.defined:
        label = str(token.meta["id"])
        if label not in walk.used:
            url, line = walk.definitions[label]
            walk.heading = heading
            walk.add(url, line, str(token.meta.get("label", label)), LinkForm.DEFINITION)


def _html(walk: _Walk, content: str, offset: int) -> None:
    for occurrence in extract_html(content, "", None, line_offset=offset):
        walk.add(occurrence.url, occurrence.source.line or offset + 1, "", LinkForm.HTML)


def _inline(walk: _Walk, children: Sequence[Token], block_map: list[int]) -> None:
    first, last = block_map[0], block_map[1] - 1
    line = first
    stack: list[tuple[Token, list[str], int]] = []  # open links: token, text parts, line
    for child in children:
        if child.type in _BREAKS:
            line += 1
            for _, parts, _ in stack:
                parts.append(" ")
        elif child.type == "link_open":
            stack.append((child, [], line))
        elif child.type == "link_close" and stack:
            opened, parts, _ = stack.pop()
            _link(walk, opened, "".join(parts), first, last, line)
        elif child.type == "image":
            alt = child.content
            for _, parts, _ in stack:
                parts.append(alt)
            walk.add(str(child.attrs.get("src", "")),
                     line_of(walk.lines, str(child.attrs.get("src", "")).strip(), first, last,
                             line), alt, LinkForm.IMAGE)
            line += sum(1 for part in child.children or [] if part.type in _BREAKS)
        elif child.type == "html_inline":
            _html(walk, child.content, line)
            line += child.content.count("\n")
        else:
            for _, parts, _ in stack:
                parts.append(child.content)


def _link(walk: _Walk, opened: Token, text: str, first: int, last: int, line: int) -> None:
    href = str(opened.attrs.get("href", ""))
    label = opened.meta.get("label") if opened.meta else None
    if label is not None and str(label) in walk.definitions:
        walk.used.add(str(label))
        url, where = walk.definitions[str(label)]
        walk.add(url, where, text, LinkForm.REFERENCE)
        return
    if opened.markup == "autolink":  # its text is the URL (markdown-it shows it decoded)
        text = href
    walk.add(href, line_of(walk.lines, href.strip(), first, last, line), text, LinkForm.INLINE)
