"""Freshness records: one frozen record per roadmap resource, and its cross-team JSON shape.

The JSON built here is a contract: the `run` command stores it in `report.extra["freshness"]`,
the report formats display it, and curation opens issues and the fixes PR from it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Verdict(StrEnum):
    """How current a resource is; `unknown` when nothing dated it (never stale by default)."""

    FRESH = "fresh"
    STALE = "stale"
    REVIEW = "review"
    BROKEN = "broken"
    UNKNOWN = "unknown"


class Priority(StrEnum):
    NORMAL = "normal"
    LOW = "low"


class DateField(StrEnum):
    PUBLISHED = "published"
    MODIFIED = "modified"


class Action(StrEnum):
    """What a maintainer (or the fixes PR) should do about a finding."""

    REPLACE_URL = "replace_url"  # url = the new address (renamed repo, moved page)
    REMOVE_OR_REPLACE = "remove_or_replace"  # archived, deleted or removed
    UPDATE_EDITION = "update_edition"  # a newer edition of a book exists
    ADD_URL = "add_url"  # a link-less resource and a good link for it
    REVIEW_CONTENT = "review_content"  # old: check it still holds
    CHECK_MANUALLY = "check_manually"  # a signal too weak to act on alone


@dataclass(frozen=True, slots=True)
class DatedFact:
    """A date one source gave: `source` says where, e.g. `json-ld:Course.dateModified`."""

    field: DateField
    date: str  # ISO YYYY-MM-DD
    source: str

    def to_json(self) -> dict[str, str]:
        return {"field": self.field.value, "date": self.date, "source": self.source}


@dataclass(frozen=True, slots=True)
class Evidence:
    """One fact behind a verdict, with where it came from."""

    fact: str
    value: str
    source: str

    def to_json(self) -> dict[str, str]:
        return {"fact": self.fact, "value": self.value, "source": self.source}


@dataclass(frozen=True, slots=True)
class Suggestion:
    action: Action
    text: str
    url: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"action": self.action.value, "text": self.text, "url": self.url}


@dataclass(frozen=True, slots=True)
class FreshnessRecord:
    """What is known of one resource's freshness, the verdict, and why."""

    resource_id: str
    title: str
    kind: str
    url: str | None
    section: str | None
    last_updated: str | None
    date_source: str | None
    verdict: Verdict
    priority: Priority = Priority.NORMAL
    evidence: tuple[Evidence, ...] = ()
    suggestion: Suggestion | None = None
    provider: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "resource_id": self.resource_id,
            "title": self.title,
            "kind": self.kind,
            "url": self.url,
            "section": self.section,
            "last_updated": self.last_updated,
            "date_source": self.date_source,
            "verdict": self.verdict.value,
            "priority": self.priority.value,
            "evidence": [item.to_json() for item in self.evidence],
            "suggestion": self.suggestion.to_json() if self.suggestion else None,
            "provider": self.provider,
        }


def freshness_to_json(records: Iterable[FreshnessRecord]) -> dict[str, dict[str, Any]]:
    """The contract's mapping: resource id -> record JSON, in roadmap order."""
    return {record.resource_id: record.to_json() for record in records}


def record_from_json(data: Mapping[str, Any]) -> FreshnessRecord:
    """One record read back (e.g. from a stored report); raises KeyError/ValueError if malformed."""
    suggestion = data.get("suggestion")
    return FreshnessRecord(
        resource_id=data["resource_id"],
        title=data["title"],
        kind=data["kind"],
        url=data.get("url"),
        section=data.get("section"),
        last_updated=data.get("last_updated"),
        date_source=data.get("date_source"),
        verdict=Verdict(data["verdict"]),
        priority=Priority(data.get("priority") or Priority.NORMAL),
        evidence=tuple(Evidence(e["fact"], e["value"], e["source"])
                       for e in data.get("evidence") or ()),
        suggestion=Suggestion(Action(suggestion["action"]), suggestion["text"],
                              suggestion.get("url")) if suggestion else None,
        provider=data.get("provider"),
    )


def freshness_from_json(data: Mapping[str, Mapping[str, Any]]) -> tuple[FreshnessRecord, ...]:
    return tuple(record_from_json(item) for item in data.values())
