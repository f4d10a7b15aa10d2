"""Markdown: inline, image, reference-definition, autolink, bare and raw-HTML links, with
their lines; nothing inside code spans or code blocks.

Parsing is markdown-it-py's CommonMark parser (already installed with rich): code spans,
fences, escapes, nested brackets and balanced parentheses in destinations follow the spec
instead of a hand-written approximation. Link destinations are kept as written: the
parser's URL normalisation (percent-encoding) and its link validation are switched off.
Reference-style links are reported once, at their definition, where the URL is written.
Bare URLs are found by an inline rule (as GFM's autolink extension does) so that emphasis
markers inside a URL (``/_next/``, ``?a_b``) cannot split it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from bot import collector
from bot.extract import Occurrence, line_of, usable_target
from bot.extract.html import extract_html
from bot.extract.markdown_plain import ODD_BREAKS, Run, cut, runs
from bot.extract.text import BARE_URL, trim_bare_url
from bot.model import Source

# The scheme just before a "://" in the pending text, as markdown-it's linkify rule finds it.
_SCHEME_BEFORE = re.compile(r"(?:^|[^a-z0-9.+-])(https?)$", re.IGNORECASE)


def _bare_url_rule(state: StateInline, silent: bool) -> bool:
    """Inline rule: at a "://" preceded by http(s), take a bare URL as a link."""
    pos = state.pos
    if state.linkLevel > 0 or not state.src.startswith("://", pos):
        return False
    match = _SCHEME_BEFORE.search(state.pending)
    if not match:
        return False
    scheme = match.group(1)
    found = BARE_URL.match(state.src, pos - len(scheme), state.posMax)
    url = trim_bare_url(found.group(0)) if found else ""
    if len(url) <= len(scheme) + 3:
        return False
    if not silent:
        state.pending = state.pending[: -len(scheme)]
        state.push("link_open", "a", 1).attrs = {"href": url}
        state.push("text", "", 0).content = url
        state.push("link_close", "a", -1)
    state.pos += len(url) - len(scheme)
    return True


def _may_hold_link(content: str) -> bool:
    """True when an inline run has a mark every link we report needs: "[" (links, images,
    references), "<" (autolinks, raw HTML) or "://" (bare URLs, see `_bare_url_rule`)."""
    return "[" in content or "<" in content or "://" in content


def _inline_where_links_may_be(state: StateCore) -> None:
    """Core rule in place of markdown-it's "inline": parse only the inline runs that can
    hold a link. The others (most prose, headings) keep their empty children: nothing found."""
    for token in state.tokens:
        if token.type == "inline" and _may_hold_link(token.content):
            token.children = []
            state.md.inline.parse(token.content, state.md, state.env, token.children)


# Options markdown-it reads with options.get(name, False) for every list item, blockquote and
# inline run. Absent, each read raises and catches a KeyError inside Mapping.get (about 7%
# of a parse); present with that same default, the parse is unchanged.
_ABSENT_OPTIONS = {"tasklists": False, "alerts": False, "strikethrough_single_tilde": False}


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"inline_definitions": True, "store_labels": True,
                                   **_ABSENT_OPTIONS})
    md.enable(["table", "strikethrough"])
    md.inline.ruler.before("linkify", "bare_url", _bare_url_rule)
    md.core.ruler.at("inline", _inline_where_links_may_be)
    md.normalizeLink = lambda url: url  # type: ignore[method-assign]  # keep URLs as written
    md.validateLink = lambda url: True  # type: ignore[method-assign]  # report every scheme
    return md


_MD = _parser()
_BREAKS = frozenset({"softbreak", "hardbreak"})


def parse_tokens(text: str) -> list[Token]:
    """markdown-it's tokens for `text`, parsed as `extract_markdown` parses it."""
    return _parse(_MD, text)


@dataclass
class _Walk:
    """Where we are in one inline run: its source lines, the current line, link nesting."""

    file: str
    lines: list[str]
    base: str | None
    first: int
    last: int
    line: int
    found: list[Occurrence] = field(default_factory=list)
    depth: int = 0
    pending: list[str | None] = field(default_factory=list)

    def add(self, raw: str | None) -> None:
        url = usable_target(raw, self.base) if raw is not None else None
        if url is not None and raw is not None:
            line = line_of(self.lines, raw.strip(), self.first, self.last, self.line)
            self.found.append(Occurrence(url, Source(self.file, line)))


