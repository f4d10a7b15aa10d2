"""Classification, table-driven: one literal observation per status, reason and signature."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from bot.check.classify import ClassifyRules, classify, permanent_target, soft_404_marker
from bot.check.observation import Failure, Observation
from bot.model import Hop, Status

URL = "https://example.org/blog/a-post"


def obs(
    status: int | None = 200,
    body: str | bytes = "",
    headers: Mapping[str, str] | None = None,
    hops: tuple[tuple[str, int], ...] = (),
    final_url: str | None = None,
    url: str = URL,
    failure: Failure | None = None,
    **flags: bool,
) -> Observation:
    raw = body.encode("utf-8") if isinstance(body, str) else body
    return Observation(
        url=url,
        hops=tuple(Hop(u, s) for u, s in hops),
        final_url=final_url or url,
        final_status=status,
        final_headers=dict(headers or {"content-type": "text/html; charset=utf-8"}),
        body=raw,
        failure=failure,
        attempts=1,
        **flags,
    )


def page(title: str = "A post", h1: str = "", text: str = "Long article text. " * 200) -> str:
    return f"<html><head><title>{title}</title></head><body><h1>{h1}</h1><p>{text}</p></body></html>"


CF_CHALLENGE = (
    "<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>"
    "<script src='/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1'></script></body></html>"
)
AKAMAI = (
    "<HTML><HEAD><TITLE>Access Denied</TITLE></HEAD><BODY><H1>Access Denied</H1>"
    "You don't have permission to access \"http&#58;&#47;&#47;www&#46;example&#46;org&#47;\" "
    "on this server.<P>Reference&#32;&#35;18&#46;6f1e3e17&#46;1700000000&#46;1a2b3c</BODY></HTML>"
)
PARKED_SEDO = (
    "<html><head><title>example.org</title><script src='https://img.sedoparking.com/js/x.js'>"
    "</script></head><body><div id='park'></div></body></html>"
)
PARKED_TEXT = "<html><title>example.org</title><body><h2>This domain is for sale!</h2>" \
              "<p>Make an offer today.</p></body></html>"
HOME = "https://example.org/"

CASES = [
    # name, observation, status, reason, rule
    ("200", obs(200, page()), Status.OK, "http_200", "status-table:200"),
    ("206", obs(206, page()), Status.OK, "http_206", "status-table:206"),
    ("304", obs(304), Status.OK, "not_modified", "status-table:304"),
    ("404", obs(404, page("Not Found")), Status.BROKEN, "http_404", "status-table:404"),
    ("410", obs(410), Status.BROKEN, "http_410", "status-table:410"),
    ("401", obs(401), Status.BLOCKED, "http_401", "status-table:401"),
    ("403 plain", obs(403, "<h1>Forbidden</h1>"), Status.BLOCKED, "http_403", "status-table:403"),
    ("999", obs(999), Status.BLOCKED, "http_999", "status-table:999"),
    ("451", obs(451), Status.BLOCKED, "http_451", "status-table:451"),
    ("429", obs(429), Status.ERROR, "rate_limited", "status-table:429"),
    ("400", obs(400), Status.ERROR, "http_400", "status-class:4xx"),
    ("405", obs(405), Status.ERROR, "http_405", "status-class:4xx"),
    ("500", obs(500), Status.ERROR, "http_500", "status-class:5xx"),
    ("503", obs(503, "<h1>Service Unavailable</h1>"), Status.ERROR, "http_503", "status-class:5xx"),
    ("300 final", obs(300), Status.ERROR, "http_300", "status-class:3xx"),
    # transport failures
    ("nxdomain", obs(None, failure=Failure.DNS_NXDOMAIN), Status.BROKEN, "dns",
     "failure:dns_nxdomain"),
    ("dns temporary", obs(None, failure=Failure.DNS_TEMPORARY), Status.ERROR, "dns_temporary",
     "failure:dns_temporary"),
    ("refused", obs(None, failure=Failure.CONNECTION_REFUSED), Status.BROKEN,
     "connection_refused", "failure:connection_refused"),
    ("reset", obs(None, failure=Failure.CONNECTION_RESET), Status.ERROR, "connection_reset",
     "failure:connection_reset"),
    ("timeout", obs(None, failure=Failure.TIMEOUT), Status.ERROR, "timeout", "failure:timeout"),
    ("tls", obs(None, failure=Failure.TLS), Status.ERROR, "tls", "failure:tls"),
    ("invalid", obs(None, failure=Failure.INVALID_RESPONSE), Status.ERROR, "invalid_response",
     "failure:invalid_response"),
    ("private", obs(None, failure=Failure.PRIVATE_ADDRESS), Status.SKIPPED, "private_address",
     "failure:private_address"),
    ("scheme", obs(None, failure=Failure.UNSUPPORTED_SCHEME), Status.SKIPPED,
     "unsupported_scheme", "failure:unsupported_scheme"),
    ("deadline", obs(None, failure=Failure.DEADLINE), Status.ERROR, "deadline",
     "failure:deadline"),
    ("no answer", obs(None), Status.ERROR, "invalid_response", "failure:no-answer"),
    ("redirect to nxdomain", obs(None, hops=((URL, 301),), final_url="https://gone.invalid/",
                                 failure=Failure.DNS_NXDOMAIN),
     Status.BROKEN, "dns", "failure:dns_nxdomain"),
    # bot protection
    ("cf-mitigated", obs(403, CF_CHALLENGE, {"cf-mitigated": "challenge", "server": "cloudflare"}),
     Status.BLOCKED, "bot_protection", "signature:cloudflare-mitigated"),
    ("cf-mitigated on 200", obs(200, "", {"cf-mitigated": "challenge"}), Status.BLOCKED,
     "bot_protection", "signature:cloudflare-mitigated"),
    ("cloudflare 503 body", obs(503, CF_CHALLENGE, {"server": "cloudflare"}), Status.BLOCKED,
     "bot_protection", "signature:cloudflare-challenge"),
    ("cloudflare body only", obs(403, CF_CHALLENGE), Status.BLOCKED, "bot_protection",
     "signature:cloudflare-challenge-body"),
    ("akamai ghost", obs(403, "", {"server": "AkamaiGHost"}), Status.BLOCKED, "bot_protection",
     "signature:akamai-ghost"),
    ("akamai reference", obs(403, AKAMAI), Status.BLOCKED, "bot_protection",
     "signature:akamai-reference"),
    ("datadome header", obs(403, "", {"x-datadome": "protected"}), Status.BLOCKED,
     "bot_protection", "signature:datadome-header"),
    ("datadome cookie", obs(403, "", {"Set-Cookie": "datadome=abc; Path=/"}), Status.BLOCKED,
     "bot_protection", "signature:datadome-cookie"),
    ("perimeterx", obs(403, "<script>window._pxAppId='PX1';</script><div id='px-captcha'>"),
     Status.BLOCKED, "bot_protection", "signature:perimeterx"),
    ("sucuri", obs(403, "", {"x-sucuri-id": "1234"}), Status.BLOCKED, "bot_protection",
     "signature:sucuri-header"),
    ("incapsula", obs(403, "<iframe src='/_Incapsula_Resource?x=1'></iframe>"), Status.BLOCKED,
     "bot_protection", "signature:imperva-incapsula"),
    ("amazon robot check", obs(503, "To discuss automated access to Amazon data please contact "
                               "api-services-support@amazon.com.",
                               url="https://www.amazon.com/stores/x"),
     Status.BLOCKED, "bot_protection", "signature:amazon-robot-check"),
    ("amazon captcha on 200", obs(200, "<form action='/errors/validateCaptcha'>",
                                  url="https://www.amazon.co.uk/dp/1"),
     Status.BLOCKED, "bot_protection", "signature:amazon-robot-check"),
    ("article quoting amazon's text", obs(200, page("Scraping", "", "To discuss automated access "
                                                    "to Amazon data please contact ...")),
     Status.OK, "http_200", "status-table:200"),
    ("generic captcha 403", obs(403, "<p>Please verify you are a human</p>"), Status.BLOCKED,
     "bot_protection", "signature:challenge-body"),
    ("google sorry 429", obs(429, "<p>Our systems have detected unusual traffic from your "
                                  "computer network.</p>"),
     Status.BLOCKED, "bot_protection", "signature:challenge-body"),
    ("datadome header on 200 is fine", obs(200, page(), {"x-datadome": "protected"}), Status.OK,
     "http_200", "status-table:200"),
    # login walls
    ("login redirect", obs(200, page("Sign in"), hops=((URL, 302),),
                           final_url="https://example.org/users/sign_in"),
     Status.BLOCKED, "login_required", "login:login-path"),
    ("google accounts", obs(200, page("Sign in"), hops=((URL, 302),),
                            final_url="https://accounts.google.com/ServiceLogin?continue=x"),
     Status.BLOCKED, "login_required", "login:login-host"),
    ("microsoft login", obs(200, "", hops=((URL, 302), ("https://example.org/auth", 302)),
                            final_url="https://login.microsoftonline.com/common/oauth2"),
     Status.BLOCKED, "login_required", "login:login-host"),
    ("return-to parameter", obs(200, page(), hops=((URL, 302),),
                                final_url="https://example.org/gate?returnTo=%2Fblog"),
     Status.BLOCKED, "login_required", "login:login-return-parameter"),
    ("login answering 401", obs(401, "", hops=((URL, 302),), final_url="https://example.org/login"),
     Status.BLOCKED, "login_required", "login:login-path"),
    ("linkedin authwall", obs(200, page("Sign Up | LinkedIn"), url="https://www.linkedin.com/in/x",
                              hops=(("https://www.linkedin.com/in/x", 302),),
                              final_url="https://www.linkedin.com/authwall?trk=x&sessionRedirect=y"),
     Status.BLOCKED, "login_required", "login:login-path"),
    ("link to a login page itself", obs(200, page("Log in"), url="https://example.org/login"),
     Status.OK, "http_200", "status-table:200"),
    ("login page that 404s", obs(404, "", hops=((URL, 302),), final_url="https://example.org/login"),
     Status.BROKEN, "redirect_to_404", "status-table:redirect-to-404"),
    # redirects
    ("301 then 200", obs(200, page(), hops=((URL, 301),), final_url="https://example.org/new-post"),
     Status.REDIRECTED, "permanent_redirect", "redirect:permanent"),
    ("308 to https", obs(200, page(), url="http://example.org/a", hops=(("http://example.org/a", 308),),
                         final_url="https://example.org/a"),
     Status.REDIRECTED, "permanent_redirect", "redirect:permanent"),
    ("301 to same normalised URL", obs(200, page(), url="https://Example.org/a#x",
                                       hops=(("https://Example.org/a", 301),),
                                       final_url="https://example.org/a"),
     Status.OK, "http_200", "status-table:200"),
    ("302 then 200", obs(200, page(), hops=((URL, 302),), final_url="https://cdn.example.org/x"),
     Status.OK, "http_200", "status-table:200"),
    ("307 303 then 200", obs(200, page(), hops=((URL, 307), ("https://a.example/", 303)),
                             final_url="https://b.example/x"),
     Status.OK, "http_200", "status-table:200"),
    ("301 then 404", obs(404, "", hops=((URL, 301),), final_url="https://example.org/new"),
     Status.BROKEN, "redirect_to_404", "status-table:redirect-to-404"),
    ("301 then 410", obs(410, "", hops=((URL, 301),), final_url="https://example.org/new"),
     Status.BROKEN, "redirect_to_404", "status-table:redirect-to-410"),
    ("301 then 503", obs(503, "", hops=((URL, 301),), final_url="https://example.org/new"),
     Status.ERROR, "http_503", "status-class:5xx"),
    ("loop", obs(301, "", hops=((URL, 301), ("https://example.org/b", 301)), redirect_loop=True),
     Status.BROKEN, "redirect_loop", "redirect:loop"),
    ("too many", obs(302, "", hops=tuple((f"{URL}/{i}", 302) for i in range(11)),
                     too_many_redirects=True),
     Status.ERROR, "too_many_redirects", "redirect:too-many"),
    # soft 404s
    ("deep link to home", obs(200, page("Example"), hops=((URL, 301),), final_url=HOME),
     Status.BROKEN, "soft_404", "soft-404:home-redirect"),
    ("deep link to www home, temporary", obs(200, page("Example"), hops=((URL, 302),),
                                             final_url="https://www.example.org/en/"),
     Status.BROKEN, "soft_404", "soft-404:home-redirect"),
    ("query on home to home", obs(200, page("Example"), url="https://example.org/?ref=x",
                                  hops=(("https://example.org/?ref=x", 301),), final_url=HOME),
     Status.REDIRECTED, "permanent_redirect", "redirect:permanent"),
    ("title en", obs(200, page("Page not found · GitHub · GitHub")), Status.BROKEN, "soft_404",
     "soft-404:title-marker"),
    ("title 404 dash", obs(200, page("404 - Page Not Found | Example")), Status.BROKEN,
     "soft_404", "soft-404:title-marker"),
    ("title de", obs(200, page("Seite nicht gefunden – Beispiel")), Status.BROKEN, "soft_404",
     "soft-404:title-marker"),
    ("title fr", obs(200, page("Page introuvable")), Status.BROKEN, "soft_404",
     "soft-404:title-marker"),
    ("title es", obs(200, page("Página no encontrada")), Status.BROKEN, "soft_404",
     "soft-404:title-marker"),
    ("title pt", obs(200, page("Página não encontrada - Loja")), Status.BROKEN, "soft_404",
     "soft-404:title-marker"),
    ("title it", obs(200, page("Pagina non trovata")), Status.BROKEN, "soft_404",
     "soft-404:title-marker"),
    ("title nl", obs(200, page("Pagina niet gevonden")), Status.BROKEN, "soft_404",
     "soft-404:title-marker"),
    ("title ru", obs(200, page("Страница не найдена")), Status.BROKEN, "soft_404",
     "soft-404:title-marker"),
    ("title ja", obs(200, page("お探しのページは見つかりませんでした")), Status.BROKEN, "soft_404",
     "soft-404:title-marker"),
    ("title zh", obs(200, page("页面不存在 - 示例")), Status.BROKEN, "soft_404",
     "soft-404:title-marker"),
    ("h1 marker", obs(200, page("Example Shop", "Oops! That page can’t be found.")),
     Status.BROKEN, "soft_404", "soft-404:h1-marker"),
    ("short body", obs(200, "<html><body><div>Sorry, page not found.</div></body></html>"),
     Status.BROKEN, "soft_404", "soft-404:short-body"),
    ("latin-1 title", obs(200, page("Page non trouvée").encode("latin-1"),
                          {"content-type": "text/html; charset=iso-8859-1"}),
     Status.BROKEN, "soft_404", "soft-404:title-marker"),
    ("article about 404s", obs(200, page("How to fix 404 Not Found errors in nginx",
                                         "How to fix 404 Not Found errors")),
     Status.OK, "http_200", "status-table:200"),
    ("long page mentioning not found", obs(200, page("Docs", "", "page not found " * 100)),
     Status.OK, "http_200", "status-table:200"),
    ("pdf is not scanned", obs(200, b"%PDF-1.7 <title>404</title>", {"content-type": "application/pdf"}),
     Status.OK, "http_200", "status-table:200"),
    # parked
    ("parked sedo", obs(200, PARKED_SEDO), Status.BROKEN, "parked_domain",
     "parked:parking-service-assets"),
    ("parked text", obs(200, PARKED_TEXT), Status.BROKEN, "parked_domain", "parked:for-sale-text"),
    ("parked marketplace", obs(200, page("Buy"), hops=((URL, 302),),
                               final_url="https://www.hugedomains.com/domain_profile.cfm?d=x.org"),
     Status.BROKEN, "parked_domain", "parked:parking-marketplace-redirect"),
    ("link to the marketplace itself", obs(200, page("Sedo"), url="https://sedo.com/search",
                                           hops=(("https://sedo.com/search", 302),),
                                           final_url="https://sedo.com/search/en"),
     Status.OK, "http_200", "status-table:200"),
    ("article mentioning domain sale", obs(200, page("Domains", "", "this domain is for sale " * 90)),
     Status.OK, "http_200", "status-table:200"),
    # site knowledge
    ("youtube removed", obs(200, 'var ytInitialPlayerResponse = {"playabilityStatus":{"status":'
                                 '"ERROR","reason":"Video unavailable"}};',
                            url="https://www.youtube.com/watch?v=xxxxxxxxxxx"),
     Status.BROKEN, "video_removed", "site:youtube-video-unavailable"),
]


@pytest.mark.parametrize(("name", "observation", "status", "reason", "rule"), CASES,
                         ids=[case[0] for case in CASES])
def test_classify(name: str, observation: Observation, status: Status, reason: str,
                  rule: str) -> None:
    verdict = classify(observation)
    assert (verdict.status, verdict.reason, verdict.rule) == (status, reason, rule)
    assert verdict.detail


def test_every_contract_status_is_reachable() -> None:
    assert {case[2] for case in CASES} == set(Status)


def test_config_accepts_a_status_for_a_host_pattern() -> None:
    rules = ClassifyRules.of({"linkedin.com": [999]})
    linkedin = obs(999, url="https://www.linkedin.com/in/someone")
    assert classify(linkedin, rules).status is Status.OK
    assert classify(linkedin, rules).rule == "config:accepted-status"
    assert classify(obs(999, url="https://notlinkedin.com/x"), rules).status is Status.BLOCKED


def test_accepting_any_host() -> None:
    verdict = classify(obs(403, url="https://example.org/x"), ClassifyRules.accepting([403]))
    assert (verdict.status, verdict.reason) == (Status.OK, "http_403")


def test_extra_soft_404_marker_from_config() -> None:
    rules = ClassifyRules.of(soft_404_markers=[r"nothing to see here"])
    verdict = classify(obs(200, page("Nothing to see here, friend")), rules)
    assert (verdict.status, verdict.rule) == (Status.BROKEN, "soft-404:title-marker")
    assert classify(obs(200, page("Nothing to see here, friend"))).status is Status.OK


@pytest.mark.parametrize(
    ("title", "marker"),
    [
        ("404", "en-404"),
        ("Error 404", "en-404"),
        ("Not Found", "en-not-found"),
        ("The page you were looking for doesn't exist (404)", None),
        ("This page doesn't exist", "en-page-does-not-exist"),
        ("404 Not Found: the best error pages of 2024", None),
        ("Fixing '404 page not found' on Netlify", None),
        ("Kubernetes 404 troubleshooting", None),
        ("Not Found: a novel", None),
        ("Erreur 404", "fr-404"),
    ],
)
def test_soft_404_marker_needs_a_whole_segment(title: str, marker: str | None) -> None:
    assert soft_404_marker(title) == marker


@pytest.mark.parametrize(
    ("hops", "final", "target"),
    [
        (((URL, 301),), "https://example.org/b", "https://example.org/b"),
        (((URL, 301), ("https://example.org/b", 308)), "https://example.org/c",
         "https://example.org/c"),
        (((URL, 301), ("https://example.org/b", 302)), "https://example.org/c",
         "https://example.org/b"),
        (((URL, 302), ("https://example.org/b", 301)), "https://example.org/c", None),
        ((), URL, None),
    ],
)
def test_permanent_target_is_where_the_leading_permanent_hops_lead(
    hops: tuple[tuple[str, int], ...], final: str, target: str | None
) -> None:
    assert permanent_target(obs(200, hops=hops, final_url=final)) == target
