"""The one small interface every source of truth implements (roadmap.yaml, Markdown lists).

The stages downstream never learn which kind they got: the checker gets links, freshness gets
resources under headings, curation gets places and an editor that proves its edits.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from bot.curate.pipeline import Editable
from bot.freshness.assess import Spot
from bot.model import Link


class SourceOfTruth(Editable, Protocol):
    """Files a run keeps healthy: their links to check, their resources, their edits."""

    @property
    def paths(self) -> tuple[str, ...]:
        """The files read, as the report's `inputs` names them."""
        ...

    def links(self) -> list[Link]:
        """Every distinct URL with its sources (file, line, resource, id, section)."""
        ...

    def spots(self) -> Sequence[Spot]:
        """The resources whose freshness is assessed, each under its heading."""
        ...
