"""Curation policy as frozen settings, and the `curate:` section of roadmap-bot.yaml."""

from __future__ import annotations

from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.configfile import first_problem, read_section
from bot.errors import ConfigError


@dataclass(frozen=True, slots=True)
class Labels:
    """Label names; `ignore` is the maintainers' "leave this alone" label."""

    bot: str = "roadmap-bot"
    broken: str = "roadmap-bot:broken-link"
    moved: str = "roadmap-bot:moved"
    stale: str = "roadmap-bot:stale"
    manual: str = "roadmap-bot:needs-manual-check"
    low_priority: str = "priority: low"
    ignore: str = "roadmap-bot:ignore"


@dataclass(frozen=True, slots=True)
class CurateSettings:
    """When a verdict becomes an issue, and how the bot names its things on GitHub."""

    confirm_runs: int = 2  # broken: this many consecutive broken counted runs ...
    confirm_hours: float = 20.0  # ... each this long after the previous counted one
    manual_check_runs: int = 5  # error/blocked streak (counted runs) before "needs manual check"
    reopen_days: float = 30.0  # a bot-closed issue breaking again within this is reopened
    digest: bool = False  # one digest issue instead of one per link
    dashboard: bool = False  # keep the one "Link health" issue (roadmap-bot.yaml turns it on)
    dashboard_title: str = "Link health"
    ignore_urls: tuple[str, ...] = ()  # globs over the whole URL
    ignore_domains: tuple[str, ...] = ()  # globs over the host, e.g. "*.linkedin.com"
    canaries: tuple[str, ...] = ()  # URLs that must be reachable for a run to count
    outage_ratio: float = 0.5  # share of hosts failing at connection level -> inconclusive
    outage_min_hosts: int = 3
    labels: Labels = field(default_factory=Labels)
    branch: str = "roadmap-bot/fixes"
    roadmap_path: str = "roadmap.yaml"
    readme_path: str = "README.md"
    max_pr_fixes: int = 40  # per PR: keeps the body under GitHub's size limit and reviewable
    github_attempts: int = 4  # per API call, then a clear failure
    github_backoff: float = 2.0  # seconds before the 2nd attempt; doubles after
    github_write_interval: float = 1.0  # GitHub's advice against secondary rate limits

    def ignored(self, url: str) -> bool:
        host = (urlsplit(url).hostname or "").lower()
        return any(fnmatchcase(url, pattern) for pattern in self.ignore_urls) or any(
            fnmatchcase(host, pattern.lower()) for pattern in self.ignore_domains
        )


_LABELS = Labels()


class _LabelsModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    bot: str = _LABELS.bot
    broken: str = _LABELS.broken
    moved: str = _LABELS.moved
    stale: str = _LABELS.stale
    manual: str = _LABELS.manual
    low_priority: str = _LABELS.low_priority
    ignore: str = _LABELS.ignore


class _CurateModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    confirm_runs: int = Field(default=2, ge=1, le=9)
    confirm_hours: float = Field(default=20.0, ge=0)
    manual_check_runs: int = Field(default=5, ge=1, le=9)
    reopen_days: float = Field(default=30.0, ge=0)
    digest: bool = False
    dashboard: bool = False
    dashboard_title: str = Field(default="Link health", min_length=1, max_length=100)
    ignore_urls: list[str] = []
    ignore_domains: list[str] = []
    canaries: list[str] = []
    outage_ratio: float = Field(default=0.5, gt=0, le=1)
    outage_min_hosts: int = Field(default=3, ge=1)
    labels: _LabelsModel = _LabelsModel()
    branch: str = Field(default="roadmap-bot/fixes", pattern=r"^[A-Za-z0-9._/-]+$")
    roadmap_path: str = "roadmap.yaml"
    readme_path: str = "README.md"
    max_pr_fixes: int = Field(default=40, ge=1, le=60)
    github_attempts: int = Field(default=4, ge=1, le=10)
    github_backoff: float = Field(default=2.0, ge=0, le=60)
    github_write_interval: float = Field(default=1.0, ge=0, le=10)


def settings_from_mapping(section: dict[str, Any]) -> CurateSettings:
    """Settings from a parsed `curate:` mapping (unlocated errors; for tests and code)."""
    try:
        return _to_settings(_CurateModel.model_validate(section))
    except ValidationError as exc:
        raise ConfigError(first_problem("curate", exc)) from exc



def _to_settings(model: _CurateModel) -> CurateSettings:
    data = model.model_dump(exclude={"labels"})
    for key in ("ignore_urls", "ignore_domains", "canaries"):
        data[key] = tuple(data[key])
    return CurateSettings(**data, labels=Labels(**model.labels.model_dump()))


def load_curate_config(path: str | None) -> CurateSettings:
    """The `curate:` section of roadmap-bot.yaml (defaults when absent)."""
    return _to_settings(read_section(path, "curate").parsed(_CurateModel))
