"""The modern web end to end (simulated web -> engine -> verdict): pages that answer 200 and say
nothing, in languages the checker must read, behind app shells, refreshes and script redirects."""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest

from bot.check.engine import check_links
from bot.check.settings import CheckSettings
from bot.model import Hop, Link, LinkResult, Status, Via
from tests.simweb import Page, SimHost, SimWeb


async def _instant(seconds: float) -> None:
    return None


async def check(urls: list[str], settings: CheckSettings, **kwargs: Any) -> dict[str, LinkResult]:
    report = await check_links([Link(url) for url in urls], settings, sleep=_instant, **kwargs)
    return {result.url: result for result in report.links}


def article(title: str, text: str) -> Page:
    return Page(f"<html><head><title>{title}</title></head><body><h1>{title}</h1>"
                f"<p>{text}</p></body></html>")


# ---- "not found" in the web's most used languages ---------------------------------------------

SOFT_404S = {
    "/cs": article("Stránka nenalezena | Příklad", "Zkuste to znovu."),
    "/th": article("ไม่พบหน้าที่คุณต้องการ", "กลับสู่หน้าแรก"),
    "/ar": article("الصفحة غير موجودة - مثال", "العودة إلى الصفحة الرئيسية"),
    "/fa": article("صفحه مورد نظر یافت نشد", "بازگشت"),
    "/el": Page("<html><head><title>Παράδειγμα</title></head><body>"
                "<h1>Η σελίδα δεν βρέθηκε</h1></body></html>"),
    "/vi": Page("<html><head><title>Ví dụ</title></head><body><p>Lỗi. Không tìm thấy trang."
                "</p></body></html>"),
}
LIVE = {
    "/sv": Page("<html><head><title>Nyheter</title></head><body><p>Det finns inte mycket här än."
                "</p></body></html>"),
    "/cs-article": article("Jak opravit chybu 404 | Blog", "Chyba 404 znamená, že stránka "
                           "neexistuje. " * 30),
}


async def test_soft_404s_in_several_languages(alpha: SimHost, settings: CheckSettings) -> None:
    for path, page in {**SOFT_404S, **LIVE}.items():
        alpha.route(path, page)
    results = await check([alpha.url(path) for path in [*SOFT_404S, *LIVE]], settings)
    for path in SOFT_404S:
        assert (results[alpha.url(path)].status, results[alpha.url(path)].reason) == (
            Status.BROKEN, "soft_404"), path
    for path in LIVE:
        assert results[alpha.url(path)].status is Status.OK, path



# ---- redirects a 200 page gives by itself -------------------------------------------------------

def redirect_page(kind: str, target: str) -> Page:
    """The redirect page each static-site generator writes (see test_client_redirect.py)."""
    pages = {
        "jekyll": (f'<!DOCTYPE html><html lang="en-US"><meta charset="utf-8"><title>Redirecting'
                   f'&hellip;</title><link rel="canonical" href="{target}"><script>location='
                   f'"{target}"</script><meta http-equiv="refresh" content="0; url={target}">'
                   f'<h1>Redirecting&hellip;</h1><a href="{target}">Click here</a></html>'),
        "hugo": (f'<!DOCTYPE html><html lang="en"><head><title>{target}</title><link rel='
                 f'"canonical" href="{target}"><meta name="robots" content="noindex"><meta '
                 f'charset="utf-8"><meta http-equiv="refresh" content="0; url={target}"></head>'
                 "</html>"),
        "mkdocs": (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>'
                   f'Redirecting...</title><script>var anchor=window.location.hash.substr(1);'
                   f'location.href="{target}"+(anchor?"#"+anchor:"")</script><meta http-equiv='
                   f'"refresh" content="0; url={target}"></head><body>You\'re being redirected '
                   f'to a <a href="{target}">new destination</a>.</body></html>'),
        "hand-written": (f"<html><head><title>We have moved</title><meta http-equiv=Refresh "
                         f"content='2;URL={target}'></head><body>This page has moved to "
                         f"<a href='{target}'>its new home</a>.</body></html>"),
        "script": (f'<html><head><title>Moved</title><script>location.replace("{target}")'
                   f'</script></head><body><noscript><a href="{target}">Go on</a></noscript>'
                   "</body></html>"),
    }
    return Page(pages[kind])


LIVE_ARTICLE = article("Feature stores", "A long article about feature stores. " * 40)


