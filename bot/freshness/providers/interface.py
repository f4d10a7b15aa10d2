"""The provider plug-in interface: what a provider matches, what it fetches, what it returns.

A provider knows one upstream (GitHub, YouTube, PyPI, Open Library, a blog platform). It never
raises out of `fetch`: a failure is a `ProviderResult` that is not `found`, with a reason.
Adding a provider is one module implementing `Provider` plus one line in `providers.REGISTRY`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, runtime_checkable

import aiohttp

from bot.freshness.record import DatedFact, Evidence
from bot.roadmap.schema import Resource


class Signal(StrEnum):
    """What a provider proved about a resource; the policy turns signals into verdicts."""

    ARCHIVED = "archived"
    DISABLED = "disabled"
    DELETED = "deleted"
    RENAMED = "renamed"
    REF_MISSING = "ref_missing"  # the branch (or tag) a /tree/ URL names is gone
    PATH_MISSING = "path_missing"  # the path under that branch is gone
    REMOVED = "removed"  # e.g. a removed video
    PRIVATE = "private"  # private, or embedding disabled: can't tell which
    NEWER_EDITION = "newer_edition"


@dataclass(frozen=True, slots=True)
class ProviderResult:
    """What one provider learnt of one resource; `found` False means unknown, see `reason`."""

    provider: str
    found: bool = True
    reason: str | None = None
    title: str | None = None
    dates: tuple[DatedFact, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    signals: frozenset[Signal] = frozenset()
    suggested_url: str | None = None  # the replacement or added link
    suggested_text: str | None = None  # e.g. the newer edition's title

    @classmethod
    def unknown(cls, provider: str, reason: str) -> ProviderResult:
        return cls(provider, found=False, reason=reason)


@runtime_checkable
class Provider(Protocol):
    """One upstream that knows about some resources."""

    name: str
    only_without_page_date: bool  # consulted only when the page itself gave no date

    def matches(self, resource: Resource) -> bool: ...

    def key(self, resource: Resource) -> str:
        """Identity of the upstream thing: resources with equal keys share one fetch."""
        ...

    async def fetch(self, resource: Resource, http: aiohttp.ClientSession) -> ProviderResult: ...


@runtime_checkable
class BatchProvider(Provider, Protocol):
    """A provider that can answer for many resources in fewer requests (GitHub GraphQL)."""

    async def fetch_all(
        self, resources: Sequence[Resource], http: aiohttp.ClientSession
    ) -> Mapping[str, ProviderResult]:
        """Results by `key`; keys missing from the answer are fetched one by one."""
        ...
