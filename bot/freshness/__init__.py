"""Freshness: when each resource was last updated (pages and provider APIs) and whether it is stale."""

from __future__ import annotations

from bot.freshness.dates import parse_date
from bot.freshness.scrape import scrape_page

__all__ = ["parse_date", "scrape_page"]
