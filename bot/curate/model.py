"""Curation's frozen records: what is wrong (Finding), what to change (Fix), the run's judgement."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from bot.model import Hop, Verification


class FindingKind(StrEnum):
    """What an issue is about; ordered here from most to least severe."""

    BROKEN = "broken-link"
    MANUAL = "needs-manual-check"
    MOVED = "moved"
    STALE = "stale"


SEVERITY = {kind: rank for rank, kind in enumerate(FindingKind)}


class FixKind(StrEnum):
    """Mechanical URL fixes the PR may carry."""

    REDIRECT = "permanent_redirect"
    HTTPS = "https_upgrade"
    TRACKING = "tracking_parameters"
    RENAMED_REPO = "renamed_repository"
    REQUESTED = "maintainer_request"  # `/roadmap-bot replace NEW_URL`, checked when asked


@dataclass(frozen=True, slots=True)
class Place:
    """Where a resource stands: file, line, section heading and resource."""

    file: str
    line: int | None = None
    section: str | None = None
    resource: str | None = None
    resource_id: str | None = None


@dataclass(frozen=True, slots=True)
class LinkEvidence:
    """What the checker saw of the URL this run, with its streak from history."""

    url: str
    status: str
    reason: str
    http_status: int | None = None
    final_url: str | None = None
    redirects: tuple[Hop, ...] = ()
    first_failing: str | None = None
    failures: int = 0
    last_ok: str | None = None
    # The archive's copy from the last day a second opinion (the Internet Archive) saw the
    # link alive; the issue then links that copy instead of the archive's search page.
    archived_url: str | None = None
    archived_on: str | None = None  # YYYY-MM-DD
    second_opinion: Verification | None = None  # what a public page, provider or archive said


def _empty() -> Mapping[str, Any]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing a maintainer should look at: one URL (or one link-less resource).

    `key` is the fingerprint of its issue: the first resource that uses the URL, so a URL
    used once keeps the per-resource key it always had. `places` is every place the URL is
    used (`place` is the first); `aliases` are the other places' keys, under which an older
    run may have opened issues about the same URL (they converge into this one).
    """

    kind: FindingKind
    key: str
    url: str | None
    place: Place
    link: LinkEvidence | None = None
    freshness: Mapping[str, Any] = field(default_factory=_empty)  # the freshness record
    replacement: str | None = None
    low_priority: bool = False
    places: tuple[Place, ...] = ()  # every place, `place` first; () means just `place`
    aliases: frozenset[str] = frozenset()

    @property
    def all_places(self) -> tuple[Place, ...]:
        return self.places or (self.place,)


@dataclass(frozen=True, slots=True)
class Fix:
    """One URL replacement for the PR, with why (each reason a line of evidence)."""

    old: str
    new: str
    kinds: tuple[FixKind, ...]
    evidence: tuple[str, ...]
    places: tuple[Place, ...] = ()

    @property
    def fix_id(self) -> str:
        """Stable id of this exact change, so a rejected change is recognised later."""
        return hashlib.sha256(f"{self.old}\n{self.new}".encode()).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Judgement:
    """The run's findings, plus which keys are proven healthy (to close their issues).

    `present` is every key the roadmap still has, or None when the run saw only part of it
    (then nothing is closed for having left the roadmap). `unverified` are the links no source
    could confirm, listed together in one issue rather than one issue each.
    """

    findings: tuple[Finding, ...] = ()
    reachable: frozenset[str] = frozenset()
    fresh: frozenset[str] = frozenset()
    present: frozenset[str] | None = None
    inconclusive_reason: str | None = None
    # Links no source could confirm, for the one issue that lists them (None: leave it be).
    unverified: tuple[Finding, ...] | None = None
    listed: frozenset[str] = frozenset()  # their keys: a per-link manual issue gives way
    vouched: frozenset[str] = frozenset()  # keys whose link a second opinion saw alive


# Ids of a Markdown list's links (a hash, see sources/markdown.py): nothing to show a reader,
# and such a link leaves "the list", not roadmap.yaml.
LIST_LINK_PREFIX = "md-"


def finding_key(resource_id: str | None, url: str | None) -> str:
    """The fingerprint key: the resource id, or a hash of the URL for plain documents."""
    if resource_id:
        return f"resource:{resource_id}"
    return "url:" + hashlib.sha256((url or "").encode()).hexdigest()[:16]
