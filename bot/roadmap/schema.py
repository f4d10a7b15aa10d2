"""Typed models of roadmap.yaml; the JSON Schema that editors use is exported from them."""

from __future__ import annotations

import string
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    StrictStr,
    field_validator,
    model_validator,
)

SCHEMA_PATH = "schema/roadmap.schema.json"
SCHEMA_ID = "https://github.com/marvelousmlops/mlops_roadmap_2024/schema/roadmap.schema.json"


class Kind(StrEnum):
    """What a resource is; it decides which freshness provider and policy apply."""

    BOOK = "book"
    COURSE = "course"
    TRACK = "track"
    TUTORIAL = "tutorial"
    VIDEO = "video"
    ARTICLE = "article"
    TOOL = "tool"
    REPOSITORY = "repository"
    ROADMAP = "roadmap"
    ASSESSMENT = "assessment"
    PRACTICE = "practice"
    TOPIC = "topic"


class Emphasis(StrEnum):
    """How a resource's title is set in the rendered roadmap."""

    NONE = "none"
    ITALIC = "italic"
    BOLD = "bold"


class Layout(StrEnum):
    """`inline`: resources follow the label on one line; `list`: one sub-bullet each."""

    INLINE = "inline"
    LIST = "list"


NonEmpty = Annotated[StrictStr, Field(min_length=1)]
Slug = Annotated[StrictStr, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=80)]


MAX_URL_LENGTH = 4096  # far above any real link (the longest upstream is ~900 characters)


def url_problem(url: str) -> str | None:
    """Why a URL is unusable, or None; the URL itself is kept exactly as written."""
    if len(url) > MAX_URL_LENGTH:
        return f"URL is longer than {MAX_URL_LENGTH} characters"
    if url != url.strip() or any(ch.isspace() for ch in url):
        return "URL contains whitespace"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError as exc:
        return f"URL cannot be parsed: {exc}"
    if parts.scheme not in ("http", "https"):
        return f"URL scheme must be http or https, not {parts.scheme or 'missing'!r}"
    if not parts.hostname:
        return "URL has no host"
    return None


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Resource(_Model):
    """A book, course, tool, ... that the roadmap recommends, with or without a link."""

    id: Slug = Field(description="Stable identifier: lowercase words joined by hyphens.")
    title: NonEmpty = Field(description="The title exactly as the roadmap shows it.")
    kind: Kind
    url: StrictStr | None = Field(
        None, description="The link exactly as written; none for a plain mention."
    )
    authors: tuple[NonEmpty, ...] = ()
    edition: StrictInt | None = Field(None, ge=1, description="The edition the title names.")
    package: StrictStr | None = Field(None, description="PyPI package name, for tools.")
    display: NonEmpty | None = Field(
        None, description="Text shown in the roadmap instead of the title (e.g. 'Part 1')."
    )
    emphasis: Emphasis | None = Field(None, description="Default: italic for link-less books.")

    @field_validator("url")
    @classmethod
    def _url_is_usable(cls, url: str | None) -> str | None:
        if url is not None and (problem := url_problem(url)):
            raise ValueError(problem)
        return url

    @property
    def effective_emphasis(self) -> Emphasis:
        if self.emphasis is not None:
            return self.emphasis
        return Emphasis.ITALIC if self.kind is Kind.BOOK and self.url is None else Emphasis.NONE


class Item(_Model):
    """One bullet: an optional label ("Book Suggestion") and the resources it names."""

    label: NonEmpty | None = None
    text: NonEmpty | None = Field(
        None, description="Text with {resource-id} placeholders; default: resources joined by ', '."
    )
    layout: Layout = Layout.INLINE
    resources: tuple[Resource, ...] = ()

    @model_validator(mode="after")
    def _text_places_every_resource(self) -> Item:
        if self.text is None:
            if not self.resources:
                raise ValueError("an item needs resources or text")
            return self
        placed = [name for _, name, _, _ in string.Formatter().parse(self.text) if name is not None]
        ids = [resource.id for resource in self.resources]
        unknown = sorted(set(placed) - set(ids))
        if unknown:
            raise ValueError(f"text names unknown resource ids: {', '.join(unknown)}")
        missing = [rid for rid in ids if placed.count(rid) != 1]
        if missing:
            raise ValueError(f"text must place each resource exactly once: {', '.join(missing)}")
        return self


class Subsection(_Model):
    number: Annotated[StrictStr, Field(pattern=r"^\d+\.\d+$")]
    title: NonEmpty
    description: NonEmpty | None = None
    items: tuple[Item, ...] = ()


class Section(_Model):
    number: Annotated[StrictStr, Field(pattern=r"^\d+$")]
    title: NonEmpty
    description: NonEmpty | None = None
    items: tuple[Item, ...] = ()
    subsections: tuple[Subsection, ...] = ()


class Roadmap(_Model):
    """The whole roadmap file."""

    title: NonEmpty
    sections: tuple[Section, ...]

    @field_validator("sections")
    @classmethod
    def _has_sections(cls, sections: tuple[Section, ...]) -> tuple[Section, ...]:
        if not sections:
            raise ValueError("a roadmap needs at least one section")
        return sections


@dataclass(frozen=True, slots=True)
class Placement:
    """A resource with where it stands in the roadmap."""

    section: Section
    subsection: Subsection | None
    item: Item
    resource: Resource

    @property
    def heading(self) -> str:
        part = self.subsection or self.section
        return f"{part.number}. {part.title}"


def placements(roadmap: Roadmap) -> Iterator[Placement]:
    """Every resource in reading order, repeated links included."""
    for section in roadmap.sections:
        for item in section.items:
            for resource in item.resources:
                yield Placement(section, None, item, resource)
        for subsection in section.subsections:
            for item in subsection.items:
                for resource in item.resources:
                    yield Placement(section, subsection, item, resource)


def json_schema() -> dict[str, Any]:
    schema = Roadmap.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = SCHEMA_ID
    return schema