@pytest.mark.parametrize("kind", ["jekyll", "hugo", "mkdocs", "hand-written", "script"])
async def test_a_page_that_moved_by_itself_is_redirected(
    kind: str, alpha: SimHost, settings: CheckSettings
) -> None:
    alpha.route("/new/feature-stores/", LIVE_ARTICLE)
    alpha.route("/old/feature-stores/", redirect_page(kind, alpha.url("/new/feature-stores/")))
    url = alpha.url("/old/feature-stores/")
    result = (await check([url], settings))[url]
    assert (result.status, result.reason) == (Status.REDIRECTED, "permanent_redirect")
    assert result.final_url == alpha.url("/new/feature-stores/")
    via = Via.SCRIPT if kind == "script" else Via.META_REFRESH
    assert result.redirects == (Hop(url, 200, via),)


async def test_a_move_to_another_host_is_followed(
    alpha: SimHost, beta: SimHost, settings: CheckSettings
) -> None:
    beta.route("/docs/", LIVE_ARTICLE)
    alpha.route("/docs/", redirect_page("hugo", beta.url("/docs/")))
    result = (await check([alpha.url("/docs/")], settings))[alpha.url("/docs/")]
    assert (result.status, result.final_url) == (Status.REDIRECTED, beta.url("/docs/"))


async def test_a_script_redirect_without_its_noscript_link_stays_ok(
    alpha: SimHost, settings: CheckSettings
) -> None:
    alpha.route("/new", LIVE_ARTICLE)
    alpha.route("/old", Page(f'<html><head><title>Moved</title><script>location.replace('
                             f'"{alpha.url("/new")}")</script></head><body></body></html>'))
    result = (await check([alpha.url("/old")], settings))[alpha.url("/old")]
    assert (result.status, result.final_url, result.redirects) == (Status.OK, alpha.url("/old"), ())
    assert alpha.hits["/new"] == 0  # no JavaScript is run, and no guess is followed


async def test_a_delayed_refresh_is_no_move(alpha: SimHost, settings: CheckSettings) -> None:
    alpha.route("/status", Page(f'<html><head><title>Status</title><meta http-equiv="refresh" '
                                f'content="60; url={alpha.url("/status?page=2")}"></head><body>'
                                "<p>All systems normal.</p></body></html>"))
    result = (await check([alpha.url("/status")], settings))[alpha.url("/status")]
    assert (result.status, result.reason, result.redirects) == (Status.OK, "http_200", ())


async def test_a_refresh_from_a_deep_page_to_the_front_page_is_a_soft_404(
    alpha: SimHost, settings: CheckSettings
) -> None:
    alpha.route("/", LIVE_ARTICLE)
    alpha.route("/blog/removed-post", redirect_page("hand-written", alpha.url("/")))
    url = alpha.url("/blog/removed-post")
    result = (await check([url], settings))[url]
    assert (result.status, result.reason) == (Status.BROKEN, "soft_404")


async def test_a_refresh_to_a_dead_page_is_broken(alpha: SimHost, settings: CheckSettings) -> None:
    alpha.route("/old", redirect_page("jekyll", alpha.url("/gone")))
    result = (await check([alpha.url("/old")], settings))[alpha.url("/old")]
    assert (result.status, result.reason) == (Status.BROKEN, "redirect_to_404")


async def test_refresh_loops_and_chains_have_the_redirect_limits(
    alpha: SimHost, settings: CheckSettings
) -> None:
    alpha.route("/a", redirect_page("hugo", alpha.url("/b")))
    alpha.route("/b", redirect_page("jekyll", alpha.url("/a")))
    for hop in range(12):
        alpha.route(f"/chain/{hop}", redirect_page("hugo", alpha.url(f"/chain/{hop + 1}")))
    results = await check([alpha.url("/a"), alpha.url("/chain/0")], settings)
    assert results[alpha.url("/a")].reason == "redirect_loop"
    assert results[alpha.url("/chain/0")].reason == "too_many_redirects"
    assert alpha.hits["/chain/11"] == 0  # the walk stopped at the hop limit


async def test_a_refresh_to_a_private_address_is_refused(
    alpha: SimHost, beta: SimHost, web: SimWeb
) -> None:
    beta.route("/admin", LIVE_ARTICLE)
    alpha.route("/old", redirect_page("hugo", beta.url("/admin")))
    settings = CheckSettings(trusted_networks=(ipaddress.ip_network(f"{alpha.address}/32"),),
                             retries=0)
    result = (await check([alpha.url("/old")], settings))[alpha.url("/old")]
    assert (result.status, result.reason) == (Status.SKIPPED, "private_address")
    assert beta.requests == 0
