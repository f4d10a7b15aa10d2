"""The second-opinion lines of `explain`: each source asked, its requests, the deciding rule."""

from __future__ import annotations

from bot.check.observation import Exchange
from bot.model import LinkResult, Method, Opinion, Status, Verification
from bot.verify.explain_text import second_opinion_lines
from bot.verify.stage import Trace

URL = "https://leetcode.com/problemset/"
ALIVE = Verification(Method.ARCHIVE, "https://web.archive.org/web/*/" + URL, Opinion.ALIVE,
                     "2026-12-02", "seen alive by the Internet Archive on 2026-12-02")


def test_requests_and_the_deciding_rule_are_shown() -> None:
    cdx = Exchange("GET", "https://web.archive.org/cdx/search/cdx?url=x", 200, elapsed_ms=80)
    lines = second_opinion_lines(
        (Trace("provider:unknown"), Trace("archive:recent_200", (cdx,))),
        LinkResult(URL, Status.BLOCKED, "bot_protection", verification=ALIVE))
    assert lines == [
        "second opinion:",
        "  asked: provider:unknown",
        "  asked: archive:recent_200",
        "    GET https://web.archive.org/cdx/search/cdx?url=x -> 200 in 80 ms",
        "opinion: alive by archive (https://web.archive.org/web/*/https://leetcode.com/problemset/,"
        " seen alive 2026-12-02) — decided by rule archive:recent_200: seen alive by the "
        "Internet Archive on 2026-12-02",
    ]


def test_a_remembered_opinion_says_no_request_was_made() -> None:
    lines = second_opinion_lines((Trace("remembered:2026-12-01", remembered=True),),
                                 LinkResult(URL, Status.BLOCKED, "http_403", verification=ALIVE))
    assert lines[1] == "  asked: remembered:2026-12-01 (remembered, no request)"


def test_links_without_an_opinion_say_why() -> None:
    assert second_opinion_lines((), LinkResult(URL, Status.OK, "http_200")) == [
        "second opinion: none needed (the URL itself showed the answer)"]
    (error,) = second_opinion_lines((), LinkResult(URL, Status.ERROR, "timeout"))
    assert error.startswith("second opinion: not asked (an inconclusive link")
