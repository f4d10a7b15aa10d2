"""roadmap.yaml as a source of truth: its resources, and edits that re-render README.md."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.curate.model import Fix
from bot.curate.pipeline import Texts
from bot.curate.settings import CurateSettings
from bot.extract.collect import links_from_inputs
from bot.freshness.assess import Spot
from bot.model import Link
from bot.roadmap.load import load_roadmap
from bot.roadmap.schema import placements


def _read_optional(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except OSError:
        return None


@dataclass(frozen=True, slots=True)
class RoadmapSource:
    """One roadmap.yaml (read where it is) and the README rendered from it."""

    path: str
    texts: Texts

    @classmethod
    def read(cls, path: str, settings: CurateSettings) -> RoadmapSource:
        readme = os.path.join(os.path.dirname(path), os.path.basename(settings.readme_path))
        return cls(path, Texts(_read_optional(path), _read_optional(readme),
                               settings.roadmap_path, settings.readme_path))

    @property
    def paths(self) -> tuple[str, ...]:
        return (self.path,)

    def links(self) -> list[Link]:
        return links_from_inputs([self.path])

    def spots(self) -> Sequence[Spot]:
        return list(placements(load_roadmap(self.path).roadmap))

    def owns(self, file: str) -> bool:
        return self.texts.owns(file)

    def resource_lines(self) -> Mapping[str, int]:
        return self.texts.resource_lines()

    def resource_files(self) -> Mapping[str, str]:
        return self.texts.resource_files()

    def edit(self, fixes: tuple[Fix, ...]) -> tuple[tuple[Fix, ...], dict[str, str]]:
        return self.texts.edit(fixes)
