"""Page scraping: every date source and format in the fixtures, with the source recorded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from multidict import CIMultiDict, CIMultiDictProxy

from bot.freshness.scrape import scrape_page, visible_text
from bot.model import PageSnapshot

FIXTURES = Path(__file__).parent / "fixtures"


def scrape(name: str, headers: dict[str, str] | None = None, url: str = "https://example.org/p",
           encoding: str | None = None) -> dict[str, Any]:
    body = (FIXTURES / name).read_bytes()
    return scrape_page(PageSnapshot(url, 200, headers or {}, body, encoding))


def sources(metadata: dict[str, Any]) -> set[tuple[str, str, str]]:
    return {(d["field"], d["date"], d["source"]) for d in metadata.get("dates", [])}


@pytest.mark.parametrize(
    ("fixture", "published", "modified", "expected_sources"),
    [
        ("udemy_course.html", None, "2024-11-01",
         {("modified", "2024-11-01", "text:last-updated")}),
        ("blog_meta.html", "2023-06-12", "2025-03-03",
         {("published", "2023-06-12", "meta:article:published_time"),
          ("modified", "2025-03-03", "meta:article:modified_time")}),
        ("jsonld_graph.html", "2022-04-18", "2023-01-08",
         {("published", "2022-04-18", "json-ld:BlogPosting.datePublished"),
          ("modified", "2023-01-08", "json-ld:BlogPosting.dateModified")}),
        ("youtube_watch.html", "2020-10-21", None,
         {("published", "2020-10-21", "meta:itemprop:uploadDate"),
          ("published", "2020-10-21", "meta:itemprop:datePublished"),
          ("published", "2020-10-21", "json-ld:VideoObject.uploadDate")}),
        ("time_elements.html", "2022-10-14", "2023-02-01",
         {("published", "2022-10-14", "time-element"),
          ("modified", "2023-02-01", "time-element"),
          ("modified", "2023-02-01", "text:last-updated")}),
        ("text_updated.html", None, "2024-01-05",
         {("modified", "2024-01-05", "text:last-updated")}),
        ("rfc_time.html", "2025-03-02", "2025-03-02",
         {("published", "2025-03-02", "meta:dc.date"), ("published", "2025-03-02", "meta:date"),
          ("modified", "2025-03-02", "text:last-updated")}),
        ("jsonld_types.html", "2024-07-08", "2024-11-20",
         {("published", "2023-01-10", "json-ld:Book.datePublished"),
          ("modified", "2024-05-06", "json-ld:SoftwareSourceCode.dateModified"),
          ("published", "2024-07-08", "json-ld:NewsArticle.datePublished"),
          ("modified", "2024-11-20", "json-ld:Course.dateModified")}),
    ],
)
def test_dates_and_their_sources(fixture: str, published: str | None, modified: str | None,
                                 expected_sources: set[tuple[str, str, str]]) -> None:
    metadata = scrape(fixture)
    assert metadata.get("published") == published
    assert metadata.get("modified") == modified
    assert sources(metadata) == expected_sources


def test_udemy_ignores_dates_inside_scripts() -> None:
    # The page's script holds "Last updated 01/2019"; only visible text counts.
    assert "2019-01-01" not in {d["date"] for d in scrape("udemy_course.html")["dates"]}


def test_title_description_canonical_and_og() -> None:
    metadata = scrape("blog_meta.html")
    assert metadata["title"] == "The right way to install Python on a Mac"
    assert metadata["description"] == "pyenv, venv and friends"
    assert metadata["canonical"] == (
        "https://marvelousmlops.substack.com/p/the-right-way-to-install-python-on")
    assert metadata["og"]["og:image"] == "https://example.org/cover.png"


def test_relative_canonical_is_resolved_against_the_page() -> None:
    metadata = scrape("udemy_course.html", url="https://www.udemy.com/course/bash-mastery")
    assert metadata["canonical"] == "https://www.udemy.com/course/bash-mastery/"
    assert metadata["og"]["og:type"] == "udemy_com:course"


def test_page_without_a_date_has_no_date_keys() -> None:
    metadata = scrape("no_date.html")
    assert metadata["title"] == "LeetCode Problem Set"
    assert "published" not in metadata and "modified" not in metadata and "dates" not in metadata


def test_last_modified_header_is_a_date_source() -> None:
    headers = {"Last-Modified": "Wed, 21 Oct 2015 07:28:00 GMT",
               "Date": "Sat, 28 Nov 2026 03:00:00 GMT"}
    metadata = scrape("no_date.html", headers)
    assert metadata["modified"] == "2015-10-21"
    assert sources(metadata) == {("modified", "2015-10-21", "header:last-modified")}


def test_last_modified_stamped_at_serving_time_is_ignored() -> None:
    now = "Sat, 28 Nov 2026 03:00:00 GMT"
    metadata = scrape("no_date.html", {"last-modified": now, "date": now})
    assert "modified" not in metadata


def test_structured_date_outranks_the_header() -> None:
    metadata = scrape("jsonld_graph.html", {"Last-Modified": "Wed, 21 Oct 2015 07:28:00 GMT"})
    assert metadata["modified"] == "2023-01-08"


def test_headers_read_the_same_from_a_dict_and_from_the_checkers_case_blind_map() -> None:
    # The checker hands over a CIMultiDictProxy: looked up case-blind, the first of a repeated
    # header wins, as the loop over a plain mapping finds it.
    raw = [("Content-Type", "text/html; charset=cp1252"), ("LAST-MODIFIED", _OLD),
           ("Date", "Sat, 28 Nov 2026 03:00:00 GMT"), ("date", _OLD)]
    body = (FIXTURES / "no_date.html").read_bytes()
    as_dict = scrape_page(PageSnapshot("https://example.org/p", 200, dict(raw[:3]), body))
    case_blind = scrape_page(PageSnapshot("https://example.org/p", 200,
                                          CIMultiDictProxy(CIMultiDict(raw)), body))
    assert case_blind == as_dict and case_blind["modified"] == "2015-10-21"


_OLD = "Wed, 21 Oct 2015 07:28:00 GMT"


def test_declared_charset_and_malformed_html() -> None:
    metadata = scrape("cp1252_malformed.html")
    assert metadata["title"] == "Café “quotes”"
    assert metadata["published"] == "2021-05-04"
    assert metadata["modified"] == "2021-05-04"


def test_snapshot_encoding_wins_and_unknown_charsets_do_not_crash() -> None:
    body = "<title>Ünïcode</title>".encode()
    assert scrape_page(PageSnapshot("https://x.org", 200, {}, body, "utf-8"))["title"] == "Ünïcode"
    odd = {"Content-Type": "text/html; charset=x-no-such-charset"}
    assert scrape_page(PageSnapshot("https://x.org", 200, odd, body))["title"] == "Ünïcode"


def test_scrape_reads_the_charset_as_the_classifier_does() -> None:
    # Spaces around "=" in a meta charset (which HTML allows) and a charset only in the
    # Content-Type header: both readers decode a page the same way, through one function.
    body = '<meta charset = "windows-1252"><title>Caf\u00e9</title>'.encode("cp1252")
    assert scrape_page(PageSnapshot("https://x.org", 200, {}, body))["title"] == "Caf\u00e9"
    typed = {"content-type": "text/html; charset=windows-1252"}
    plain = "<title>Caf\u00e9</title>".encode("cp1252")
    assert scrape_page(PageSnapshot("https://x.org", 200, typed, plain))["title"] == "Caf\u00e9"


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"\x00\xff\xfe garbage \x00",
        b"<html><head><script type='application/ld+json'>" + b"[" * 100_000 + b"</script>",
        b"<html>" + b"<div>" * 50_000 + b"Last updated",
        b"<meta property='og:x' content='y'>" * 5_000,
        b"<title>" + b"A" * 100_000 + b"</title>",
        b"<meta " * 40_000,  # open tags that never end
        b'<meta content="' * 15_000,  # quotes that never close
        b"<meta a='>" * 30_000,
        b"<script type='application/ld+json'>[1]</script>" * 6_000,
        b"<script>" * 30_000 + b"<!--" * 10_000,
        b"<" * 262_144,
        b"Last updated " * 20_000,
        b"<time datetime='2024-01-01'>" * 20_000,
    ],
)
def test_hostile_pages_never_raise_and_stay_bounded(body: bytes) -> None:
    metadata = scrape_page(PageSnapshot("https://x.org", 200, {}, body))
    assert isinstance(metadata, dict)
    assert len(metadata.get("title", "")) <= 300
    assert len(metadata.get("og", {})) <= 40
    assert len(metadata.get("dates", [])) <= 40


@pytest.mark.parametrize("lookalike", ["ſcript", "scrİpt", "noscrıpt", "ſtyle"])
def test_a_tag_name_that_only_folds_to_script_is_an_ordinary_tag(lookalike: str) -> None:
    # Under Unicode case folding "ſ" matches "s": such a name was taken for a script tag,
    # then missing from the table of ends, and the whole scrape of the page was lost.
    markup = f"<p>seen</p><{lookalike}>also seen</{lookalike}><script>hidden</script>"
    assert visible_text(markup) == "seen also seen"
