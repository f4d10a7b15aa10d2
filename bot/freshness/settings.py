"""Freshness settings: provider base URLs, the token, policy thresholds, and their YAML loader.

Resolved once at the edge (the command module) into frozen records passed down. The loader
reads the `freshness:` section of `roadmap-bot.yaml`; the token never comes from the file
(the command reads GITHUB_TOKEN from the environment) and never appears in `repr`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from ruamel.yaml.comments import CommentedMap

from bot import yamltree
from bot.configfile import DEFAULT_CONFIG, config_path, read_section
from bot.errors import ConfigError

# Kinds whose content dates: older than this many years -> "review" (low priority).
DEFAULT_REVIEW_AFTER_YEARS: Mapping[str, int] = MappingProxyType(
    {"article": 4, "course": 4, "video": 4, "tutorial": 4}
)


@dataclass(frozen=True, slots=True)
class PolicySettings:
    """Thresholds the policy judges by; per kind where kinds differ."""

    stale_after_months: int = 24  # repository/tool: no push (or release) for this long
    review_after_years: Mapping[str, int] = field(
        default_factory=lambda: DEFAULT_REVIEW_AFTER_YEARS)
    future_tolerance_days: int = 2  # dates further ahead than this are ignored as bogus


@dataclass(frozen=True, slots=True)
class FreshnessSettings:
    """Where each provider's API lives (tests point them at local fakes), limits and policy."""

    github_api: str = "https://api.github.com"
    github_graphql: str = "https://api.github.com/graphql"
    youtube: str = "https://www.youtube.com"
    pypi: str = "https://pypi.org"
    openlibrary: str = "https://openlibrary.org"
    substack: str | None = None  # None: the publication's own host
    medium: str | None = None  # None: the author's or publication's own host
    github_token: str | None = field(default=None, repr=False)
    timeout: float = 15.0  # seconds per request
    concurrency: int = 8  # provider requests in flight
    graphql_batch: int = 40  # repositories per GraphQL query
    user_agent: str = "roadmap-bot/0.1 (+https://github.com/marvelousmlops/mlops_roadmap_2024)"
    policy: PolicySettings = field(default_factory=PolicySettings)


_URL_KEYS = ("github_api", "github_graphql", "youtube", "pypi", "openlibrary", "substack",
             "medium")
_NUMBER_KEYS = {"timeout": float, "concurrency": int, "graphql_batch": int}
_POLICY_KEYS = {"stale_after_months", "review_after_years", "future_tolerance_days"}


def load_settings(path: str | None = None, token: str | None = None) -> FreshnessSettings:
    """Settings from the `freshness:` section of the config file (./roadmap-bot.yaml when none
    is named and it exists); a bad value is a located `ConfigError`."""
    section = read_section(config_path(path), "freshness")
    settings = settings_from_mapping(section.node, section.path or DEFAULT_CONFIG)
    return replace(settings, github_token=token or None)


def _where(node: Any, key: str) -> tuple[int | None, int | None]:
    if isinstance(node, CommentedMap) and key in node:
        return yamltree.locate(node, [key])
    return None, None


def settings_from_mapping(section: Mapping[str, Any], path: str) -> FreshnessSettings:
    values: dict[str, Any] = {}
    for key, value in section.items():
        if key in _URL_KEYS:
            values[key] = _url(section, key, value, path)
        elif key in _NUMBER_KEYS:
            values[key] = _positive(section, key, value, path, _NUMBER_KEYS[key])
        elif key == "user_agent" and isinstance(value, str) and value.strip():
            values[key] = value.strip()
        elif key == "policy":
            values["policy"] = _policy(value, path)
        else:
            raise ConfigError(f"freshness: unknown setting {key!r}", path, *_where(section, key))
    return FreshnessSettings(**values)


def _url(node: Mapping[str, Any], key: str, value: Any, path: str) -> str:
    if not isinstance(value, str) or not value.startswith(("http://", "https://")):
        raise ConfigError(f"freshness.{key}: expected an http(s) URL", path, *_where(node, key))
    return value.rstrip("/")


def _positive(node: Mapping[str, Any], key: str, value: Any, path: str, kind: type) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ConfigError(f"freshness.{key}: expected a positive number", path,
                          *_where(node, key))
    return kind(value)


def _policy(node: Any, path: str) -> PolicySettings:
    if not isinstance(node, Mapping):
        raise ConfigError("freshness.policy: expected a mapping", path)
    values: dict[str, Any] = {}
    for key, value in node.items():
        if key not in _POLICY_KEYS:
            raise ConfigError(f"freshness.policy: unknown setting {key!r}", path,
                              *_where(node, key))
        if key == "review_after_years":
            if not isinstance(value, Mapping):
                raise ConfigError("freshness.policy.review_after_years: expected kind: years",
                                  path, *_where(node, key))
            years = {str(k): _positive(value, str(k), v, path, int) for k, v in value.items()}
            values[key] = MappingProxyType({**DEFAULT_REVIEW_AFTER_YEARS, **years})
        else:
            values[key] = _positive(node, key, value, path, int)
    return PolicySettings(**values)
