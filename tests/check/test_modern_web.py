"""The modern web end to end (simulated web -> engine -> verdict): pages that answer 200 and say
nothing, in languages the checker must read, behind app shells, refreshes and script redirects."""

from __future__ import annotations

import hashlib
import ipaddress
from dataclasses import replace
from typing import Any

import pytest
from aiohttp import web

from bot.check.app_shell import PROBE_PREFIX
from bot.check.engine import check_links, explain_url
from bot.check.explain_text import explain_lines
from bot.check.settings import CheckSettings, DomainRule
from bot.curate.fixes import plan_fixes
from bot.curate.settings import CurateSettings
from bot.model import Hop, Link, LinkResult, Source, Status, Via
from tests.simweb import Gate, Handler, Page, Redirect, SimHost, SimWeb


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


# ---- app shells: hosts that answer every path with 200 and the same page -----------------------

def app_shell(title: str = "Acme") -> Handler:
    """A single-page app's shell, as a catch-all serves it: the site's name, an empty root,
    scripts; and per-request noise (a CSP nonce, a CSRF token, a timestamp)."""

    async def respond(request: web.Request, hit: int) -> web.StreamResponse:
        noise = hashlib.sha256(f"{request.path}#{hit}".encode()).hexdigest()
        body = (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}'
                f'</title><meta name="csrf-token" content="{noise}"><script type="module" '
                f'nonce="{noise[:22]}" src="/assets/index-4f2a9c.js"></script></head><body>'
                "<noscript>You need to enable JavaScript to run this app.</noscript>"
                f'<div id="root"></div><script nonce="{noise[:22]}">window.__BOOT__='
                f'{{"rendered":{1733270000 + hit}}}</script></body></html>')
        return web.Response(text=body, content_type="text/html")

    return Handler(respond)


def probes(host: SimHost) -> int:
    return sum(count for path, count in host.hits.items() if path.startswith(PROBE_PREFIX))


async def test_a_dead_page_behind_a_catch_all_shell_is_a_soft_404(
    alpha: SimHost, settings: CheckSettings
) -> None:
    # Server-rendered live pages; every unknown path gets the app shell with 200.
    alpha.fallback = app_shell()
    alpha.route("/docs/intro", LIVE_ARTICLE)
    alpha.route("/changelog", Page('<html><head><title>Changelog | Acme</title><script src="/a.js">'
                                   "</script></head><body><h1>Changelog</h1><p>1.2: faster."
                                   "</p></body></html>"))  # short and scripted, but its own page
    dead = [alpha.url("/docs/removed"), alpha.url("/docs/renamed-long-ago")]
    results = await check([alpha.url("/docs/intro"), alpha.url("/changelog"), *dead], settings)
    for url in dead:
        assert (results[url].status, results[url].reason) == (Status.BROKEN, "soft_404")
    assert results[alpha.url("/docs/intro")].status is Status.OK
    assert results[alpha.url("/changelog")].status is Status.OK
    assert probes(alpha) == 1  # one made-up path per host, whatever the number of links


async def test_a_shell_only_host_is_client_rendered_never_broken(
    alpha: SimHost, settings: CheckSettings
) -> None:
    # Live or not, every page is the same shell (up to nonces, tokens and timestamps).
    alpha.fallback = app_shell()
    alpha.route("/app/dashboard", app_shell())  # live: the app renders it in the browser
    urls = [alpha.url("/app/dashboard"), alpha.url("/app/removed"), alpha.url("/pricing")]
    results = await check(urls, settings)
    for url in urls:
        assert (results[url].status, results[url].reason) == (Status.BLOCKED, "client_rendered")
    assert probes(alpha) == 1


async def test_a_shell_page_on_a_host_with_real_404s_is_ok(
    alpha: SimHost, settings: CheckSettings
) -> None:
    # The made-up path gets a real 404: the host knows its routes, the shell page is live.
    alpha.route("/app/", app_shell())
    results = await check([alpha.url("/app/")], settings)
    assert (results[alpha.url("/app/")].status, results[alpha.url("/app/")].reason) == (
        Status.OK, "http_200")
    assert probes(alpha) == 1


