"""The policy, table-driven: facts in, verdict, priority, date and suggested action out."""

from __future__ import annotations

from datetime import date

import pytest

from bot.freshness.policy import Facts, dates_from_metadata, judge, last_updated
from bot.freshness.providers import ProviderResult, Signal
from bot.freshness.record import Action, DatedFact, DateField, Evidence, Priority, Verdict
from bot.freshness.settings import PolicySettings

TODAY = date(2026, 11, 28)
POLICY = PolicySettings()
M, P = DateField.MODIFIED, DateField.PUBLISHED


def provider(*signals: Signal, url: str | None = None, found: bool = True,
             dates: tuple[DatedFact, ...] = (), text: str | None = None) -> ProviderResult:
    return ProviderResult("p", found=found, reason=None if found else "timeout", dates=dates,
                          signals=frozenset(signals), suggested_url=url, suggested_text=text)


PUSHED_OLD = (DatedFact(M, "2024-11-27", "github:pushed_at"),)
PUSHED_NEW = (DatedFact(M, "2024-11-29", "github:pushed_at"),)

CASES = [
    # name, facts, verdict, priority, action, suggested url
    ("no date, no provider", Facts("article", True), Verdict.UNKNOWN, Priority.NORMAL, None, None),
    ("provider failed", Facts("repository", True, provider=provider(found=False)),
     Verdict.UNKNOWN, Priority.NORMAL, None, None),
    ("recent article", Facts("article", True, (DatedFact(P, "2025-01-01", "meta:date"),)),
     Verdict.FRESH, Priority.NORMAL, None, None),
    ("article 4 years old to the day is not yet old",
     Facts("article", True, (DatedFact(P, "2022-11-28", "meta:date"),)),
     Verdict.FRESH, Priority.NORMAL, None, None),
    ("old course -> low priority review",
     Facts("course", True, (DatedFact(M, "2022-11-27", "text:last-updated"),)),
     Verdict.REVIEW, Priority.LOW, Action.REVIEW_CONTENT, None),
    ("old roadmap page: no threshold for the kind",
     Facts("roadmap", True, (DatedFact(M, "2015-01-01", "json-ld:WebPage.dateModified"),)),
     Verdict.FRESH, Priority.NORMAL, None, None),
    ("removed video", Facts("video", True, provider=provider(Signal.REMOVED)),
     Verdict.BROKEN, Priority.NORMAL, Action.REMOVE_OR_REPLACE, None),
    ("course whose link is broken", Facts("course", True, link_status="broken",
                                          link_reason="http_404"),
     Verdict.BROKEN, Priority.NORMAL, Action.REMOVE_OR_REPLACE, None),
    ("article whose link is broken: the checker's business, not freshness",
     Facts("article", True, link_status="broken", link_reason="http_404"),
     Verdict.UNKNOWN, Priority.NORMAL, None, None),
    ("private video", Facts("video", True, provider=provider(Signal.PRIVATE)),
     Verdict.REVIEW, Priority.NORMAL, Action.CHECK_MANUALLY, None),
    ("archived repository", Facts("repository", True, PUSHED_NEW,
                                  provider(Signal.ARCHIVED, dates=PUSHED_NEW)),
     Verdict.STALE, Priority.NORMAL, Action.REMOVE_OR_REPLACE, None),
    ("deleted package", Facts("tool", False, provider=provider(Signal.DELETED)),
     Verdict.STALE, Priority.NORMAL, Action.REMOVE_OR_REPLACE, None),
    ("archived and renamed: fix the link first",
     Facts("repository", True, provider=provider(Signal.ARCHIVED, Signal.RENAMED,
                                                url="https://github.com/n/r")),
     Verdict.STALE, Priority.NORMAL, Action.REPLACE_URL, "https://github.com/n/r"),
    ("renamed only", Facts("repository", True, PUSHED_NEW,
                           provider(Signal.RENAMED, url="https://github.com/n/r")),
     Verdict.FRESH, Priority.NORMAL, Action.REPLACE_URL, "https://github.com/n/r"),
    ("deleted branch", Facts("repository", True, provider=provider(
        Signal.REF_MISSING, url="https://github.com/o/r")),
     Verdict.BROKEN, Priority.NORMAL, Action.REPLACE_URL, "https://github.com/o/r"),
    ("no push for 24 months", Facts("repository", True, PUSHED_OLD, provider(dates=PUSHED_OLD)),
     Verdict.STALE, Priority.NORMAL, Action.REVIEW_CONTENT, None),
    ("pushed just inside 24 months", Facts("repository", True, PUSHED_NEW,
                                           provider(dates=PUSHED_NEW)),
     Verdict.FRESH, Priority.NORMAL, None, None),
    ("tool page's old date is no proof of abandonment",
     Facts("tool", True, (DatedFact(M, "2019-01-01", "header:last-modified"),)),
     Verdict.FRESH, Priority.NORMAL, None, None),
    ("book with a newer edition", Facts("book", False, provider=provider(
        Signal.NEWER_EDITION, url="https://openlibrary.org/works/OL1W", text="X, 4th Edition")),
     Verdict.STALE, Priority.NORMAL, Action.UPDATE_EDITION, "https://openlibrary.org/works/OL1W"),
    ("link-less book found", Facts("book", False, provider=provider(
        url="https://openlibrary.org/works/OL2W")),
     Verdict.FRESH, Priority.NORMAL, Action.ADD_URL, "https://openlibrary.org/works/OL2W"),
    ("linked book found: no link suggested", Facts("book", True, provider=provider(
        url="https://openlibrary.org/works/OL2W")),
     Verdict.FRESH, Priority.NORMAL, None, None),
    ("Last-Modified as new as the fetch: made on the fly",
     Facts("article", True, (DatedFact(M, "2026-11-28", "header:last-modified"),),
           checked_on="2026-11-28"), Verdict.UNKNOWN, Priority.NORMAL, None, None),
    ("an older Last-Modified counts", Facts(
        "article", True, (DatedFact(M, "2021-01-01", "header:last-modified"),),
        checked_on="2026-11-28"), Verdict.REVIEW, Priority.LOW, Action.REVIEW_CONTENT, None),
    ("future date ignored", Facts("article", True, (DatedFact(P, "2027-05-01", "meta:date"),)),
     Verdict.UNKNOWN, Priority.NORMAL, None, None),
]


