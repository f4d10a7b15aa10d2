"""Choosing the source of truth for a run: roadmap.yaml, or Markdown lists, by the files."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePath

from bot.curate.settings import CurateSettings
from bot.errors import InputError
from bot.sources.interface import SourceOfTruth
from bot.sources.markdown import MARKDOWN_SUFFIXES, MarkdownSource
from bot.sources.roadmap import RoadmapSource

ROADMAP_SUFFIXES = (".yaml", ".yml")


def load_source(paths: Sequence[str], settings: CurateSettings) -> SourceOfTruth:
    """One roadmap.yaml, or any number of Markdown files; anything else is bad input."""
    suffixes = [PurePath(path).suffix.lower() for path in paths]
    if len(paths) == 1 and suffixes[0] in ROADMAP_SUFFIXES:
        return RoadmapSource.read(paths[0], settings)
    for path, suffix in zip(paths, suffixes, strict=True):
        if suffix not in MARKDOWN_SUFFIXES:
            raise InputError("a run reads one roadmap.yaml or Markdown files (.md), not both "
                             "nor other kinds", path)
    if not paths:
        raise InputError("no file to read")
    return MarkdownSource.read(paths)