def extract_markdown(text: str, file: str, base: str | None = None) -> list[Occurrence]:
    """Every link in Markdown `text` in document order, with 1-based lines. Plain sections
    are read line by line (`markdown_plain`), the others parsed together by markdown-it."""
    lines = text.splitlines()
    parts = [] if ODD_BREAKS.search(text) else runs(lines)
    if not any(run.plain for run in parts):
        return occurrences(_MD, text, file, base)
    parsed, rejoins = cut(parts)
    kept = [lines[at] for at in parsed] + (["#"] if len(parsed) in rejoins else [])
    tokens = _parse(_MD, "\n".join(kept))
    if not rejoins <= {token.map[0] for token in tokens
                       if token.type == "heading_open" and token.level == 0 and token.map}:
        return occurrences(_MD, text, file, base)  # a fence or HTML block reached over a cut
    return _in_order(parts, parsed, _found(tokens, kept, file, base), file, base)


def _in_order(parts: Sequence[Run], parsed: list[int],
              found: list[Occurrence], file: str, base: str | None) -> list[Occurrence]:
    """The runs' links in document order: plain runs' from their lines, the others' from
    markdown-it's `found` (lines counted in the parsed lines `parsed`, mapped back)."""
    merged: list[Occurrence] = []
    taken, position = 0, 0
    for run in parts:
        if run.plain:
            merged.extend(Occurrence(url, Source(file, at + 1))
                          for at, raw in run.links or ()
                          if (url := usable_target(raw, base)) is not None)
            continue
        position += run.end - run.start
        while taken < len(found) and (found[taken].source.line or 0) <= position:
            merged.append(_moved(found[taken], parsed))
            taken += 1
    merged.extend(_moved(occurrence, parsed) for occurrence in found[taken:])
    return merged


def _moved(occurrence: Occurrence, parsed: list[int]) -> Occurrence:
    line = occurrence.source.line
    if line is None or not 0 < line <= len(parsed):
        return occurrence
    return Occurrence(occurrence.url, replace(occurrence.source, line=parsed[line - 1] + 1))


def _parse(md: MarkdownIt, text: str) -> list[Token]:
    """md.parse(text) with the cyclic garbage collector paused: a long document makes tens
    of thousands of tokens, none of them garbage yet, that it would scan over and over."""
    with collector.paused():
        return md.parse(text)


def occurrences(md: MarkdownIt, text: str, file: str, base: str | None) -> list[Occurrence]:
    """`extract_markdown` with parser `md` on the whole text (tests compare `_MD` with
    markdown-it's own rules)."""
    return _found(_parse(md, text), text.splitlines(), file, base)


def _found(tokens: list[Token], lines: list[str], file: str, base: str | None
           ) -> list[Occurrence]:
    found: list[Occurrence] = []
    block_map = [0, 1]
    for token in tokens:
        block_map = token.map or block_map
        if token.type == "definition":
            walk = _Walk(file, lines, base, block_map[0], block_map[1] - 1, block_map[0])
            walk.add(str(token.meta["url"]))
            found.extend(walk.found)
        elif token.type == "html_block":
            found.extend(extract_html(token.content, file, base, line_offset=block_map[0]))
        elif token.type == "inline" and token.children:
            walk = _Walk(file, lines, base, block_map[0], block_map[1] - 1, block_map[0])
            _walk_inline(walk, token.children or [])
            found.extend(walk.found)
    return found


def _walk_inline(walk: _Walk, children: Sequence[Token]) -> None:
    for child in children:
        kind = child.type
        if kind in _BREAKS:
            walk.line += 1
        elif kind == "link_open":
            walk.depth += 1
            is_reference = "label" in child.meta  # reported at its definition
            walk.pending.append(None if is_reference else str(child.attrs.get("href", "")))
        elif kind == "link_close" and walk.pending:
            walk.depth -= 1
            walk.add(walk.pending.pop())  # the destination follows the text: this line
        elif kind == "image":
            walk.line += sum(1 for part in child.children or [] if part.type in _BREAKS)
            if "label" not in child.meta:
                walk.add(str(child.attrs.get("src", "")))
        elif kind == "html_inline":
            walk.found.extend(extract_html(child.content, walk.file, walk.base, walk.line))
            walk.line += child.content.count("\n")
