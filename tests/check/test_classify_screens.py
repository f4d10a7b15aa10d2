"""The word screen in front of the body regexes never rules out a real match: any ASCII text a
signature's regex matches holds one of the words read off that regex."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bot.check.classify import (
    _ANY_STRONG_MARKER,
    _ANY_WHOLE_MARKER,
    ByStatus,
    ascii_words,
    classify,
    may_match,
)
from bot.check.observation import Observation
from bot.check.signatures import BOT_PROTECTION, PARKED, SITE_REMOVED
from bot.model import Status

BODY_REGEXES = [sig.body_regex for sig in (*BOT_PROTECTION, *PARKED, *SITE_REMOVED)
                if sig.body_regex is not None]


@pytest.mark.parametrize("regex", BODY_REGEXES, ids=lambda regex: regex.pattern[:30])
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_every_ascii_match_holds_a_word(regex: re.Pattern[str], data: st.DataObject) -> None:
    text = data.draw(st.from_regex(regex))
    assume(text.isascii())
    assert regex.search(text)
    assert may_match(regex, text)
    assert may_match(regex, text.upper())  # the page's case does not matter


@pytest.mark.parametrize(
    ("pattern", "flags", "words"),
    [
        (r"buy this domain|このドメイン", re.I, ("buy this domain",)),  # no ASCII page says it
        (r"このドメイン", re.I, ()),
        (r"(?:this|the) domain(?: name)? is for sale", re.I, (" is for sale",)),
        (r"(?:abc)?d", 0, ("d",)),
        (r"x{2,}yz", 0, ("yz",)),
        (r"ab|[0-9]+", 0, None),  # an alternative without a required letter: no screen
        (r"ſ", re.I, None),  # the long s matches "s" when case is ignored
        (r"Bodis\.COM", 0, ("bodis.com",)),
    ],
)
def test_words_read_off_a_regex(pattern: str, flags: int, words: tuple[str, ...] | None) -> None:
    assert ascii_words(re.compile(pattern, flags)) == words


def test_the_marker_alternations_have_screens() -> None:
    assert ascii_words(_ANY_WHOLE_MARKER) is not None
    assert "not found" in (ascii_words(_ANY_STRONG_MARKER) or ())


def test_non_ascii_text_is_never_screened() -> None:
    regex = re.compile(r"buy this domain", re.I)
    assert may_match(regex, "Buy this domain — café")
    assert not may_match(regex, "A page about something else")


@pytest.mark.parametrize(
    ("body", "rule"),
    [
        ("<title>x.com</title><p>Buy this domain</p>", "parked:for-sale-text"),
        ("<title>x.com</title><p>BUY THIS DOMAIN</p>", "parked:for-sale-text"),
        ("<title>x.com</title><script src=//sedoparking.com/x.js></script>",
         "parked:parking-service-assets"),
        ("<title>x.com</title><p>Diese Domain steht zum Verkauf — jetzt</p>",
         "parked:for-sale-text"),
        ("<title>Docs</title><p>Sorry, that page was not found.</p>", "soft-404:short-body"),
        ("<title>Docs</title><p>A healthy page.</p>", "status-table:200"),
    ],
)
def test_screened_short_pages_keep_their_verdicts(body: str, rule: str) -> None:
    url = "https://example.org/docs/page"
    observation = Observation(url=url, final_url=url, final_status=200, attempts=1,
                              final_headers={"content-type": "text/html"}, body=body.encode())
    verdict = classify(observation)
    assert verdict.rule == rule
    assert verdict.status is (Status.OK if rule == "status-table:200" else Status.BROKEN)


@pytest.mark.parametrize("code", [200, 403, 429, 503, 999])
def test_signatures_split_by_status_keep_every_one_that_applies(code: int) -> None:
    expected = tuple(sig for sig in BOT_PROTECTION if not sig.statuses or code in sig.statuses)
    split = ByStatus(BOT_PROTECTION)
    assert split(code) == expected
    assert split(code) is split(code)  # worked out once per status
    assert [sig.name for sig in split(code)] == [sig.name for sig in BOT_PROTECTION
                                                  if sig in expected]  # table order
