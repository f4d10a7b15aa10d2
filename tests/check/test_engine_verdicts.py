"""Every status and reason of the contract, end to end: simulated web -> engine -> verdict."""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import ssl
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from aiohttp import web
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from bot.check.engine import check_links
from bot.check.settings import CheckSettings, DomainRule
from bot.model import Link, LinkResult, Status
from tests.simweb import Flaky, Gate, Page, Redirect, SimHost, SimWeb

CHALLENGE = Page(
    "<html><head><title>Just a moment...</title></head><body>Checking your browser"
    "<script src='/cdn-cgi/challenge-platform/h/b/orchestrate/jsch/v1'></script></body></html>",
    status=403, headers={"Server": "cloudflare", "cf-mitigated": "challenge"},
)
SOFT_404 = Page("<html><head><title>Page not found</title></head><body><h1>Sorry, we couldn't "
                "find that page</h1></body></html>")
PARKED = Page("<html><head><title>example-mlops.com is for sale</title></head><body>"
              "<h1>This domain is for sale!</h1><p>Buy this domain today.</p></body></html>")
ARTICLE = Page("<html><head><title>Feature stores explained</title></head><body><h1>Feature "
               "stores</h1><p>" + "A long article about feature stores. " * 40 + "</p></body></html>")


@dataclass(frozen=True)
class Case:
    path: str
    setup: Callable[[SimHost], None]
    status: Status
    reason: str


def route(path: str, behaviour: object) -> Callable[[SimHost], None]:
    return lambda host: host.routes.__setitem__(path, behaviour)  # type: ignore[func-returns-value]


def routes(*pairs: tuple[str, object]) -> Callable[[SimHost], None]:
    def setup(host: SimHost) -> None:
        for path, behaviour in pairs:
            host.routes[path] = behaviour  # type: ignore[assignment]
    return setup


CASES = [
    Case("/article", route("/article", ARTICLE), Status.OK, "http_200"),
    Case("/partial", route("/partial", Page("part", status=206)), Status.OK, "http_206"),
    Case("/temp", routes(("/temp", Redirect("/article", 302)), ("/article", ARTICLE)), Status.OK,
         "http_200"),
    Case("/moved", routes(("/moved", Redirect("/new", 301)), ("/new", ARTICLE)),
         Status.REDIRECTED, "permanent_redirect"),
    Case("/moved308", routes(("/moved308", Redirect("/new", 308)), ("/new", ARTICLE)),
         Status.REDIRECTED, "permanent_redirect"),
    Case("/missing", route("/other", ARTICLE), Status.BROKEN, "http_404"),
    Case("/gone", route("/gone", Page("gone", status=410)), Status.BROKEN, "http_410"),
    Case("/soft", route("/soft", SOFT_404), Status.BROKEN, "soft_404"),
    Case("/parked", route("/parked", PARKED), Status.BROKEN, "parked_domain"),
    Case("/loop", routes(("/loop", Redirect("/loop2")), ("/loop2", Redirect("/loop"))),
         Status.BROKEN, "redirect_loop"),
    Case("/to404", route("/to404", Redirect("/nothing-here", 301)), Status.BROKEN,
         "redirect_to_404"),
    Case("/challenge", route("/challenge", CHALLENGE), Status.BLOCKED, "bot_protection"),
    Case("/private-page", routes(("/private-page", Redirect("/login?next=/private-page", 302)),
                                 ("/login", Page("<title>Sign in</title><form>login</form>"))),
         Status.BLOCKED, "login_required"),
    Case("/auth", route("/auth", Page("no", status=401)), Status.BLOCKED, "http_401"),
    Case("/forbidden", route("/forbidden", Page("no", status=403)), Status.BLOCKED, "http_403"),
    Case("/linkedin", route("/linkedin", Page("", status=999)), Status.BLOCKED, "http_999"),
    Case("/crash", route("/crash", Flaky(failures=99, status=500)), Status.ERROR, "http_500"),
    Case("/unavailable", route("/unavailable", Flaky(failures=99, status=503)), Status.ERROR,
         "http_503"),
    Case("/limited", route("/limited", Flaky(failures=99, status=429, retry_after="1")),
         Status.ERROR, "rate_limited"),
    Case("/slow", route("/slow", Page(latency=3)), Status.ERROR, "timeout"),
    Case("/js", route("/js", Redirect("javascript:alert(1)", 302)), Status.SKIPPED,
         "unsupported_scheme"),
]


