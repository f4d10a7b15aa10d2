"""The checker's frozen settings and the `check:` section of roadmap-bot.yaml that fills them."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from bot.check.classify import ClassifyRules
from bot.configfile import first_problem, read_section
from bot.errors import ConfigError
from bot.urls import host_matches

USER_AGENT = "roadmap-bot/0.1 (+https://github.com/marvelousmlops/mlops_roadmap_2024)"
KIB = 1024

# Headers a config may never add: the checker sends no credentials to anyone.
FORBIDDEN_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "host"})

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class RequestMethod(StrEnum):
    """The first request sent for a URL; HEAD falls back to GET when its answer is doubtful."""

    GET = "GET"
    HEAD = "HEAD"


class HttpClientKind(StrEnum):
    """Which client sends the checker's requests: the lean one (`bot/check/wire.py`), or
    aiohttp's ClientSession, kept as the second opinion a maintainer can switch to."""

    WIRE = "wire"
    AIOHTTP = "aiohttp"


def _no_headers() -> Mapping[str, str]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class DomainRule:
    """Per-host knowledge from config; `host` matches itself and its subdomains."""

    host: str
    accept: frozenset[int] = frozenset()  # status codes that count as ok on this host
    per_host: int | None = None
    delay: float = 0.0  # seconds between two requests to this host
    headers: Mapping[str, str] = field(default_factory=_no_headers)

    def matches(self, host: str) -> bool:
        return host_matches(host, self.host.removeprefix("*."))


@dataclass(frozen=True, slots=True)
class Remap:
    """A named rewrite: check a public page in place of a URL a bot cannot see."""

    name: str
    pattern: re.Pattern[str]
    replacement: str

    def apply(self, url: str) -> str | None:
        # What subn(count=1) would write, without building a template for every URL that
        # does not match (nearly all: planning remaps each link before the first request).
        found = self.pattern.search(url)
        if found is None:
            return None
        return url[: found.start()] + found.expand(self.replacement) + url[found.end():]


# The built-in remaps (public equivalents); config adds to them. App pages need a login, their
# catalogue twins do not: the check requests the twin, and the link is verified there.
DEFAULT_REMAPS: tuple[Remap, ...] = (
    Remap(
        "datacamp-app-course",
        re.compile(r"^https?://app\.datacamp\.com/learn/courses/([^/?#]+).*$"),
        r"https://www.datacamp.com/courses/\1",
    ),
    Remap(
        "datacamp-app-skill-track",
        re.compile(r"^https?://app\.datacamp\.com/learn/skill-tracks/([^/?#]+).*$"),
        r"https://www.datacamp.com/tracks/\1",
    ),
)


@dataclass(frozen=True, slots=True)
class CheckSettings:
    """Everything the engine and the HTTP adapter need, resolved once at the edge."""

    concurrency: int = 64
    per_host: int = 4
    connect_timeout: float = 10.0
    first_byte_timeout: float = 15.0  # aiohttp's sock_read: silence allowed between bytes
    total_timeout: float = 30.0  # one request, body prefix included
    # Once the status is known the verdict needs only the page's head: a body that trickles
    # in (or never ends) gets this long, then what arrived is classified.
    body_timeout: float = 2.0
    run_deadline: float | None = 1800.0  # the whole run
    retries: int = 3
    backoff_base: float = 0.5
    backoff_max: float = 8.0
    max_retry_after: float = 60.0
    max_redirects: int = 10
    max_body_bytes: int = 256 * KIB  # raw bytes read from the socket per answer
    max_decompressed_bytes: int = 256 * KIB  # body prefix kept after decompression
    max_header_bytes: int = 16 * KIB  # one header line; longer is an invalid response
    user_agent: str = USER_AGENT
    method: RequestMethod = RequestMethod.GET
    http_client: HttpClientKind = HttpClientKind.WIRE
    allow_private: bool = False
    trusted_networks: tuple[Network, ...] = ()  # exempt from the private-address guard
    resolve: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))
    exclude: tuple[re.Pattern[str], ...] = ()
    domains: tuple[DomainRule, ...] = ()
    remaps: tuple[Remap, ...] = DEFAULT_REMAPS
    soft_404_markers: tuple[re.Pattern[str], ...] = ()  # extra title/h1 regexes

    @property
    def classify_rules(self) -> ClassifyRules:
        """What `classify` needs of the config: accepted codes per host, extra markers."""
        accepted = tuple((rule.host.removeprefix("*."), rule.accept) for rule in self.domains
                         if rule.accept)
        return ClassifyRules(accepted=accepted, soft_404_patterns=self.soft_404_markers)

    def rule_for(self, host: str) -> DomainRule | None:
        if not self.domains:  # the usual case, asked several times per request
            return None
        return next((rule for rule in self.domains if rule.matches(host)), None)

    def per_host_limit(self, host: str) -> int:
        rule = self.rule_for(host)
        return max(1, rule.per_host if rule and rule.per_host else self.per_host)

    def delay_for(self, host: str) -> float:
        rule = self.rule_for(host)
        return rule.delay if rule else 0.0

    def headers_for(self, host: str) -> Mapping[str, str]:
        rule = self.rule_for(host)
        return rule.headers if rule else _no_headers()

    def accepted(self, host: str) -> frozenset[int]:
        rule = self.rule_for(host)
        return rule.accept if rule else frozenset()

    def is_excluded(self, url: str) -> bool:
        return any(pattern.search(url) for pattern in self.exclude)

    def remap(self, url: str) -> tuple[str, str | None]:
        """The URL to request in place of `url`, and the name of the remap rule used."""
        for remap in self.remaps:
            rewritten = remap.apply(url)
            if rewritten is not None:
                return rewritten, remap.name
        return url, None


# ---- the config file -------------------------------------------------------------------


def settings_from_mapping(section: Mapping[str, Any]) -> CheckSettings:
    """Settings from an already-parsed `check:` mapping (unlocated errors; for tests and code)."""
    from pydantic import ValidationError

    from bot.check.settings_schema import CheckModel, to_settings

    try:
        return to_settings(CheckModel.model_validate(dict(section)))
    except ValidationError as exc:
        raise ConfigError(first_problem("check", exc)) from exc


def load_check_config(path: str | None) -> CheckSettings:
    """The `check:` section of a roadmap-bot.yaml; other top-level sections belong to others."""
    section = read_section(path, "check")
    if not section.given:
        return CheckSettings()  # the schema's defaults (tests hold the two equal)
    from bot.check.settings_schema import CheckModel, to_settings

    return to_settings(section.parsed(CheckModel))
