"""roadmap.yaml: every resource with a URL, in reading order, with its line, title and section."""

from __future__ import annotations

from bot.extract import Occurrence
from bot.model import Source
from bot.roadmap.load import RoadmapDocument, load_roadmap
from bot.roadmap.schema import placements


def occurrences(document: RoadmapDocument, file: str | None = None) -> list[Occurrence]:
    """One occurrence per placed resource with a URL (repeated links included)."""
    name = file or document.path
    found: list[Occurrence] = []
    for placement in placements(document.roadmap):
        resource = placement.resource
        if resource.url is None:
            continue
        source = Source(
            file=name,
            line=document.lines.get(resource.id),
            resource=resource.title,
            resource_id=resource.id,
            section=placement.heading,
        )
        found.append(Occurrence(resource.url, source))
    return found


def extract_roadmap(path: str) -> list[Occurrence]:
    """Load and validate the roadmap at `path` (raising its located `RoadmapError`), then
    list its links."""
    return occurrences(load_roadmap(path))