async def _instant(seconds: float) -> None:
    await asyncio.sleep(0)


async def check_one(url: str, settings: CheckSettings) -> LinkResult:
    report = await check_links([Link(url)], settings, sleep=_instant)
    return report.links[0]


@pytest.mark.parametrize("case", CASES, ids=[case.path for case in CASES])
async def test_verdict(case: Case, alpha: SimHost, settings: CheckSettings) -> None:
    case.setup(alpha)
    result = await check_one(alpha.url(case.path), replace(settings, total_timeout=0.3))
    assert (result.status, result.reason) == (case.status, case.reason)


async def test_redirected_final_url_is_the_permanent_target(
    alpha: SimHost, settings: CheckSettings
) -> None:
    # The replacement a PR may propose is where the permanent redirect points, not where a
    # later temporary redirect happens to land today.
    alpha.route("/old", Redirect("/a", 301))
    alpha.route("/a", Redirect("/b", 302))
    alpha.route("/b", ARTICLE)
    result = await check_one(alpha.url("/old"), settings)
    assert result.status is Status.REDIRECTED
    assert [hop.status for hop in result.redirects] == [301, 302]
    assert result.final_url == alpha.url("/a")


async def test_accepted_status_from_config(alpha: SimHost, settings: CheckSettings) -> None:
    url = alpha.route("/linkedin", Page("", status=999))
    rule = DomainRule(host=alpha.address, accept=frozenset({999}))
    result = await check_one(url, replace(settings, domains=(rule,)))
    assert result.status is Status.OK


async def test_transport_reasons(web: SimWeb, settings: CheckSettings) -> None:
    reset = await web.add_raw_host(None)
    urls = {
        web.closed_port_url("/x"): (Status.BROKEN, "connection_refused"),
        "https://nothing-here.invalid/": (Status.BROKEN, "dns"),
        reset.url("/"): (Status.ERROR, "connection_reset"),
    }
    # One run per URL: three hosts all failing at the network level would make one run
    # inconclusive, which downgrades its broken verdicts (tested in test_engine.py).
    seen = {url: await check_one(url, settings) for url in urls}
    assert {url: (r.status, r.reason) for url, r in seen.items()} == urls


async def test_private_and_excluded_are_skipped(alpha: SimHost) -> None:
    import re

    url = alpha.route("/ok", ARTICLE)
    settings = CheckSettings(exclude=(re.compile("/excluded"),))
    report = await check_links([Link(url), Link(alpha.url("/excluded"))], settings)
    assert [(r.status, r.reason) for r in report.links] == [
        (Status.SKIPPED, "private_address"), (Status.SKIPPED, "excluded"),
    ]


async def test_deadline_reason(alpha: SimHost, settings: CheckSettings) -> None:
    url = alpha.route("/hang", Gate())
    result = await check_one(url, replace(settings, run_deadline=0.2, total_timeout=5,
                                          first_byte_timeout=5))
    assert (result.status, result.reason) == (Status.ERROR, "deadline")


# ---- TLS: a server whose certificate nobody vouches for ---------------------------------


def _self_signed(directory: Path, address: str) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "roadmap-bot test")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(address))]),
                       critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@pytest.fixture
async def tls_url(tmp_path: Path) -> AsyncIterator[str]:
    address = "127.0.0.9"
    cert, key = _self_signed(tmp_path, address)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    app = web.Application()
    async def page(request: web.Request) -> web.Response:
        return web.Response(text="secret")

    app.router.add_get("/", page)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, address, 0, ssl_context=context)
    await site.start()
    yield f"https://{address}:{runner.addresses[0][1]}/"
    await runner.cleanup()


async def test_untrusted_certificate_is_a_tls_error(tls_url: str, settings: CheckSettings) -> None:
    result = await check_one(tls_url, settings)
    assert (result.status, result.reason) == (Status.ERROR, "tls")
