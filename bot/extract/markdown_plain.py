"""Markdown sections in which every line is a plain shape, read without a parser: a list of
links under a heading, the bulk of most link lists, costs a regular expression per line.

A section runs from an ATX heading line (``# ...`` at column 0) to the next; the lines before
the first heading are one more. A section is plain when every line is one of:

- blank (spaces only);
- its first line, an ATX heading: ``#`` to ``######``, a space, plain inline text;
- ``- ``, ``* `` or ``+ `` and plain inline text, or plain inline text alone, starting with
  a letter, ``[``, ``!``, ``(``, a quote, or a digit that does not begin ``1.`` or ``1)``.

Plain inline text is inline links and images ``[text](destination)`` and text with none of
``[ ] \\ ` < > |``, and no ``://`` outside destinations; a destination has no space, control
character, ``( ) < > [ ] \\ &``. In such a line nothing opens a construct that reaches
another line (code span, raw HTML, link text, fence, HTML block, indented code, table,
reference definition), so each link is a link on its own line whatever block holds the line,
and no line is another's setext underline or continues a definition.

The other sections go to markdown-it together, in order, so that reference definitions reach
across them. Where a plain section was taken out, markdown-it must see the next section's
heading, and a heading after the last, as top-level headings: then nothing (a fence, an HTML
block) was open that would have swallowed the plain section. `extract_markdown` checks that
and parses the whole text when it does not hold.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import groupby

# Characters after which markdown-it and str.splitlines() count lines differently, and NUL
# (which markdown-it replaces): a text holding one is parsed whole, as before.
ODD_BREAKS = re.compile("[\r\x00\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
HEADING = re.compile(r"#{1,6}(?:[ \t]|$)")

_TEXT = r"[^\[\]\\`<>|\x00-\x1f\x7f]"
_DESTINATION = r"[^\s()<>\[\]\\&\x00-\x1f\x7f]+"
LINK = re.compile(rf"!?\[({_TEXT}*)\]\(({_DESTINATION})\)")
_INLINE = rf"{_TEXT}*(?:\[{_TEXT}*\]\({_DESTINATION}\){_TEXT}*)*"  # "!" of an image: text
# A letter, "[", "!", "(", a quote, or a digit not starting an ordered list marker: what
# cannot open a block (heading, quote, list, rule, fence, HTML, code) in a paragraph's place.
_START = r"(?=[^\W\d_]|[\[!(\"']|\d(?!\d*[.)]))"
_HEADING_LINE = re.compile(rf"#{{1,6}}(?: {_INLINE})?")
_BODY_LINE = re.compile(rf" *|(?:[-*+] )?{_START}{_INLINE}")


@dataclass(frozen=True, slots=True)
class Run:
    """Consecutive sections, all plain or all not: lines `start` to `end` (0-based, end
    excluded); for a plain run, (0-based line, destination as written) of its links."""

    start: int
    end: int
    links: tuple[tuple[int, str], ...] | None  # None: not plain

    @property
    def plain(self) -> bool:
        return self.links is not None


def runs(lines: list[str]) -> list[Run]:
    """The text's sections, adjacent plain ones and adjacent others merged, in order."""
    starts = [0, *(at for at, line in enumerate(lines) if at and HEADING.match(line))]
    sections = [(start, end, plain_section(lines, start, end))
                for start, end in zip(starts, [*starts[1:], len(lines)], strict=True)]
    merged = []
    for plain, group in groupby(sections, key=lambda section: section[2] is not None):
        alike = list(group)
        links = tuple(link for *_, found in alike for link in found or ()) if plain else None
        merged.append(Run(alike[0][0], alike[-1][1], links))
    return merged


def plain_section(lines: list[str], start: int, end: int) -> list[tuple[int, str]] | None:
    """The links of lines `start`..`end` when they are a plain section, else None."""
    found: list[tuple[int, str]] = []
    for at in range(start, end):
        shape = _HEADING_LINE if at == start and HEADING.match(lines[at]) else _BODY_LINE
        destinations = _plain_line(lines[at], shape)
        if destinations is None:
            return None
        found.extend((at, destination) for destination in destinations)
    return found


def _plain_line(line: str, shape: re.Pattern[str]) -> list[str] | None:
    """The destinations of a plain line's links, None when the line is not plain."""
    if not shape.fullmatch(line):
        return None
    destinations = [destination for _, destination in LINK.findall(line)]
    # "://" outside a destination is a bare URL (or a link markdown-it's rules may find).
    if "://" in line and line.count("://") != sum(d.count("://") for d in destinations):
        return None
    return destinations


def cut(parts: list[Run]) -> tuple[list[int], set[int]]:
    """The lines left for markdown-it (0-based, in order) once plain runs are taken out, and
    the positions among them that must be top-level headings: the first line after each cut
    and, when the text ends with a plain run, one more (a heading line put after them)."""
    parsed: list[int] = []
    rejoins: set[int] = set()
    for at, run in enumerate(parts):
        if not run.plain:
            if at:
                rejoins.add(len(parsed))
            parsed.extend(range(run.start, run.end))
    if parts and parts[-1].plain and parsed:
        rejoins.add(len(parsed))
    return parsed, rejoins