async def test_ordinary_hosts_are_never_probed(
    alpha: SimHost, beta: SimHost, settings: CheckSettings
) -> None:
    alpha.route("/article", LIVE_ARTICLE)
    alpha.route("/short", Page("<html><head><title>Hi</title></head><body>Hello</body></html>"))
    beta.route("/soft", article("Page not found", "Sorry."))
    results = await check([alpha.url("/article"), alpha.url("/short"), beta.url("/soft"),
                           alpha.url("/gone")], settings)
    assert [results[url].status for url in results] == [Status.OK, Status.OK, Status.BROKEN,
                                                       Status.BROKEN]
    assert probes(alpha) == probes(beta) == 0


async def test_the_probe_goes_to_the_host_the_page_ended_on(
    alpha: SimHost, beta: SimHost, settings: CheckSettings
) -> None:
    beta.fallback = app_shell()
    beta.route("/guide", LIVE_ARTICLE)
    alpha.route("/old-guide", Redirect(beta.url("/guide"), 301))
    alpha.route("/old-removed", Redirect(beta.url("/removed"), 301))
    results = await check([alpha.url("/old-guide"), alpha.url("/old-removed")], settings)
    assert results[alpha.url("/old-guide")].status is Status.REDIRECTED
    # A move to a dead page is no fix to propose: it is a soft 404.
    assert results[alpha.url("/old-removed")].reason == "soft_404"
    assert (probes(alpha), probes(beta)) == (0, 1)


async def test_a_probe_that_fails_judges_nothing(alpha: SimHost, settings: CheckSettings) -> None:
    alpha.route("/app/", app_shell())
    alpha.fallback = Page("busy", status=503)
    results = await check([alpha.url("/app/")], settings)
    assert results[alpha.url("/app/")].status is Status.OK
    assert probes(alpha) == 1  # the probe is not retried: a cautious ok costs nothing


async def test_explain_shows_the_probe_and_the_rule(
    alpha: SimHost, settings: CheckSettings
) -> None:
    alpha.fallback = app_shell()
    observation, verdict, shell = await explain_url(alpha.url("/docs/removed"), settings)
    assert shell is not None
    lines = explain_lines(observation, verdict, shell)
    text = "\n".join(lines)
    assert "app-shell probe" in text and PROBE_PREFIX in text
    assert f"page {shell.page_print}, made-up path {shell.page_print}: indistinguishable" in text
    assert lines[-1].startswith("verdict: blocked (client_rendered) — decided by rule "
                                "app-shell:client-rendered: indistinguishable from the made-up "
                                f"path {alpha.url(PROBE_PREFIX)}")


async def test_explain_of_a_page_unlike_the_shell(alpha: SimHost, settings: CheckSettings) -> None:
    alpha.route("/app/", app_shell("Acme dashboard"))
    observation, verdict, shell = await explain_url(alpha.url("/app/"), settings)
    assert shell is not None and verdict.rule == "status-table:200"
    assert any(line.startswith("app-shell comparison: the made-up path is no app shell (HTTP 404)")
               for line in explain_lines(observation, verdict, shell))


async def test_links_waiting_for_their_host_are_judged_when_the_deadline_ends_the_run(
    alpha: SimHost, beta: SimHost, settings: CheckSettings
) -> None:
    alpha.fallback = app_shell()
    beta.route("/slow", Gate())  # never answers: the run's deadline ends it
    results = await check([alpha.url("/app/"), beta.url("/slow")],
                          replace(settings, run_deadline=0.5))
    assert results[alpha.url("/app/")].reason == "client_rendered"
    assert results[beta.url("/slow")].reason == "deadline"


async def test_a_shell_hosts_front_page_is_alive_and_no_evidence(
    alpha: SimHost, settings: CheckSettings
) -> None:
    # A landing page rendered by the server at "/", an app shell everywhere else: the landing
    # page says nothing about the app's routes, so the app's pages stay unjudged.
    alpha.route("/", LIVE_ARTICLE)
    alpha.fallback = app_shell()
    results = await check([alpha.url("/"), alpha.url("/app/projects")], settings)
    assert results[alpha.url("/")].status is Status.OK
    assert results[alpha.url("/app/projects")].reason == "client_rendered"


