"""The word screen in front of the body regexes never rules out a real match: any text a
signature's regex matches holds, once folded, one of the words read off that regex."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.check.classify import (
    _ANY_STRONG_MARKER,
    _ANY_WHOLE_MARKER,
    ByStatus,
    Page,
    classify,
    folded_words,
    matches,
    may_match,
)
from bot.check.observation import Observation
from bot.check.page_text import ASCII_TWINS, fold
from bot.check.signatures import BOT_PROTECTION, PARKED, SITE_REMOVED, Signature
from bot.model import Status

BODY_REGEXES = [sig.body_regex for sig in (*BOT_PROTECTION, *PARKED, *SITE_REMOVED)
                if sig.body_regex is not None]


def screens(regex: re.Pattern[str], text: str) -> bool:
    return may_match(regex, fold(text))


@pytest.mark.parametrize("regex", [*BODY_REGEXES, _ANY_WHOLE_MARKER],
                         ids=lambda regex: regex.pattern[:30])
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_every_match_holds_a_word(regex: re.Pattern[str], data: st.DataObject) -> None:
    text = data.draw(st.from_regex(regex))
    assert regex.search(text)
    assert screens(regex, text)
    assert screens(regex, text.upper())  # the page's case does not matter
    twins = text.replace("i", "ı").replace("I", "İ").replace("k", "\u212a").replace("s", "ſ")
    assert not regex.search(twins) or screens(regex, twins)


def test_the_twins_are_every_non_ascii_character_case_blind_regexes_take_for_ascii() -> None:
    # Re-derive ASCII_TWINS from all of Unicode: characters whose case mappings hold an
    # ASCII character are the only candidates, each tried both ways against every letter.
    found = set()
    for code in range(0x80, 0x110000):
        char = chr(code)
        forms = char.lower() + char.upper() + char.casefold()
        if 0xD800 <= code < 0xE000 or not any(form.isascii() for form in forms):
            continue
        for letter in "abcdefghijklmnopqrstuvwxyz":
            if re.fullmatch(letter, char, re.I) or re.fullmatch(re.escape(char), letter, re.I):
                found.add((char, letter))
    assert found == set(ASCII_TWINS)


@pytest.mark.parametrize(
    ("pattern", "flags", "ascii_words", "any_words"),
    [
        (r"buy this domain|このドメイン", re.I, ("buy this domain",),
         ("buy this domain", "このドメイン")),
        (r"このドメイン", re.I, (), ("このドメイン",)),  # no ASCII page says it
        (r"(?:this|the) domain(?: name)? is for sale", re.I, (" is for sale",),
         (" is for sale",)),
        (r"(?:abc)?d", 0, ("d",), ("d",)),
        (r"x{2,}yz", 0, ("yz",), ("yz",)),
        (r"ab|[0-9]+", 0, None, None),  # an alternative without a required letter: no screen
        (r"sayfa bulunamadı", re.I, ("sayfa bulunamadi",), ("sayfa bulunamad",)),
        (r"Éa", re.I, (), ("a",)),  # É is cased: on non-ASCII text it may be é
        (r"ſ", re.I, ("s",), None),  # the long s is cased, and its twin is "s"
        (r"Bodis\.COM", 0, ("bodis.com",), ("bodis.com",)),
    ],
)
def test_words_read_off_a_regex(pattern: str, flags: int, ascii_words: tuple[str, ...] | None,
                                any_words: tuple[str, ...] | None) -> None:
    regex = re.compile(pattern, flags)
    assert folded_words(regex, True) == ascii_words
    assert folded_words(regex, False) == any_words


def test_the_marker_alternations_have_screens() -> None:
    assert folded_words(_ANY_WHOLE_MARKER, True) is not None
    assert "not found" in (folded_words(_ANY_STRONG_MARKER, True) or ())


def test_non_ascii_text_is_screened_by_its_own_words() -> None:
    regex = re.compile(r"buy this domain|このドメインは販売中", re.I)
    assert screens(regex, "BUY THIS DOMAIN — café")
    assert screens(regex, "ようこそ。このドメインは販売中です")
    assert not screens(regex, "A page about something else — café")
    assert not screens(regex, "A page about something else")


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


# Signatures of the kinds the tables do not have (yet): no condition but a status, a body regex
# that needs no word, a header and a body together, a short page alone.
SYNTHETIC = ByStatus((
    Signature("bare", Status.BLOCKED, "x", statuses=frozenset({418})),
    Signature("digits", Status.BLOCKED, "x", statuses=frozenset({402}),
              body_regex=re.compile(r"[0-9]{5}")),
    Signature("header-and-body", Status.BLOCKED, "x", header="x-a", body_regex=re.compile("q")),
    Signature("short", Status.BLOCKED, "x", short_page=True, body_regex=re.compile("Tiny", re.I)),
    Signature("url", Status.BLOCKED, "x", url_regex=re.compile("/u/"), body_regex=re.compile("z")),
))


@pytest.mark.parametrize("code", [200, 402, 418])
@pytest.mark.parametrize("headers", [{}, {"X-A": "1"}])
@pytest.mark.parametrize("url", ["https://example.org/u/1", "https://example.org/v/1"])
@pytest.mark.parametrize("body", ["", "12345", "q", "<p>TINY</p>", "tiny " * 500, "z"])
def test_a_screen_lets_through_every_page_a_signature_of_its_split_matches(
        code: int, headers: dict[str, str], url: str, body: str) -> None:
    observation = Observation(url=url, final_url=url, final_status=code, attempts=1,
                              final_headers=headers, body=body.encode())
    page = Page(observation)
    if any(matches(signature, page) for signature in SYNTHETIC(code)):
        assert SYNTHETIC.screen(code).may_match(page)
    assert SYNTHETIC.screen(code).always is (code == 418)


def test_a_screen_skips_a_page_none_could_match() -> None:
    url = "https://example.org/v/1"
    observation = Observation(url=url, final_url=url, final_status=200, attempts=1,
                              body=("<p>A long article. </p>" * 200).encode())
    assert not SYNTHETIC.screen(200).may_match(Page(observation))
    assert SYNTHETIC.screen(200) is SYNTHETIC.screen(200)


def test_signatures_name_their_headers_in_lowercase() -> None:
    # Page.header() looks names up as given: in lowercase, as the headers are matched.
    assert all(sig.header == sig.header.lower() for sig in (*BOT_PROTECTION, *PARKED, *SITE_REMOVED)
               if sig.header is not None)
