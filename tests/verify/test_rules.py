"""The pure rules of the second-opinion stage: who is asked, what providers and public
pages say, when a remembered opinion still stands."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.freshness.providers.interface import ProviderResult, Signal
from bot.history.verifications import Remembered
from bot.model import LinkResult, Method, Opinion, Status, Verification
from bot.verify.rules import provider_opinion, public_page, reusable, wants_opinion

NOW = datetime(2026, 12, 4, 3, 0, tzinfo=UTC)
URL = "https://www.udemy.com/course/mlflow-course/"


@pytest.mark.parametrize(
    ("status", "failing_before", "wanted"),
    [(Status.BLOCKED, False, True), (Status.ERROR, False, False), (Status.ERROR, True, True),
     (Status.BROKEN, True, False), (Status.OK, True, False), (Status.SKIPPED, True, False)],
)
def test_who_is_asked(status: Status, failing_before: bool, wanted: bool) -> None:
    assert wants_opinion(LinkResult(URL, status, "r"), failing_before) is wanted


@pytest.mark.parametrize(
    ("found", "verdict", "rule"),
    [
        (ProviderResult("youtube", title="A talk"), Opinion.ALIVE, "provider:found"),
        (ProviderResult("youtube", signals=frozenset({Signal.REMOVED})), Opinion.GONE,
         "provider:gone"),
        (ProviderResult("github", signals=frozenset({Signal.DELETED})), Opinion.GONE,
         "provider:gone"),
        (ProviderResult("github", signals=frozenset({Signal.RENAMED})), Opinion.ALIVE,
         "provider:found"),
        (ProviderResult("youtube", signals=frozenset({Signal.PRIVATE})), Opinion.UNKNOWN,
         "provider:silent"),
        (ProviderResult.unknown("github", "timeout"), Opinion.UNKNOWN, "provider:unknown"),
    ],
)
def test_provider_answers(found: ProviderResult, verdict: Opinion, rule: str) -> None:
    judged = provider_opinion(found, "2026-12-04")
    assert (judged.verification.verdict, judged.rule) == (verdict, rule)
    assert judged.verification.method is Method.PROVIDER
    assert judged.verification.source == found.provider
    assert judged.verification.seen_alive == ("2026-12-04" if verdict is Opinion.ALIVE else None)


@pytest.mark.parametrize(
    ("status", "verdict"),
    [(Status.OK, Opinion.ALIVE), (Status.REDIRECTED, Opinion.ALIVE), (Status.BROKEN, Opinion.GONE),
     (Status.BLOCKED, None), (Status.ERROR, None)],
)
def test_public_page_verdicts(status: Status, verdict: Opinion | None) -> None:
    twin = "https://www.datacamp.com/tracks/python-programming"
    result = LinkResult("https://app.datacamp.com/learn/skill-tracks/python-programming", status,
                        "r", metadata={"checked_as": twin, "remap": "datacamp-app-skill-track"})
    judged = public_page(result)
    assert (judged.verification.verdict if judged else None) == verdict
    if judged:
        assert judged.verification.source == twin
    assert public_page(LinkResult(URL, Status.OK, "http_200")) is None


ALIVE = Verification(Method.ARCHIVE, "a", Opinion.ALIVE, "2026-12-01", "seen")


@pytest.mark.parametrize(
    ("asked", "direct", "reused"),
    [
        (NOW - timedelta(days=1), "blocked/bot_protection", True),
        (NOW - timedelta(days=6, hours=23), "blocked/bot_protection", True),
        (NOW - timedelta(days=7), "blocked/bot_protection", False),  # weekly
        (NOW - timedelta(days=1), "blocked/http_403", False),  # the direct check changed
        (NOW + timedelta(days=1), "blocked/bot_protection", False),  # asked "in the future"
    ],
)
def test_a_remembered_opinion_stands_a_week_while_the_check_sees_the_same(
        asked: datetime, direct: str, reused: bool) -> None:
    memory = Remembered(asked.strftime("%Y-%m-%dT%H:%M:%SZ"), direct, ALIVE)
    result = LinkResult(URL, Status.BLOCKED, "bot_protection")
    assert reusable(memory, result, NOW, 7) is reused
    assert not reusable(None, result, NOW, 7)
    assert not reusable(Remembered("garbage", direct, ALIVE), result, NOW, 7)