async def test_a_single_page_apps_front_page_is_ok_and_costs_no_probe(
    alpha: SimHost, settings: CheckSettings
) -> None:
    alpha.fallback = app_shell()
    alpha.route("/", app_shell())
    results = await check([alpha.url("/")], settings)
    assert (results[alpha.url("/")].status, probes(alpha)) == (Status.OK, 0)


async def test_the_probe_waits_the_hosts_configured_delay(
    alpha: SimHost, settings: CheckSettings
) -> None:
    alpha.fallback = app_shell()
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    polite = replace(settings, domains=(DomainRule(host=alpha.address, delay=0.75),))
    report = await check_links([Link(alpha.url("/app/x"))], polite, sleep=sleep)
    assert report.links[0].reason == "client_rendered"
    assert waits == [0.75] and probes(alpha) == 1  # one link: the only wait is the probe's



async def test_the_probe_of_a_host_takes_the_slot_of_the_link_it_judges(
    alpha: SimHost, settings: CheckSettings
) -> None:
    # One request at a time to alpha: the probe of a shell-like page is sent while that page's
    # slot is still taken, not beside the host's next link.
    alpha.latency = 0.05
    alpha.fallback = app_shell()
    alpha.route("/docs/intro", LIVE_ARTICLE)
    urls = [alpha.url("/app/a"), alpha.url("/app/b"), alpha.url("/docs/intro")]
    results = await check(urls, replace(settings, per_host=1))
    assert [results[url].reason for url in urls] == ["soft_404", "soft_404", "http_200"]
    assert probes(alpha) == 1 and alpha.max_in_flight == 1

# ---- all of it on one web ---------------------------------------------------------------------

async def test_on_a_modern_web_dead_is_broken_moved_is_redirected_and_live_is_never_dead(
    web: SimWeb, settings: CheckSettings
) -> None:
    docs, app, blog, plain = [await web.add_host(name) for name in ("docs", "app", "blog", "plain")]
    docs.fallback = app_shell("Docs")  # server-rendered pages, a shell for every unknown path
    docs.route("/guide/", LIVE_ARTICLE)
    docs.route("/old-guide/", redirect_page("mkdocs", docs.url("/guide/")))
    app.fallback = app_shell("App")  # shell only
    blog.route("/2019/post", redirect_page("jekyll", blog.url("/posts/post")))
    blog.route("/posts/post", LIVE_ARTICLE)
    blog.route("/moved-away", redirect_page("hugo", plain.url("/article")))
    blog.route("/about-404s", article("How to fix 404 errors | Blog", "Errors explained. " * 40))
    blog.route("/404-de", article("Seite nicht gefunden", "Zurück"))
    plain.route("/article", LIVE_ARTICLE)
    plain.route("/short", Page("<html><head><title>Hi</title></head><body>Hi.</body></html>"))
    expected = {
        docs.url("/guide/"): (Status.OK, None),
        docs.url("/removed/"): (Status.BROKEN, None),
        docs.url("/old-guide/"): (Status.REDIRECTED, docs.url("/guide/")),
        app.url("/projects/42"): (Status.BLOCKED, None),
        blog.url("/2019/post"): (Status.REDIRECTED, blog.url("/posts/post")),
        blog.url("/moved-away"): (Status.REDIRECTED, plain.url("/article")),
        blog.url("/about-404s"): (Status.OK, None),
        blog.url("/404-de"): (Status.BROKEN, None),
        plain.url("/short"): (Status.OK, None),
    }
    sources = (Source("roadmap.yaml", 1),)
    report = await check_links([Link(url, sources) for url in expected], settings, sleep=_instant)
    got = {r.url: (r.status, r.final_url if r.status is Status.REDIRECTED else None)
           for r in report.links}
    assert got == expected
    assert [probes(host) for host in (docs, app, blog, plain)] == [1, 1, 0, 0]
    # Every move is a fix for the PR, like a 301 would be.
    fixes = {fix.old: fix.new for fix in plan_fixes(report, None, CurateSettings())}
    assert fixes == {url: final for url, (status, final) in expected.items()
                     if status is Status.REDIRECTED}
