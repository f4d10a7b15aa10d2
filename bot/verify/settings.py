"""The `verify:` section of roadmap-bot.yaml as frozen settings for the second-opinion stage."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from bot.configfile import read_section

ARCHIVE = "https://web.archive.org"


@dataclass(frozen=True, slots=True)
class VerifySettings:
    """Where the archive lives (tests point it at a local fake) and how much to trust it."""

    enabled: bool = True
    archive: str = ARCHIVE  # the Internet Archive: CDX, availability API and replays
    max_age_days: int = 60  # a 200 capture older than this no longer vouches for a link
    recheck_days: int = 7  # a remembered second opinion is asked again after this long
    captures: int = 8  # newest captures read from the CDX API
    future_tolerance_days: int = 2  # capture dates further ahead are ignored as bogus


class _VerifyModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = True
    archive: str = ARCHIVE
    max_age_days: int = Field(default=60, ge=1, le=3650)
    recheck_days: int = Field(default=7, ge=0, le=365)
    captures: int = Field(default=8, ge=1, le=100)
    future_tolerance_days: int = Field(default=2, ge=0, le=365)


def load_verify_config(path: str | None) -> VerifySettings:
    """The `verify:` section of a roadmap-bot.yaml; a bad value names its line."""
    model = read_section(path, "verify").parsed(_VerifyModel)
    return VerifySettings(**model.model_dump())
