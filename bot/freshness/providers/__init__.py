"""Freshness providers: one module per upstream, and the registry `assess` consults in order."""

from __future__ import annotations

from collections.abc import Callable

from bot.freshness.providers.blogs import MediumProvider, SubstackProvider
from bot.freshness.providers.github import GitHubProvider
from bot.freshness.providers.interface import BatchProvider, Provider, ProviderResult, Signal
from bot.freshness.providers.openlibrary import OpenLibraryProvider
from bot.freshness.providers.pypi import PyPIProvider
from bot.freshness.providers.youtube import YouTubeProvider
from bot.freshness.settings import FreshnessSettings

# The first provider that matches a resource answers for it. One line per provider.
REGISTRY: tuple[Callable[[FreshnessSettings], Provider], ...] = (
    GitHubProvider,
    YouTubeProvider,
    PyPIProvider,
    OpenLibraryProvider,
    SubstackProvider,
    MediumProvider,
)


def build_providers(settings: FreshnessSettings) -> tuple[Provider, ...]:
    """Fresh provider instances for one run (some keep per-run caches)."""
    return tuple(make(settings) for make in REGISTRY)


__all__ = ["REGISTRY", "BatchProvider", "Provider", "ProviderResult", "Signal",
           "build_providers"]
