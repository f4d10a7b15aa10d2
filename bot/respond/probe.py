"""Checking one URL now, for `recheck`, `replace` and `explain`: the engine, address guard
included, behind the small `Probe` interface the commands use (tests may pass another)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Protocol

from bot.check.engine import check_links, explain_url, prescreen
from bot.check.explain_text import explain_lines
from bot.check.http import strip_userinfo
from bot.check.observation import Observation, Verdict
from bot.check.settings import CheckSettings
from bot.model import Link, LinkResult


class Probe(Protocol):
    def check(self, url: str) -> LinkResult: ...
    def explain(self, url: str) -> list[str]: ...


@dataclass(frozen=True, slots=True)
class EngineProbe:
    """The real checker, with the run's check settings (private addresses refused)."""

    settings: CheckSettings

    def check(self, url: str) -> LinkResult:
        report = asyncio.run(check_links([Link(url)], self.settings))
        return report.links[0]

    def explain(self, url: str) -> list[str]:
        skipped = prescreen(Link(url), self.settings)
        if skipped is not None:
            verdict = Verdict(skipped.status, skipped.reason, f"prescreen:{skipped.reason}",
                              "not requested: " + skipped.reason.replace("_", " "))
            return explain_lines(Observation(url=strip_userinfo(url)), verdict)
        return explain_lines(*asyncio.run(explain_url(url, self.settings)))
