"""Inputs -> distinct links: read each input by its kind, then group occurrences by URL."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import PurePath
from types import MappingProxyType
from typing import TextIO

from bot.errors import InputError
from bot.extract import Occurrence
from bot.extract.html import extract_html
from bot.extract.markdown import extract_markdown
from bot.extract.roadmap import extract_roadmap
from bot.extract.text import extract_text
from bot.model import Link, Source

STDIN = "-"
STDIN_NAME = "<stdin>"

TextExtractor = Callable[[str, str], list[Occurrence]]

# Input kinds by file suffix; anything else is read as plain text.
EXTRACTORS: Mapping[str, TextExtractor] = MappingProxyType({
    ".md": extract_markdown,
    ".markdown": extract_markdown,
    ".html": extract_html,
    ".htm": extract_html,
})
ROADMAP_SUFFIXES = frozenset({".yaml", ".yml"})


def read_input(path: str) -> str:
    """The text of an input file; `InputError` naming the file when it cannot be read.

    Markdown and text must be UTF-8 (a BOM is allowed); HTML that is not UTF-8 is read as
    Windows-1252-compatible Latin-1, which never fails and keeps every ASCII URL intact.
    """
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}", path) from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if _suffix(path) in (".html", ".htm"):
            return raw.decode("latin-1")
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError("file is not valid UTF-8", path, line) from exc


def _suffix(path: str) -> str:
    return PurePath(path).suffix.lower()


def occurrences_of(path: str, stdin: TextIO | None = None) -> list[Occurrence]:
    """Every link occurrence in one input (a path, or "-" for `stdin`)."""
    if path == STDIN:
        if stdin is None:
            raise InputError("'-' given but no standard input is available", STDIN_NAME)
        return extract_text(stdin.read(), STDIN_NAME)
    suffix = _suffix(path)
    if suffix in ROADMAP_SUFFIXES:
        return extract_roadmap(path)
    return EXTRACTORS.get(suffix, extract_text)(read_input(path), path)


def group(found: Sequence[Occurrence]) -> list[Link]:
    """Distinct URLs in first-seen order, each with all its sources. URLs are keyed exactly
    as written (trimmed), not normalised: a fix must find the original text in the file."""
    sources: dict[str, list[Source]] = {}
    for occurrence in found:
        sources.setdefault(occurrence.url.strip(), []).append(occurrence.source)
    return [Link(url=url, sources=tuple(where)) for url, where in sources.items()]


def links_from_inputs(inputs: Sequence[str], stdin: TextIO | None = None) -> list[Link]:
    """The distinct links of all inputs, in order of first appearance."""
    found: list[Occurrence] = []
    for path in inputs:
        found.extend(occurrences_of(path, stdin))
    return group(found)
