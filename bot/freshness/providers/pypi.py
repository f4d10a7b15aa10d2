"""PyPI packages: the latest release and when it was uploaded, for tools that name a package.

`GET {base}/pypi/{package}/json`; no token. A package that PyPI no longer knows is "deleted";
the trove classifier "Development Status :: 7 - Inactive" counts as archived.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

import aiohttp

from bot.freshness.dates import parse_date
from bot.freshness.providers.http import ProviderError, request
from bot.freshness.providers.interface import ProviderResult, Signal
from bot.freshness.record import DatedFact, DateField, Evidence
from bot.freshness.settings import FreshnessSettings
from bot.roadmap.schema import Resource

NAME = "pypi"
INACTIVE = "Development Status :: 7 - Inactive"


def normalise(package: str) -> str:
    """PEP 503 name normalisation: `Foo_Bar` and `foo-bar` are one project."""
    return re.sub(r"[-_.]+", "-", package).lower()


class PyPIProvider:
    """Tools with a `package:` in roadmap.yaml."""

    name = NAME
    only_without_page_date = False

    def __init__(self, settings: FreshnessSettings) -> None:
        self.base = settings.pypi.rstrip("/")
        self.timeout = settings.timeout

    def matches(self, resource: Resource) -> bool:
        return bool(resource.package)

    def key(self, resource: Resource) -> str:
        return f"{NAME}:{normalise(resource.package or '')}"

    async def fetch(self, resource: Resource, http: aiohttp.ClientSession) -> ProviderResult:
        package = normalise(resource.package or "")
        try:
            answer = await request(http, f"{self.base}/pypi/{quote(package)}/json",
                                   timeout=self.timeout)
            data = answer.json() if answer.status == 200 else None
        except ProviderError as exc:
            return ProviderResult.unknown(NAME, exc.reason)
        if answer.status == 404:
            return ProviderResult(NAME, signals=frozenset({Signal.DELETED}), evidence=(
                Evidence("package", f"{package} is not on PyPI", "pypi:json HTTP 404"),))
        if not isinstance(data, dict) or not isinstance(data.get("info"), dict):
            return ProviderResult.unknown(NAME, f"http_{answer.status}")
        return latest_release(data)


def _upload_dates(files: Any) -> list[str]:
    found = []
    for item in files if isinstance(files, list) else []:
        if isinstance(item, dict) and not item.get("yanked"):
            stamp = item.get("upload_time_iso_8601") or item.get("upload_time")
            if (iso := parse_date(stamp if isinstance(stamp, str) else None)) is not None:
                found.append(iso)
    return found


def latest_release(data: dict[str, Any]) -> ProviderResult:
    """What the project JSON says of the latest release; pure."""
    info = data["info"]
    version = str(info.get("version") or "")
    releases = data.get("releases")
    releases = releases if isinstance(releases, dict) else {}
    uploads = _upload_dates(data.get("urls")) or _upload_dates(releases.get(version))
    evidence = [Evidence("latest version", version, "pypi:json")]
    dates: tuple[DatedFact, ...] = ()
    if uploads:
        dates = (DatedFact(DateField.MODIFIED, max(uploads), "pypi:latest-release"),)
        evidence.append(Evidence("released", max(uploads), "pypi:latest-release"))
    signals: frozenset[Signal] = frozenset()
    if INACTIVE in (info.get("classifiers") or []):
        signals = frozenset({Signal.ARCHIVED})
        evidence.append(Evidence("archived", INACTIVE, "pypi:classifiers"))
    return ProviderResult(NAME, title=str(info.get("name") or "") or None, dates=dates,
                          evidence=tuple(evidence), signals=signals)
