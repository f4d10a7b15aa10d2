"""Inputs -> distinct links: read each input by its kind, then group occurrences by URL."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from pathlib import PurePath
from types import MappingProxyType
from typing import TextIO, cast

from bot.errors import InputError
from bot.extract import Occurrence
from bot.model import Link, Source

STDIN = "-"
STDIN_NAME = "<stdin>"

TextExtractor = Callable[[str, str], list[Occurrence]]

# Input kinds by file suffix -> "module:function" of their extractor; anything else is read
# as plain text. Imported on first use: a Markdown run need not load markdown-it's neighbours
# (the roadmap's YAML and pydantic stack), nor a roadmap.yaml run markdown-it.
EXTRACTORS: Mapping[str, str] = MappingProxyType({
    ".md": "bot.extract.markdown:extract_markdown",
    ".markdown": "bot.extract.markdown:extract_markdown",
    ".html": "bot.extract.html:extract_html",
    ".htm": "bot.extract.html:extract_html",
})
TEXT_EXTRACTOR = "bot.extract.text:extract_text"
ROADMAP_EXTRACTOR = "bot.extract.roadmap:extract_roadmap"
ROADMAP_SUFFIXES = frozenset({".yaml", ".yml"})


def _load(target: str) -> Callable[..., list[Occurrence]]:
    module, _, name = target.partition(":")
    return cast(Callable[..., list[Occurrence]], getattr(importlib.import_module(module), name))


def extractor(suffix: str) -> TextExtractor:
    """The extractor of text with file suffix `suffix` (lower case, with its dot)."""
    return _load(EXTRACTORS.get(suffix, TEXT_EXTRACTOR))


def read_bytes(path: str) -> bytes:
    """The file's bytes; `InputError` naming the file when it cannot be read."""
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}", path) from exc


def read_input(path: str) -> str:
    """The text of an input file; `InputError` naming the file when it cannot be read.

    Markdown and text must be UTF-8 (a BOM is allowed); HTML that is not UTF-8 is read as
    Windows-1252-compatible Latin-1, which never fails and keeps every ASCII URL intact.
    """
    raw = read_bytes(path)
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
        return _load(TEXT_EXTRACTOR)(stdin.read(), STDIN_NAME)
    suffix = _suffix(path)
    if suffix in ROADMAP_SUFFIXES:
        return _load(ROADMAP_EXTRACTOR)(path)
    return extractor(suffix)(read_input(path), path)


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