@pytest.mark.parametrize(("name", "facts", "verdict", "priority", "action", "url"), CASES,
                         ids=[case[0] for case in CASES])
def test_judge(name: str, facts: Facts, verdict: Verdict, priority: Priority,
               action: Action | None, url: str | None) -> None:
    judgement = judge(facts, POLICY, TODAY)
    assert judgement.verdict is verdict
    assert judgement.priority is priority
    assert (judgement.suggestion.action if judgement.suggestion else None) == action
    assert (judgement.suggestion.url if judgement.suggestion else None) == url


def test_thresholds_come_from_settings() -> None:
    facts = Facts("article", True, (DatedFact(P, "2025-06-01", "meta:date"),))
    strict = PolicySettings(review_after_years={"article": 1})
    assert judge(facts, POLICY, TODAY).verdict is Verdict.FRESH
    assert judge(facts, strict, TODAY).verdict is Verdict.REVIEW
    repo = Facts("repository", True, PUSHED_NEW, provider(dates=PUSHED_NEW))
    assert judge(repo, PolicySettings(stale_after_months=12), TODAY).verdict is Verdict.STALE


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        ((DatedFact(P, "2020-01-01", "json-ld:Article.datePublished"),
          DatedFact(M, "2023-01-01", "header:last-modified")), "2023-01-01"),
        # a weak source's modified date beats nothing; a strong modified date beats a weak one
        ((DatedFact(M, "2023-01-01", "header:last-modified"),
          DatedFact(M, "2021-01-01", "json-ld:Course.dateModified")), "2021-01-01"),
        # the API's own date outranks the page
        ((DatedFact(M, "2021-01-01", "json-ld:Course.dateModified"),
          DatedFact(M, "2024-01-01", "github:pushed_at")), "2024-01-01"),
        # modified before published is nonsense: use published
        ((DatedFact(P, "2022-01-01", "meta:article:published_time"),
          DatedFact(M, "2021-01-01", "meta:article:modified_time")), "2022-01-01"),
        ((), None),
    ],
)
def test_last_updated(dates: tuple[DatedFact, ...], expected: str | None) -> None:
    found = last_updated(dates)
    assert (found.date if found else None) == expected


