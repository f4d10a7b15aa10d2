"""The dashboard in headless Chromium: rows render, filters work, no console errors, no XSS."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from bot.model import Report
from bot.report import html
from tests.report.browser import Page, find_chromium, open_page
from tests.report.samples import roadmap_report, small_report

CHROMIUM = find_chromium()
pytestmark = [
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="chromium is not installed (apt-get install chromium; .ci/run installs it)",
    ),
    # One browser for the module (starting Chromium is the slow part); each test loads a page.
    pytest.mark.asyncio(loop_scope="module"),
]
VISIBLE = "document.querySelectorAll('#links tbody tr:not([hidden])').length"


def visible_statuses() -> str:
    return ("Array.from(document.querySelectorAll('#links tbody tr:not([hidden])'))"
            ".map(r => r.dataset.status)")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def browser() -> AsyncIterator[Page]:
    assert CHROMIUM is not None
    async with open_page(CHROMIUM) as opened:
        yield opened


@pytest_asyncio.fixture(loop_scope="module")
async def page(browser: Page) -> AsyncIterator[Page]:
    browser.errors.clear()  # each test asserts on the errors of its own page only
    yield browser
    await browser.send("Emulation.setEmulatedMedia",
                       features=[{"name": "prefers-color-scheme", "value": "light"}])


async def load(page: Page, report: Report, tmp_path: Path) -> None:
    path = tmp_path / "index.html"
    path.write_text(html.render(report), encoding="utf-8")
    await page.goto(path.as_uri())


async def test_renders_every_link_row_without_console_errors(page: Page, tmp_path: Path) -> None:
    report = roadmap_report()
    await load(page, report, tmp_path)
    assert await page.eval(VISIBLE) == len(report.links)
    assert await page.eval("document.getElementById('shown').textContent") == (
        f"Showing {len(report.links)} of {len(report.links)}")
    # CSP violations (a wrong script or style hash) would be logged here as errors too.
    assert page.errors == []


async def test_status_card_filters_and_toggles_back(page: Page, tmp_path: Path) -> None:
    await load(page, roadmap_report(), tmp_path)
    await page.eval("document.querySelector('.card[data-status=broken]').click()")
    assert await page.eval(visible_statuses()) == ["broken"] * 3
    assert await page.eval(
        "document.querySelector('.card[data-status=broken]').getAttribute('aria-pressed')"
    ) == "true"
    await page.eval("document.querySelector('.card[data-status=broken]').click()")
    assert await page.eval(VISIBLE) == len(roadmap_report().links)
    assert page.errors == []


async def test_unverified_card_shows_only_links_no_source_confirmed(page: Page,
                                                                   tmp_path: Path) -> None:
    await load(page, small_report(), tmp_path)
    await page.eval("document.querySelector('.card[data-status=unverified]').click()")
    # The walled link was seen alive by the archive: only the inconclusive one is left.
    assert await page.eval(visible_statuses()) == ["error"]
    assert "unverified: no second opinion" in await page.eval(
        "document.querySelector('#links tbody tr:not([hidden]) .opinion').textContent")
    await page.eval("document.querySelector('.card[data-status=unverified]').click()")
    assert await page.eval(VISIBLE) == 6
    assert page.errors == []


async def test_kind_section_freshness_and_search_filters(page: Page, tmp_path: Path) -> None:
    await load(page, small_report(), tmp_path)
    assert await page.eval(VISIBLE) == 6

    async def choose(select: str, value: str) -> object:
        await page.eval(f"(() => {{ const s = document.getElementById('{select}'); "
                        f"s.value = {value!r}; s.dispatchEvent(new Event('change')); }})()")
        return await page.eval(visible_statuses())

    assert await choose("kind", "course") == ["redirected"]
    assert await choose("kind", "") == ["broken", "redirected", "blocked", "error", "skipped",
                                        "ok"]
    assert await choose("section", "1.1. Python & IDEs") == ["broken", "blocked", "ok"]
    assert await choose("fresh", "stale") == ["broken"]
    await choose("fresh", "")
    await choose("section", "")
    await page.eval("(() => { const q = document.getElementById('q'); q.value = 'KUBERNETES';"
                    " q.dispatchEvent(new Event('input')); })()")
    assert await page.eval(visible_statuses()) == ["redirected"]
    await page.eval("(() => { const q = document.getElementById('q'); q.value = 'nothing-here';"
                    " q.dispatchEvent(new Event('input')); })()")
    assert await page.eval("document.getElementById('empty').hidden") is False
    assert page.errors == []


async def test_linkless_resources_on_request(page: Page, tmp_path: Path) -> None:
    await load(page, small_report(), tmp_path)
    await page.eval("document.getElementById('nolink').click()")
    assert await page.eval(visible_statuses()) == ["broken", "redirected", "blocked", "error",
                                                   "skipped", "ok", "none"]


async def test_history_strip_and_freshness_age(page: Page, tmp_path: Path) -> None:
    await load(page, small_report(), tmp_path)
    cells = await page.eval("Array.from(document.querySelectorAll('tr[data-status=broken] "
                            ".strip .cell')).map(c => c.className + '|' + c.title)")
    assert len(cells) == 14
    assert cells[0] == "cell s-nodata|2026-11-15: no data"
    assert cells[-4:] == ["cell s-ok|2026-11-25: ok", "cell s-error|2026-11-26: error",
                          "cell s-broken|2026-11-27: broken", "cell s-broken|2026-11-28: broken"]
    assert await page.eval("document.querySelector('tr[data-status=broken] .fresh')"
                           ".textContent") == "7 y 6 mo"
    assert await page.eval("document.querySelector('tr[data-status=broken] .suggestion a')"
                           ".href") == "https://nostarch.com/pcc3"
    assert await page.eval("document.querySelectorAll('a[href^=javascript]').length") == 0


async def test_hostile_title_is_shown_as_text_and_never_runs(page: Page, tmp_path: Path) -> None:
    await load(page, small_report(inconclusive=True), tmp_path)
    assert await page.eval("document.querySelectorAll('img').length") == 0
    text = await page.eval("document.querySelector('tr[data-status=ok] .page-title').textContent")
    assert "<script>alert(" in text
    banner = await page.eval("document.querySelector('.banner').textContent")
    assert banner.startswith("Inconclusive run:")
    assert page.errors == []


async def test_dark_scheme_renders_without_errors(page: Page, tmp_path: Path) -> None:
    await page.send("Emulation.setEmulatedMedia",
                    features=[{"name": "prefers-color-scheme", "value": "dark"}])
    await load(page, small_report(), tmp_path)
    background = await page.eval("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(13, 17, 23)"
    assert page.errors == []
