"""roadmap.yaml against the upstream roadmap text: nothing lost, and the render reads like it."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from bot.roadmap.load import RoadmapDocument, load_roadmap
from bot.roadmap.render import render_roadmap
from bot.roadmap.schema import Kind, placements

ROOT = Path(__file__).resolve().parents[2]
UPSTREAM = (Path(__file__).parent / "data" / "upstream-README.md").read_text(encoding="utf-8")
LINK = re.compile(r"\]\((https?://[^)\s]+)\)")


@pytest.fixture(scope="module")
def document() -> RoadmapDocument:
    return load_roadmap(str(ROOT / "roadmap.yaml"))


def upstream_as_rendered(text: str) -> str:
    """Upstream with the deliberate differences applied; each one is listed with its reason."""
    lines = [line.rstrip() for line in text.splitlines()]
    # 1. Trailing spaces (section 5's description) are invisible in Markdown and lint noise.
    # 2. Blank lines are layout: the renderer puts exactly one blank line after a heading's
    #    description and after each bullet list, and none inside a list. Upstream is irregular
    #    (a blank line inside 1.1's list, two after section 5's, none before 5.6's list); the
    #    rendered Markdown looks the same on GitHub either way.
    lines = [line for line in lines if line]
    return "\n".join(lines) + "\n"


def without_blank_lines(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if line) + "\n"


def test_render_matches_upstream_but_for_listed_differences(document: RoadmapDocument) -> None:
    rendered = render_roadmap(document.roadmap)
    assert without_blank_lines(rendered) == upstream_as_rendered(UPSTREAM)


def test_render_keeps_blank_line_structure(document: RoadmapDocument) -> None:
    rendered = render_roadmap(document.roadmap)
    assert "\n\n\n" not in rendered
    assert rendered.startswith("# MLOps Roadmap 2024\n\n## 1. Programming\n")
    assert "- **Books:**\n  - _Designing Machine Learning Systems_ by Chip Huyen\n" in rendered


def test_every_upstream_link_occurrence_is_kept_in_order(document: RoadmapDocument) -> None:
    upstream_urls = LINK.findall(UPSTREAM)
    assert len(upstream_urls) == 45
    assert len(set(upstream_urls)) == 41
    yaml_urls = [p.resource.url for p in placements(document.roadmap) if p.resource.url]
    assert yaml_urls == upstream_urls  # same URLs, byte for byte, same order, repeats kept


def test_linkless_resources_are_resources(document: RoadmapDocument) -> None:
    linkless = {(p.resource.title, p.resource.kind): p.resource.authors
                for p in placements(document.roadmap) if p.resource.url is None}
    books = {title: authors for (title, kind), authors in linkless.items() if kind is Kind.BOOK}
    surnames = Counter(author.split()[-1] for authors in books.values() for author in authors)
    for name in ("Shotts", "Prosise", "Huyen", "Treveil", "Laster", "Skoulikari", "Brikman"):
        assert surnames[name] == 1, name
    assert ("MLflow", Kind.TOOL) in linkless
    assert ("DVC", Kind.TOOL) in linkless
    assert ("Python basics", Kind.TOPIC) in linkless


def test_editions_are_recorded(document: RoadmapDocument) -> None:
    editions = {p.resource.title: p.resource.edition for p in placements(document.roadmap)
                if "Edition" in p.resource.title}
    assert editions == {
        "Python Crash Course, 3rd Edition": 3,
        "The Linux Command Line, 2nd Edition": 2,
        "Terraform: Up and Running, 3rd Edition": 3,
    }


def test_every_resource_has_a_line_pointing_at_it(document: RoadmapDocument) -> None:
    lines = (ROOT / "roadmap.yaml").read_text(encoding="utf-8").splitlines()
    for placement in placements(document.roadmap):
        resource = placement.resource
        line = lines[document.lines[resource.id] - 1]
        expected = resource.url if resource.url else resource.id
        assert expected in line, (resource.id, line)


def test_readme_holds_the_current_render(document: RoadmapDocument) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert render_roadmap(document.roadmap) in readme
