"""Building report entries from observations and verdicts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.check.classify import classify
from bot.check.observation import Failure, Observation, Verdict
from bot.check.results import skipped_result, to_link_result
from bot.model import Hop, Link, Reason, Source, Status

WHEN = datetime(2026, 11, 28, 3, 0, 1, tzinfo=UTC)
LINK = Link("https://example.org/old", (Source("roadmap.yaml", 12, "A title"),))


def observe(**fields: object) -> Observation:
    base: dict[str, object] = {"url": LINK.url, "attempts": 2, "elapsed_ms": 84}
    return Observation(**{**base, **fields})  # type: ignore[arg-type]


def test_ok_result_carries_everything_the_report_needs() -> None:
    observation = observe(final_url=LINK.url, final_status=200)
    result = to_link_result(LINK, observation, classify(observation), WHEN, {"title": "T"})
    assert (result.url, result.status, result.reason) == (LINK.url, Status.OK, "http_200")
    assert (result.http_status, result.final_url) == (200, LINK.url)
    assert (result.attempts, result.elapsed_ms, result.checked_at) == (2, 84, WHEN)
    assert result.sources == LINK.sources
    assert dict(result.metadata) == {"title": "T"}


def test_redirected_result_proposes_the_permanent_target() -> None:
    hops = (Hop(LINK.url, 301), Hop("https://example.org/new", 302))
    observation = observe(hops=hops, final_url="https://cdn.example.org/tmp", final_status=200)
    result = to_link_result(LINK, observation, classify(observation), WHEN, {})
    assert (result.status, result.reason) == (Status.REDIRECTED, "permanent_redirect")
    assert result.final_url == "https://example.org/new"
    assert result.redirects == hops


def test_broken_redirect_keeps_the_last_url_and_chain() -> None:
    hops = (Hop(LINK.url, 301),)
    observation = observe(hops=hops, final_url="https://example.org/new", final_status=404)
    result = to_link_result(LINK, observation, classify(observation), WHEN, {})
    assert (result.status, result.reason, result.http_status) == (
        Status.BROKEN, "redirect_to_404", 404)
    assert result.final_url == "https://example.org/new"


def test_transport_failure_has_no_status_and_no_final_url() -> None:
    observation = observe(failure=Failure.DNS_NXDOMAIN)
    result = to_link_result(LINK, observation, classify(observation), WHEN, {})
    assert (result.status, result.reason) == (Status.BROKEN, "dns")
    assert result.http_status is None and result.final_url is None


def test_metadata_is_frozen() -> None:
    observation = observe(final_url=LINK.url, final_status=200)
    verdict = Verdict(Status.OK, "http_200", "status-table:200")
    metadata = {"title": "T"}
    result = to_link_result(LINK, observation, verdict, WHEN, metadata)
    metadata["title"] = "changed"
    assert result.metadata["title"] == "T"
    with pytest.raises(TypeError):
        result.metadata["x"] = 1  # type: ignore[index]


def test_skipped_result() -> None:
    result = skipped_result(LINK, Reason.UNSUPPORTED_SCHEME)
    assert (result.status, result.reason) == (Status.SKIPPED, "unsupported_scheme")
    assert result.sources == LINK.sources and result.http_status is None and result.attempts == 0
