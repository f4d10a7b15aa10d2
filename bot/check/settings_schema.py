"""The `check:` section's schema (pydantic), imported only when a config file has one."""

from __future__ import annotations

import ipaddress
import re
from types import MappingProxyType
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from bot.check.settings import (
    DEFAULT_REMAPS,
    FORBIDDEN_HEADERS,
    KIB,
    USER_AGENT,
    CheckSettings,
    DomainRule,
    HttpClientKind,
    Remap,
    RequestMethod,
)


def _compile_or_explain(pattern: str) -> str:
    # re.error is not a ValueError: pydantic would let it escape as a traceback.
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"bad regular expression {pattern!r}: {exc}") from exc
    return pattern


# A regular expression checked item by item, so an error names the line of the bad one.
RegexText = Annotated[str, AfterValidator(_compile_or_explain)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _DomainModel(_Strict):
    host: str
    accept: list[int] = []
    per_host: int | None = Field(default=None, ge=1)
    delay: float = Field(default=0.0, ge=0)
    headers: dict[str, str] = {}

    @field_validator("headers")
    @classmethod
    def _no_credentials(cls, value: dict[str, str]) -> dict[str, str]:
        bad = sorted(name for name in value if name.lower() in FORBIDDEN_HEADERS)
        if bad:
            raise ValueError(f"header {bad[0]!r} may not be configured: no credentials are sent")
        return value


class _RemapModel(_Strict):
    name: str
    match: RegexText
    replace: str


class CheckModel(_Strict):
    concurrency: int = Field(default=64, ge=1, le=1024)
    per_host: int = Field(default=4, ge=1, le=64)
    connect_timeout: float = Field(default=10.0, gt=0)
    first_byte_timeout: float = Field(default=15.0, gt=0)
    total_timeout: float = Field(default=30.0, gt=0)
    body_timeout: float = Field(default=2.0, gt=0)
    run_deadline: float | None = Field(default=1800.0, gt=0)
    retries: int = Field(default=3, ge=0, le=10)
    backoff_base: float = Field(default=0.5, ge=0)
    backoff_max: float = Field(default=8.0, ge=0)
    max_retry_after: float = Field(default=60.0, ge=0)
    max_redirects: int = Field(default=10, ge=0, le=50)
    max_body_bytes: int = Field(default=256 * KIB, ge=1024)
    max_decompressed_bytes: int = Field(default=256 * KIB, ge=1024)
    max_header_bytes: int = Field(default=16 * KIB, ge=1024)
    user_agent: str = USER_AGENT
    method: RequestMethod = RequestMethod.GET
    http_client: HttpClientKind = HttpClientKind.WIRE
    allow_private: bool = False
    trusted_networks: list[str] = []
    resolve: dict[str, list[str]] = {}
    exclude: list[RegexText] = []
    domains: list[_DomainModel] = []
    remaps: list[_RemapModel] = []
    soft_404_markers: list[RegexText] = []

    @field_validator("trusted_networks")
    @classmethod
    def _networks_parse(cls, value: list[str]) -> list[str]:
        for network in value:
            ipaddress.ip_network(network, strict=False)
        return value


def to_settings(model: CheckModel) -> CheckSettings:
    data = model.model_dump(
        exclude={"trusted_networks", "resolve", "exclude", "domains", "remaps", "soft_404_markers"}
    )
    return CheckSettings(
        **data,
        trusted_networks=tuple(
            ipaddress.ip_network(n, strict=False) for n in model.trusted_networks
        ),
        resolve=MappingProxyType({h.lower(): tuple(a) for h, a in model.resolve.items()}),
        exclude=tuple(re.compile(p) for p in model.exclude),
        soft_404_markers=tuple(re.compile(p, re.IGNORECASE) for p in model.soft_404_markers),
        domains=tuple(_domain(d) for d in model.domains),
        remaps=DEFAULT_REMAPS + tuple(
            Remap(r.name, re.compile(r.match), r.replace) for r in model.remaps
        ),
    )


def _domain(model: _DomainModel) -> DomainRule:
    return DomainRule(
        host=model.host,
        accept=frozenset(model.accept),
        per_host=model.per_host,
        delay=model.delay,
        headers=MappingProxyType(dict(model.headers)),
    )
