"""Freshness: when each resource was last updated (pages, provider APIs) and whether it is stale.

    scrape_page(snapshot) -> metadata        the checker's page hook (pure, never raises)
    assess(document, report, settings, session, today) -> records   one per roadmap resource
    freshness_to_json(records) -> {resource id: record JSON}       the cross-team contract
    load_settings(config path, token) -> FreshnessSettings
"""

from __future__ import annotations

from bot.freshness.assess import assess, open_session
from bot.freshness.dates import parse_date
from bot.freshness.record import (
    FreshnessRecord,
    Verdict,
    freshness_from_json,
    freshness_to_json,
)
from bot.freshness.scrape import scrape_page
from bot.freshness.settings import FreshnessSettings, load_settings

__all__ = [
    "FreshnessRecord",
    "FreshnessSettings",
    "Verdict",
    "assess",
    "freshness_from_json",
    "freshness_to_json",
    "load_settings",
    "open_session",
    "parse_date",
    "scrape_page",
]
