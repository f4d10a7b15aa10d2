"""Rendering the roadmap to Markdown in upstream's style, and splicing it into README.md."""

from __future__ import annotations

from collections.abc import Iterable

from bot.errors import InputError
from bot.roadmap.schema import Emphasis, Item, Layout, Resource, Roadmap, Section, Subsection

START_MARKER = "<!-- roadmap:start: rendered from roadmap.yaml by `roadmap-bot render` -->"
END_MARKER = "<!-- roadmap:end -->"

_EMPHASIS_MARK = {Emphasis.NONE: "", Emphasis.ITALIC: "_", Emphasis.BOLD: "**"}


def join_names(names: Iterable[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def render_resource(resource: Resource) -> str:
    mark = _EMPHASIS_MARK[resource.effective_emphasis]
    shown = f"{mark}{resource.display or resource.title}{mark}"
    text = f"[{shown}]({resource.url})" if resource.url else shown
    if resource.authors:
        text += f" by {join_names(resource.authors)}"
    return text


def render_item(item: Item) -> list[str]:
    rendered = {resource.id: render_resource(resource) for resource in item.resources}
    prefix = f"- **{item.label}:**" if item.label else "-"
    if item.layout is Layout.LIST:
        return [prefix, *(f"  - {text}" for text in rendered.values())]
    body = item.text.format_map(rendered) if item.text else ", ".join(rendered.values())
    return [f"{prefix} {body}"]


def _render_part(level: str, part: Section | Subsection) -> list[str]:
    lines = [f"{level} {part.number}. {part.title}"]
    if part.description:
        lines.append(part.description)
    if part.items:
        lines.append("")
        for item in part.items:
            lines.extend(render_item(item))
    lines.append("")
    return lines


def render_roadmap(roadmap: Roadmap) -> str:
    """The roadmap as Markdown; byte-stable for the same data."""
    lines = [f"# {roadmap.title}", ""]
    for section in roadmap.sections:
        lines.extend(_render_part("##", section))
        for subsection in section.subsections:
            lines.extend(_render_part("###", subsection))
    return "\n".join(lines).rstrip("\n") + "\n"


def splice(readme: str, rendered: str, path: str = "README.md") -> str:
    """README text with the part between the markers replaced by `rendered`."""
    start = readme.find(START_MARKER)
    end = readme.find(END_MARKER)
    if start < 0 or end < 0 or end < start:
        line = readme.count("\n", 0, start) + 1 if start >= 0 else None
        raise InputError(
            f"README needs the markers {START_MARKER!r} and then {END_MARKER!r} on their own lines",
            path, line)
    head = readme[: start + len(START_MARKER)]
    return f"{head}\n{rendered}{readme[end:]}"
