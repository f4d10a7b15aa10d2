"""Markdown link lists as a source of truth: every link occurrence is a resource.

A resource is known from night to night by its URL, its nearest heading and its link text
(its id is a hash of the three), never by its line: editing a neighbouring line moves lines
but keeps every id, so no issue is duplicated. The fixes PR edits the files in place through
`curate.markdown_edit`, which changes only URL bytes and proves it by re-parsing.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from pydantic import ValidationError

from bot.curate.markdown_edit import edit_markdown
from bot.curate.model import LIST_LINK_PREFIX, Fix
from bot.errors import InputError
from bot.extract.collect import read_bytes
from bot.extract.markdown_links import MarkdownLink, markdown_links
from bot.freshness.assess import Spot
from bot.model import Link, Source
from bot.roadmap.schema import Kind, Resource

MARKDOWN_SUFFIXES = (".md", ".markdown")
_BOM = "\ufeff"

# What a link is, told by its URL: the freshness policy's kinds (a repository goes stale, a
# video can be removed); anything else is read as an article.
URL_KINDS: tuple[tuple[re.Pattern[str], Kind], ...] = (
    (re.compile(r"^https?://(www\.)?github\.com/[^/?#]+/[^/?#]+/?$", re.I), Kind.REPOSITORY),
    (re.compile(r"^https?://((www|m)\.)?(youtube\.com/watch|youtu\.be/)", re.I), Kind.VIDEO),
    (re.compile(r"^https?://pypi\.org/project/", re.I), Kind.TOOL),
)


def kind_for(url: str) -> Kind:
    return next((kind for pattern, kind in URL_KINDS if pattern.search(url)), Kind.ARTICLE)


def resource_id(link: MarkdownLink) -> str:
    """The stable id of a link occurrence: URL, nearest heading and text, not the line."""
    digest = hashlib.sha256(f"{link.url}\n{link.heading}\n{link.text}".encode()).hexdigest()
    return f"{LIST_LINK_PREFIX}{digest[:16]}"


@dataclass(frozen=True, slots=True)
class LinkSpot:
    """A link as freshness sees it: a resource (text as title) under its heading."""

    resource: Resource
    heading: str


def read_markdown(path: str) -> str:
    """The file's text exactly (line endings and a BOM kept), so an edit changes nothing else."""
    raw = read_bytes(path)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError("file is not valid UTF-8", path,
                         raw[: exc.start].count(b"\n") + 1) from exc


@dataclass(frozen=True, slots=True)
class MarkdownSource:
    """Markdown files (path -> text as read), each link occurrence a resource."""

    texts: Mapping[str, str]

    @classmethod
    def read(cls, paths: Sequence[str]) -> MarkdownSource:
        return cls({path: read_markdown(path) for path in paths})

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(self.texts)

    def occurrences(self) -> Iterator[tuple[str, MarkdownLink]]:
        for path, text in self.texts.items():
            for link in markdown_links(text.removeprefix(_BOM)):
                yield path, link

    def links(self) -> list[Link]:
        sources: dict[str, list[Source]] = {}
        for path, link in self.occurrences():
            source = Source(path, link.line, link.text or None, resource_id(link),
                            link.heading or None)
            sources.setdefault(link.url, []).append(source)
        return [Link(url, tuple(where)) for url, where in sources.items()]

    def spots(self) -> Sequence[Spot]:
        spots: dict[str, Spot] = {}
        for _, link in self.occurrences():
            rid = resource_id(link)
            if rid in spots:
                continue
            try:
                resource = Resource(id=rid, title=link.text or link.url,
                                    kind=kind_for(link.url), url=link.url)
            except ValidationError:  # not an http(s) URL: nothing to date
                continue
            spots[rid] = LinkSpot(resource, link.heading)
        return list(spots.values())

    def owns(self, file: str) -> bool:
        return file in self.texts

    def resource_lines(self) -> Mapping[str, int]:
        lines: dict[str, int] = {}
        for _, link in self.occurrences():
            lines.setdefault(resource_id(link), link.line)
        return lines

    def resource_files(self) -> Mapping[str, str]:
        files: dict[str, str] = {}
        for path, link in self.occurrences():
            files.setdefault(resource_id(link), path)
        return files

    def edit(self, fixes: tuple[Fix, ...]) -> tuple[tuple[Fix, ...], dict[str, str]]:
        """The fixes that every file they touch accepts, and the edited files. A fix whose
        edit a file refuses (an escaped URL, say) is left out rather than half made."""
        present = {link.url for _, link in self.occurrences()}
        wanted = tuple(fix for fix in fixes if fix.old in present)
        try:
            return wanted, self._edit_all(wanted)
        except InputError:  # some file refuses some fix: keep the others
            applied = tuple(fix for fix in wanted if self._accepted(fix))
        try:
            return applied, self._edit_all(applied)
        except InputError:  # accepted one by one, refused together: propose nothing
            return (), {}

    def _accepted(self, fix: Fix) -> bool:
        try:
            self._edit_all((fix,))
        except InputError:
            return False
        return True

    def _edit_all(self, fixes: tuple[Fix, ...]) -> dict[str, str]:
        """Each file with the fixes made one after the other, each edit proven."""
        files = {}
        for path, text in self.texts.items():
            edited = text
            for fix in fixes:
                edited = self._edited(path, edited, fix)
            if edited != text:
                files[path] = edited
        return files

    @staticmethod
    def _edited(path: str, text: str, fix: Fix) -> str:
        body = text.removeprefix(_BOM)
        if fix.old not in {link.url for link in markdown_links(body)}:
            return text
        return text[: len(text) - len(body)] + edit_markdown(body, {fix.old: fix.new}, path)
