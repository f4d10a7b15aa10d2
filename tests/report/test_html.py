"""The dashboard page: self-contained, deterministic, and inert whatever a scraped title says."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from typing import Any

import pytest

from bot.model import LinkResult, Report, Source, Status
from bot.report import FORMATS, html
from tests.report.samples import GENERATED_AT, HOSTILE_TITLE, roadmap_report, small_report


class Structure(HTMLParser):
    """Collects every tag and the text of each <script>, as a browser's tokenizer would."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


def parse(page: str) -> Structure:
    parser = Structure()
    parser.feed(page)
    return parser


def embedded(page: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(parse(page).scripts[0])
    return data


def test_hostile_title_cannot_add_elements() -> None:
    page = html.render(small_report())
    tags = parse(page).tags
    assert [t for t, _ in tags].count("script") == 2  # the data block and our own script
    assert "img" not in [t for t, _ in tags]
    assert not any(k.startswith("on") for _, attrs in tags for k in attrs)
    assert HOSTILE_TITLE not in page  # only its escaped form is in the page


def test_hostile_title_survives_as_data() -> None:
    rows = embedded(html.render(small_report()))["rows"]
    assert any(row["page_title"] == HOSTILE_TITLE for row in rows)


def test_only_http_suggestion_urls_are_kept() -> None:
    rows = {row["title"]: row for row in embedded(html.render(small_report()))["rows"]}
    assert rows["Python Crash Course"]["suggestion_url"] == "https://nostarch.com/pcc3"
    assert rows["Kubernetes mastery"]["suggestion_url"] is None  # was javascript:


def test_hostile_inconclusive_reason_is_escaped() -> None:
    report = Report((), GENERATED_AT, (), True, "<b onclick=x>boom</b>")
    page = html.render(report)
    assert "&lt;b onclick=x&gt;boom&lt;/b&gt;" in page
    assert "<b onclick" not in page


@pytest.mark.parametrize("value", ["</script>", "<!--", "]]>", "\u2028", "&amp;"])
def test_embed_json_round_trips_and_never_closes_the_script(value: str) -> None:
    text = html.embed_json({"v": value})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"v": value}


def test_self_contained_and_locked_down() -> None:
    page = html.render(roadmap_report())
    tags = parse(page).tags
    assert not [attrs for tag, attrs in tags if tag in ("link", "img", "iframe")]
    assert not [attrs for tag, attrs in tags if tag == "script" and "src" in attrs]
    assert not re.search(r"https?://[^\"' ]*\.(js|css)\b", page)
    csp = next(a["content"] for t, a in tags if a.get("http-equiv") == "Content-Security-Policy")
    assert csp is not None and "default-src 'none'" in csp and "unsafe-inline" not in csp


def test_rows_one_per_link_plus_linkless_resources() -> None:
    rows = embedded(html.render(small_report()))["rows"]
    assert [row["status"] for row in rows] == ["broken", "redirected", "blocked", "error",
                                               "skipped", "ok", "none"]
    broken = rows[0]
    assert broken["places"] == ["roadmap.yaml:12", "roadmap.yaml:140"]
    assert broken["age"] == "7 y 6 mo" and broken["freshness"] == "stale"
    assert [day["status"] for day in broken["history"]] == [None] * 10 + [
        "ok", "error", "broken", "broken"]
    assert broken["history"][-1]["day"] == "2026-11-28"


def test_renders_without_any_extension_keys() -> None:
    link = LinkResult("https://a.example/", Status.BROKEN, "http_404", 404,
                      sources=(Source("roadmap.yaml", 3),))
    rows = embedded(html.render(Report(("roadmap.yaml",), GENERATED_AT, (link,))))["rows"]
    assert rows[0]["history"] == [] and rows[0]["age"] is None and rows[0]["kind"] == "unknown"


def test_deterministic_and_registered() -> None:
    report = small_report()
    shuffled = Report(report.inputs, report.generated_at, tuple(reversed(report.links)),
                      extra=report.extra)
    assert html.render(shuffled) == html.render(report)
    assert FORMATS["html"] is html.render


def test_tab_title_leads_with_the_number_that_matters() -> None:
    assert "<title>1 broken · roadmap link health" in html.render(small_report())
    assert "<title>inconclusive run ·" in html.render(small_report(inconclusive=True))


def test_assets_cannot_close_their_own_element() -> None:
    # They are inlined verbatim (and hashed for the CSP), so they must not contain these.
    assert "</script" not in html.asset("dashboard.js").lower()
    assert "</style" not in html.asset("dashboard.css").lower()


def test_rows_carry_the_second_opinion_and_how_long_a_link_is_unverified() -> None:
    report = small_report()
    report = Report(report.inputs, report.generated_at, report.links,
                    extra={**report.extra, "unverified_since": {"https://slow.example/":
                                                                "2026-11-18T03:00:00Z"}})
    rows = {row["url"]: row for row in html.payload(report)["rows"]}
    walled, slow = rows["https://walled.example/x"], rows["https://slow.example/"]
    assert walled["opinion"] == "seen alive by the Internet Archive on 2026-11-02"
    assert (walled["opinion_verdict"], walled["unverified"]) == ("alive", False)
    assert (slow["unverified"], slow["unverified_since"], slow["unverified_for"]) == (
        True, "2026-11-18", "10 d")
    page = html.render(report)
    card = next(attrs for tag, attrs in parse(page).tags
                if tag == "button" and attrs.get("data-status") == "unverified")
    assert "card-unverified" in (card.get("class") or "")
    assert '<span class="count">1</span><span class="label">Unverified</span>' in page
