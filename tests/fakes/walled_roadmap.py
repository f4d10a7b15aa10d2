"""The repository's own roadmap.yaml on the simulated web, with the walls the real sites put
up for bots, and a fake Internet Archive that knows them as the real one plausibly does.

Every host of roadmap.yaml becomes a simulated host (its URLs rewritten to it); most answer
with an ordinary page. The walls, by host (a named table, as the real sites behave):
- www.udemy.com, leetcode.com: Cloudflare's challenge (403, cf-mitigated: challenge);
- www.amazon.com: Amazon's robot check (503 with a captcha form);
- app.datacamp.com: a login wall (302 to the sign-in page); its public twins on
  www.datacamp.com answer, reached through the built-in remaps.
The archive's captures (`CAPTURES`, by original URL, days before the night) are plausible:
the courses and LeetCode are crawled often, one course only long ago, Amazon's robot check
is what the crawler mostly got.

    async with SimWeb() as web:
        fixture = await serve_roadmap(web, archive)
        fixture.text          # roadmap.yaml with its URLs on the simulated web
        fixture.check(...)    # CheckSettings: the sites' names resolved, remaps rewritten
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from bot.check.settings import DEFAULT_REMAPS, CheckSettings, Remap
from tests.fakes.archive import FakeArchive, cdx_row
from tests.simweb import Behaviour, Page, Redirect, SimHost, SimWeb

ROADMAP = Path(__file__).resolve().parents[2] / "roadmap.yaml"
_URL = re.compile(r"https?://([A-Za-z0-9.-]+)")

CLOUDFLARE = Page(
    "<!DOCTYPE html><html lang=\"en-US\"><head><title>Just a moment...</title>"
    "<meta http-equiv=\"refresh\" content=\"390\"></head><body><noscript>Enable JavaScript and "
    "cookies to continue</noscript><script>(function(){window._cf_chl_opt={cvId: '3'};"
    "var a=document.createElement('script');a.src='/cdn-cgi/challenge-platform/h/b/orchestrate"
    "/chl_page/v1?ray=8e1f';document.getElementsByTagName('head')[0].appendChild(a);}());"
    "</script></body></html>",
    status=403, headers={"cf-mitigated": "challenge", "Server": "cloudflare",
                         "cf-ray": "8e1f2a3b4c5d6e7f-FRA"})
AMAZON_ROBOT_CHECK = Page(
    "<!doctype html><html><head><title dir=\"ltr\">Amazon.com</title></head><body><h4>Enter "
    "the characters you see below</h4><p>Sorry, we just need to make sure you're not a robot. "
    "For best results, please make sure your browser is accepting cookies.</p>"
    "<form method=\"get\" action=\"/errors/validateCaptcha\" name=\"\"><input type=hidden "
    "name=\"amzn\" value=\"x\"/></form><p>To discuss automated access to Amazon data please "
    "contact api-services-support@amazon.com.</p></body></html>", status=503)
SIGN_IN = Page("<html><head><title>Sign in | DataCamp</title></head><body><form action="
               "\"/users/sign_in\" method=\"post\"><input type=\"email\" name=\"email\">"
               "<input type=\"password\" name=\"password\"></form></body></html>")
ARTICLE = Page("<html><head><title>A resource</title></head><body><h1>A resource</h1>"
               + "<p>Plenty of useful text about MLOps.</p>" * 40 + "</body></html>")

# What each host shows a bot (anything not named here: the page itself).
WALLS: dict[str, Behaviour] = {
    "www.udemy.com": CLOUDFLARE,
    "leetcode.com": CLOUDFLARE,
    "www.amazon.com": AMAZON_ROBOT_CHECK,
    "app.datacamp.com": Redirect("/users/sign_in?redirect=%2Flearn", 302),
}

# The archive's captures of the walled links: (days before the night, HTTP status).
_CRAWLED_OFTEN = ((420, 200), (130, 200), (41, 301), (40, 200), (6, 200))
CAPTURES: dict[str, tuple[tuple[int, int], ...]] = {
    "https://www.udemy.com/course/bash-mastery": _CRAWLED_OFTEN,
    "https://www.udemy.com/course/kubernetesmastery/": ((300, 200), (22, 200)),
    "https://www.udemy.com/course/sustainable-and-scalable-machine-learning-project-"
    "development/": ((200, 200), (51, 200), (17, 403), (9, 200)),
    # Crawled once, long ago: nothing recent vouches for it.
    "https://www.udemy.com/course/setting-up-the-linux-terminal-for-software-development/":
        ((240, 200),),
    "https://www.udemy.com/course/mlflow-course/": ((90, 200), (33, 200)),
    "https://www.udemy.com/course/mastering-prometheus-and-grafana/": _CRAWLED_OFTEN,
    "https://leetcode.com/problemset/": ((30, 200), (2, 200)),
    # The crawler mostly meets the robot check too (captured as 503).
    "https://www.amazon.com/stores/Eric-Matthes/author/B01DPU378I": ((700, 200), (95, 503),
                                                                      (12, 503)),
}


@dataclass
class WalledRoadmap:
    """The rewritten roadmap, the simulated hosts by real name, and URL translations."""

    text: str
    hosts: dict[str, SimHost]
    urls: dict[str, str] = field(default_factory=dict)  # original URL -> simulated URL
    remaps: tuple[Remap, ...] = ()

    def check(self, web: SimWeb, base: CheckSettings) -> CheckSettings:
        return replace(base, resolve=web.resolve_table(), remaps=self.remaps, allow_private=True)

    @property
    def walled(self) -> list[str]:
        return [sim for url, sim in self.urls.items() if urlsplit(url).hostname in WALLS]


def _remap_on(remap: Remap, hosts: dict[str, SimHost]) -> Remap:
    """A built-in remap with the real hosts replaced by their simulated twins."""
    pattern, replacement = remap.pattern.pattern, remap.replacement
    for name, host in hosts.items():
        pattern = pattern.replace(f"https?://{re.escape(name)}", re.escape(host.base))
        replacement = replacement.replace(f"https://{name}", host.base)
    return Remap(remap.name, re.compile(pattern), replacement)


async def serve_roadmap(web: SimWeb, archive: FakeArchive | None = None,
                        night: datetime | None = None) -> WalledRoadmap:
    """Serve roadmap.yaml's links; fill `archive` with `CAPTURES` relative to `night`."""
    text = ROADMAP.read_text(encoding="utf-8")
    names = sorted(set(_URL.findall(text)) | {"www.datacamp.com"})
    hosts = {}
    for name in names:
        host = await web.add_host(re.sub(r"[^a-z0-9]+", "-", name.lower()))
        host.fallback = WALLS.get(name, ARTICLE)
        hosts[name] = host
    hosts["app.datacamp.com"].route("/users/sign_in", SIGN_IN)
    urls = {url: _on(url, hosts) for url in re.findall(r"https?://[^\s'\"]+", text)}
    for url, sim in sorted(urls.items(), key=lambda item: -len(item[0])):
        text = text.replace(url, sim)
    fixture = WalledRoadmap(text, hosts, urls,
                            tuple(_remap_on(r, hosts) for r in DEFAULT_REMAPS))
    if archive is not None and night is not None:
        for url, sim in urls.items():
            known = CAPTURES.get(url.split("?")[0])
            if known:
                archive.captures[sim] = [cdx_row(night - timedelta(days=days), status, sim)
                                         for days, status in known]
    return fixture


def _on(url: str, hosts: dict[str, SimHost]) -> str:
    parts = urlsplit(url)
    rest = url[len(f"{parts.scheme}://{parts.netloc}"):]
    return hosts[parts.hostname or ""].base + rest