def test_evidence_lists_dates_sources_provider_facts_and_the_link() -> None:
    facts = Facts("video", True, (DatedFact(P, "2020-10-21", "meta:itemprop:uploadDate"),
                                  DatedFact(P, "2030-01-01", "time-element")),
                  ProviderResult("youtube", evidence=(Evidence("channel", "Nana", "youtube:oembed"),)),
                  link_status="ok", link_reason="http_200")
    judgement = judge(facts, POLICY, TODAY)
    assert judgement.last_updated == "2020-10-21"
    assert judgement.date_source == "meta:itemprop:uploadDate"
    assert judgement.evidence == (
        Evidence("published", "2020-10-21", "meta:itemprop:uploadDate"),
        Evidence("channel", "Nana", "youtube:oembed"),
        Evidence("link", "ok (http_200)", "check"),
        Evidence("ignored future date", "2030-01-01", "time-element"),
    )


@pytest.mark.parametrize(
    ("metadata", "expected"),
    [
        ({"dates": [{"field": "modified", "date": "2024-11-01", "source": "text:last-updated"}]},
         (DatedFact(M, "2024-11-01", "text:last-updated"),)),
        ({"published": "2023-02-03", "title": "x"},
         (DatedFact(P, "2023-02-03", "page:metadata"),)),
        ({"dates": [{"field": "bogus", "date": "2024-11-01", "source": "x"},
                    {"field": "modified", "date": "2024-13-01", "source": "x"},
                    {"field": "modified", "date": 20240101, "source": "x"}, "junk"]}, ()),
        ({}, ()),
    ],
)
def test_dates_from_report_metadata(metadata: dict[str, object],
                                    expected: tuple[DatedFact, ...]) -> None:
    assert dates_from_metadata(metadata) == expected


@pytest.mark.parametrize(
    ("found", "text"),
    [
        (ProviderResult("openlibrary", title="Learning Git",
                        suggested_url="https://openlibrary.org/works/OL36789012W"),
         'No link yet: add its Open Library page ("Learning Git").'),
        (ProviderResult("openlibrary", suggested_url="https://openlibrary.org/works/OL1W"),
         "No link yet: add its Open Library page."),
        (ProviderResult("newprovider", title="T", suggested_url="https://x.org/"),
         'No link yet: add its newprovider page ("T").'),
    ],
)
def test_linkless_suggestion_names_the_source_properly(found: ProviderResult, text: str) -> None:
    judged = judge(Facts("book", False, provider=found), PolicySettings(), TODAY)
    assert judged.suggestion is not None and judged.suggestion.text == text


def test_newer_edition_suggestion_gives_its_year_and_link() -> None:
    found = ProviderResult("openlibrary", signals=frozenset({Signal.NEWER_EDITION}),
                           suggested_url="https://openlibrary.org/books/OL37785345M",
                           suggested_text="Hands-On Machine Learning, 3rd Edition (2022)")
    judged = judge(Facts("book", False, provider=found), PolicySettings(), TODAY)
    assert judged.verdict is Verdict.STALE and judged.suggestion is not None
    assert judged.suggestion.text == (
        "A newer edition exists: Hands-On Machine Learning, 3rd Edition (2022).")
    assert judged.suggestion.url == "https://openlibrary.org/books/OL37785345M"
