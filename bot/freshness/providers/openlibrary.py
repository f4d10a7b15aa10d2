"""Books: Open Library search by title and author, for editions, years, a newer edition, a link.

Open Library keeps an edition-numbered book either as one work per edition ("Python Crash
Course, 3rd Edition") or as one work for all editions, whose search result then names no
edition number. We claim a newer edition only when something *names* a higher edition number
than the cited one: a search result by the same author with the same base title, or, for a
cited edition, an entry of the matching work's editions (`/works/ID/editions.json`: its
`edition_name` or title). Edition counts and publish years are shown as evidence but never
alone make a book stale. No token needed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

import aiohttp

from bot.freshness.providers.http import ProviderError, request
from bot.freshness.providers.interface import ProviderResult, Signal
from bot.freshness.record import Evidence
from bot.freshness.settings import FreshnessSettings
from bot.roadmap.schema import Kind, Resource

NAME = "openlibrary"
PUBLIC = "https://openlibrary.org"  # suggested links: the public site, whatever the API base
FIELDS = "key,title,subtitle,author_name,edition_count,first_publish_year,publish_year"
LIMIT = 20
EDITIONS_LIMIT = 100  # editions read per work: every edition of a technical book fits
MAX_WORKS = 3  # matching works whose editions are read
_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")

ORDINAL_WORDS: dict[str, int] = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10,
}
_EDITION = re.compile(
    r"\b(?:(?P<num>\d{1,2})(?:st|nd|rd|th)|(?P<word>" + "|".join(ORDINAL_WORDS) + r"))"
    r"\s+(?:ed\.?|edition)\b",
    re.IGNORECASE,
)
_EDITION_PHRASE = re.compile(r"[\s,:(\[-]*" + _EDITION.pattern + r"[)\]]?", re.IGNORECASE)


def edition_of(title: str) -> int | None:
    """The edition number a title names ("3rd Edition", "Second edition"), or None."""
    found = _EDITION.search(title)
    if not found:
        return None
    return int(found["num"]) if found["num"] else ORDINAL_WORDS[found["word"].lower()]


def base_title(title: str) -> str:
    """The title without its edition phrase, normalised for comparison."""
    text = _EDITION_PHRASE.sub(" ", title).lower().replace("&", " and ")
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def _surname(name: str) -> str:
    return name.split()[-1].lower() if name.split() else ""


@dataclass(frozen=True, slots=True)
class Doc:
    """One search result (an Open Library work)."""

    key: str
    title: str
    authors: tuple[str, ...]
    edition_count: int
    first_year: int | None
    last_year: int | None

    @property
    def url(self) -> str:
        return f"{PUBLIC}{self.key}"

    @property
    def edition(self) -> int | None:
        return edition_of(self.title)


def parse_docs(data: Any) -> list[Doc]:
    docs = data.get("docs") if isinstance(data, dict) else None
    found = []
    for doc in docs if isinstance(docs, list) else []:
        if not isinstance(doc, dict) or not isinstance(doc.get("key"), str):
            continue
        title = str(doc.get("title") or "")
        years = [y for y in doc.get("publish_year") or [] if isinstance(y, int)]
        found.append(Doc(doc["key"], title, tuple(str(a) for a in doc.get("author_name") or []),
                         int(doc.get("edition_count") or 0),
                         doc.get("first_publish_year") if isinstance(
                             doc.get("first_publish_year"), int) else None,
                         max(years) if years else None))
    return found


def matching(resource: Resource, docs: Sequence[Doc]) -> list[Doc]:
    """Results with the same base title (a subtitle after ':' aside) and, when the roadmap
    names authors, a shared surname. Exact, not fuzzy: a near miss is another book."""
    wanted = base_title(resource.title)
    surnames = {_surname(a) for a in resource.authors}
    return [
        doc for doc in docs
        if wanted in (base_title(doc.title), base_title(doc.title.split(":")[0]))
        and (not surnames or surnames & {_surname(a) for a in doc.authors})
    ]


def judge_book(resource: Resource, docs: Sequence[Doc]) -> ProviderResult:
    """Evidence, a newer edition and a suggested link from the search results; pure."""
    matches = matching(resource, docs)
    if not matches:
        return ProviderResult.unknown(NAME, "no matching book in Open Library")
    best = max(matches, key=lambda d: (d.edition or 0, d.edition_count))
    main = max(matches, key=lambda d: d.edition_count)
    evidence = [Evidence("open library work", main.url, "openlibrary:search"),
                Evidence("editions", str(main.edition_count), "openlibrary:search")]
    if main.first_year:
        evidence.append(Evidence("first published", str(main.first_year), "openlibrary:search"))
    latest = max((d.last_year for d in matches if d.last_year), default=None)
    if latest:
        evidence.append(Evidence("latest edition year", str(latest), "openlibrary:search"))
    named = resource.edition or edition_of(resource.title)
    if named and best.edition and best.edition > named:
        evidence.append(Evidence("newer edition", best.title, "openlibrary:search"))
        return ProviderResult(NAME, title=best.title, evidence=tuple(evidence),
                              signals=frozenset({Signal.NEWER_EDITION}),
                              suggested_url=best.url, suggested_text=best.title)
    link = (best if named and best.edition == named else main).url
    return ProviderResult(NAME, title=main.title, evidence=tuple(evidence), suggested_url=link)


@dataclass(frozen=True, slots=True)
class Edition:
    """One entry of a work's editions, with the edition number it names (if any)."""

    key: str
    title: str
    number: int | None
    year: int | None

    @property
    def url(self) -> str:
        return f"{PUBLIC}{self.key}"


def ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(
        number % 10, "th")
    return f"{number}{suffix}"


def parse_editions(data: Any) -> list[Edition]:
    """Entries of an ``editions.json`` answer; anything malformed is skipped."""
    entries = data.get("entries") if isinstance(data, dict) else None
    found = []
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict) or not isinstance(entry.get("key"), str):
            continue
        title = str(entry.get("title") or "")
        named = [str(entry.get(k) or "") for k in ("edition_name", "title", "subtitle")]
        number = next((n for n in map(edition_of, named) if n is not None), None)
        years = _YEAR.findall(str(entry.get("publish_date") or ""))
        found.append(Edition(entry["key"], title, number, int(years[-1]) if years else None))
    return found


def later_edition(named: int, editions: Sequence[Edition]) -> Edition | None:
    """The highest-numbered edition above the cited one (its latest year), or None."""
    later = [e for e in editions if e.number is not None and e.number > named]
    if not later:
        return None
    top = max(e.number or 0 for e in later)
    same = [e for e in later if e.number == top]
    return max(same, key=lambda e: (e.year or 0, e.key))


def with_later_edition(result: ProviderResult, resource: Resource, later: Edition
                       ) -> ProviderResult:
    """`result` saying a newer edition exists, named with its number and year."""
    title = later.title or base_title(resource.title)
    if edition_of(title) is None:
        title = f"{title}, {ordinal(later.number or 0)} Edition"
    text = f"{title} ({later.year})" if later.year else title
    evidence = (*result.evidence, Evidence("newer edition", text, "openlibrary:editions"))
    return replace(result, evidence=evidence, signals=result.signals | {Signal.NEWER_EDITION},
                   suggested_url=later.url, suggested_text=text)


class OpenLibraryProvider:
    """Books, linked or not."""

    name = NAME
    only_without_page_date = False

    def __init__(self, settings: FreshnessSettings) -> None:
        self.base = settings.openlibrary.rstrip("/")
        self.timeout = settings.timeout

    def matches(self, resource: Resource) -> bool:
        return resource.kind is Kind.BOOK

    def key(self, resource: Resource) -> str:
        return f"{NAME}:{base_title(resource.title)}:{','.join(resource.authors).lower()}"

    def search_url(self, resource: Resource) -> str:
        query = {"title": _EDITION_PHRASE.sub("", resource.title).strip(" ,:"),
                 "fields": FIELDS, "limit": str(LIMIT)}
        if resource.authors:
            query["author"] = resource.authors[0]
        return f"{self.base}/search.json?{urlencode(query)}"

    async def fetch(self, resource: Resource, http: aiohttp.ClientSession) -> ProviderResult:
        try:
            answer = await request(http, self.search_url(resource), timeout=self.timeout)
            if answer.status != 200:
                return ProviderResult.unknown(NAME, f"search http_{answer.status}")
            docs = parse_docs(answer.json())
        except ProviderError as exc:
            return ProviderResult.unknown(NAME, exc.reason)
        result = judge_book(resource, docs)
        named = resource.edition or edition_of(resource.title)
        if not result.found or not named or Signal.NEWER_EDITION in result.signals:
            return result
        editions = await self.editions(matching(resource, docs)[:MAX_WORKS], http)
        later = later_edition(named, editions)
        return with_later_edition(result, resource, later) if later else result

    async def editions(self, works: Sequence[Doc], http: aiohttp.ClientSession
                       ) -> list[Edition]:
        """Every edition of the given works; a work that cannot be read adds none."""
        found: list[Edition] = []
        for work in works:
            url = f"{self.base}{work.key}/editions.json?limit={EDITIONS_LIMIT}"
            try:
                answer = await request(http, url, timeout=self.timeout)
                if answer.status == 200:
                    found += parse_editions(answer.json())
            except ProviderError:
                continue
        return found
