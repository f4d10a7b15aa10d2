"""Freshness: when each resource was last updated (pages, provider APIs) and whether it is stale.

    scrape_page(snapshot) -> metadata        the checker's page hook (pure, never raises)
    assess(document, report, settings, session, today) -> records   one per roadmap resource
    freshness_to_json(records) -> {resource id: record JSON}       the cross-team contract
    load_settings(config path, token) -> FreshnessSettings

The package root imports nothing, so that `check`, which needs only `scrape`, does not pay
for the providers at start-up.
"""
