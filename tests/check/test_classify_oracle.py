"""The classifier gives exactly the verdicts it gave before it was made cheaper per page (the
table screens, lazy headers, one-pass whitespace, the caches): the reading of a page as it
was, kept here as the oracle, and observations of every kind compared on both."""

from __future__ import annotations

import html
import re
import sys
from dataclasses import replace
from functools import cached_property

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from multidict import CIMultiDict, CIMultiDictProxy

from bot.check import app_shell
from bot.check.app_shell import ShellEvidence
from bot.check.classify import (
    _ANY_STRONG_MARKER,
    _ANY_WHOLE_MARKER,
    _WORD_CHARS,
    DEFAULT_RULES,
    ClassifyRules,
    _accepted,
    _app_shell,
    _failure,
    _login_wall,
    _redirect_trouble,
    _redirects,
    _status_table,
    _strong_markers,
    _whole_markers,
    classify,
    may_match,
    soft_404_marker,
)
from bot.check.observation import Failure, Observation, Verdict
from bot.check.page_text import CUT_SLACK, element_texts, fold, lower_ascii, visible_text
from bot.check.signatures import (
    BOT_PROTECTION,
    PARKED,
    SHORT_PAGE_CHARS,
    SITE_REMOVED,
    TITLE_SCAN_BYTES,
    TITLE_SEPARATORS,
    Signature,
)
from bot.model import Hop, Reason, Status, Via
from bot.urls import is_home_page, same_site, same_site_home
from tests.check.test_app_shell import shell as shell_page
from tests.check.test_classify import CASES
from tests.check.test_classify_markers import SAMPLES, WORDS, short_page

# ---- the oracle: the page reading and the rules that changed, as they were ------------------

_TAG = re.compile(r"<[^<>]{0,2000}>")
_MARKUP = re.compile(
    r"<!--.*?(?:-->|\Z)"
    r"|<(script|style|noscript|template)\b.*?(?:</\1\s*>|\Z)"
    r"|<[^>]*(?:>|\Z)",
    re.IGNORECASE | re.DOTALL,
)
_SPACE = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[^\w'\u0300-\u036f\u0591-\u05c7\u064b-\u065f\u0e31-\u0e4e\u200c]+")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"charset=[\"']?([A-Za-z0-9_.:-]+)", re.I)


def old_clean(fragment: str) -> str:
    fragment = _TAG.sub(" ", fragment[:1000])
    return _SPACE.sub(" ", html.unescape(fragment)).strip()


def old_element_texts(text: str, tag: str, limit: int, low: str) -> list[str]:
    pos, found = 0, []
    opening, closing = f"<{tag}", f"</{tag}"
    while len(found) < limit:
        start = low.find(opening, pos)
        if start < 0:
            break
        after = low[start + len(opening): start + len(opening) + 1]
        if after.isalnum():
            pos = start + 1
            continue
        body = low.find(">", start)
        end = low.find(closing, body) if body >= 0 else -1
        if end < 0:
            break
        found.append(old_clean(text[body + 1: end]))
        pos = end
    return found


def _old_visible(text: str) -> str:
    return _SPACE.sub(" ", html.unescape(_MARKUP.sub(" ", text))).strip()


def old_visible_text(text: str, limit: int) -> str | None:
    if len(text) > 16 * 1024 and len(_old_visible(text[:16 * 1024])) > limit:
        return None
    visible = _old_visible(text)
    return visible if len(visible) <= limit else None


def old_decode_body(body: bytes, encoding: str | None, headers: dict[str, str]) -> str:
    match = _HEADER_CHARSET.search(headers.get("content-type", ""))
    meta = _META_CHARSET.search(body, 0, 4096)
    for candidate in (encoding, match.group(1) if match else None,
                      meta.group(1).decode("ascii") if meta else None):
        if candidate:
            try:
                return body.decode(candidate, errors="replace")
            except (LookupError, ValueError):
                continue
    return body.decode("utf-8", errors="replace")


class OldPage:
    def __init__(self, observation: Observation, shell: ShellEvidence | None = None) -> None:
        self.observation = observation
        self.shell = shell
        self.url = observation.final_url or observation.url
        self.code = observation.final_status or 0
        self.headers = {name.lower(): value for name, value in observation.final_headers.items()}

    @cached_property
    def text(self) -> str:
        content_type = self.headers.get("content-type", "")
        if content_type and not any(kind in content_type.lower()
                                    for kind in ("html", "xml", "text/plain")):
            return ""
        return old_decode_body(self.observation.body, self.observation.encoding, self.headers)

    @cached_property
    def head(self) -> str:
        return self.text[:TITLE_SCAN_BYTES]

    @cached_property
    def head_lowered(self) -> str:
        return lower_ascii(self.head)

    @cached_property
    def title(self) -> str:
        titles = old_element_texts(self.head, "title", 1, self.head_lowered)
        return titles[0] if titles else ""

    @cached_property
    def headings(self) -> list[str]:
        return old_element_texts(self.head, "h1", 3, self.head_lowered)

    @cached_property
    def folded(self) -> str:
        return fold(self.text)

    @cached_property
    def visible(self) -> str | None:
        return old_visible_text(self.text, SHORT_PAGE_CHARS)

    @cached_property
    def shell_print(self) -> str | None:
        if not (200 <= self.code < 300 and self.text):
            return None
        visible = self.visible
        if not (visible is not None and len(visible) <= 300 and "<script" in self.head_lowered):
            return None
        return app_shell.fingerprint(self.text, self.url)


def old_matches(signature: Signature, page: OldPage) -> bool:
    if signature.statuses and page.code not in signature.statuses:
        return False
    if signature.header is not None:
        value = page.headers.get(signature.header)
        if value is None or (signature.header_regex and not signature.header_regex.search(value)):
            return False
    if signature.url_regex is not None and not signature.url_regex.search(page.url):
        return False
    if signature.short_page and page.visible is None:
        return False
    if signature.body_regex is None:
        return True
    regex = signature.body_regex
    return may_match(regex, page.folded) and bool(regex.search(page.text))


def _old_first(table: tuple[Signature, ...], page: OldPage, kind: str) -> Verdict | None:
    for signature in table:
        if old_matches(signature, page):
            detail = f"{signature.why} (HTTP {page.code} from {page.url})"
            return Verdict(signature.status, signature.reason, f"{kind}:{signature.name}", detail)
    return None


def _old_bot(page: OldPage, rules: ClassifyRules) -> Verdict | None:
    return _old_first(BOT_PROTECTION, page, "signature")


def _old_parked(page: OldPage, rules: ClassifyRules) -> Verdict | None:
    verdict = _old_first(PARKED, page, "parked")
    if verdict and verdict.rule.endswith("-redirect") and same_site(page.observation.url, page.url):
        return None
    return verdict


def _old_site(page: OldPage, rules: ClassifyRules) -> Verdict | None:
    return _old_first(SITE_REMOVED, page, "site")


def _old_normal(text: str) -> str:
    return " ".join(_NOT_WORD.sub(" ", text.replace("’", "'")).split()).lower()


def old_marker(text: str, rules: ClassifyRules) -> str | None:
    for pattern in rules.soft_404_patterns:
        if pattern.search(text):
            return f"config:{pattern.pattern}"
    for segment in TITLE_SEPARATORS.split(text):
        normal = _old_normal(segment)
        if not normal or not _ANY_WHOLE_MARKER.fullmatch(normal):
            continue
        for name, pattern in _whole_markers():
            if pattern.fullmatch(normal):
                return name
    return None


def _old_soft_404(page: OldPage, rules: ClassifyRules) -> Verdict | None:
    if page.observation.hops and same_site_home(page.observation.url, page.url):
        return Verdict(Status.BROKEN, Reason.SOFT_404, "soft-404:home-redirect",
                       f"a deep link was redirected to the site's home page {page.url}")
    for where, texts in (("title", [page.title]), ("h1", page.headings)):
        for text in texts:
            marker = old_marker(text, rules)
            if marker:
                return Verdict(Status.BROKEN, Reason.SOFT_404, f"soft-404:{where}-marker",
                               f"the page's <{where}> {text[:120]!r} says not found ({marker})")
    text = page.visible
    if text is None or len(text) > 600:
        return None
    normal = _old_normal(text)
    if not may_match(_ANY_STRONG_MARKER, fold(normal)) or not _ANY_STRONG_MARKER.search(normal):
        return None
    for name, pattern in _strong_markers():
        if pattern.search(normal):
            detail = f"a short page saying not found ({name}): {text[:120]!r}"
            return Verdict(Status.BROKEN, Reason.SOFT_404, "soft-404:short-body", detail)
    return None


def _old_success(page: OldPage, rules: ClassifyRules) -> Verdict:
    hops = len(page.observation.hops)
    via = f" after {hops} temporary redirect(s)" if hops else ""
    return Verdict(Status.OK, f"http_{page.code}", f"status-table:{page.code}",
                   f"HTTP {page.code}{via}")


OLD_RULES = (_redirect_trouble, _failure, _accepted, _old_bot, _login_wall, _status_table,
             _old_parked, _old_site, _old_soft_404, _app_shell, _redirects, _old_success)


def old_classify(observation: Observation, rules: ClassifyRules = DEFAULT_RULES,
                 shell: ShellEvidence | None = None) -> Verdict:
    page = OldPage(observation, shell)
    for rule in OLD_RULES:
        verdict = rule(page, rules)  # type: ignore[operator]
        if verdict is not None:
            if page.shell is not None or verdict.status not in (Status.OK, Status.REDIRECTED):
                return verdict
            if is_home_page(page.url):
                return verdict
            fingerprint = page.shell_print
            return verdict if fingerprint is None else replace(verdict, shell_print=fingerprint)
    raise AssertionError("the last rule always decides")


# ---- observations of every kind ------------------------------------------------------------

URLS = [
    "https://example.org/docs/page", "https://example.org/", "https://example.org/en/",
    "https://www.amazon.com/dp/1", "https://www.amazon.co.uk/x?y", "https://sedo.com/search",
    "https://www.hugedomains.com/domain_profile.cfm?d=x.org", "https://www.godaddy.com/forsale/x",
    "https://www.youtube.com/watch?v=xxxxxxxxxxx", "https://example.org/users/sign_in",
    "https://accounts.google.com/ServiceLogin", "https://example.org/gate?returnTo=%2Fx",
    "http://127.0.0.2:18080/docs/page-0.html", "https://app.example.org/docs/removed",
]
HEADER_NAMES = ["content-type", "Content-Type", "CONTENT-TYPE", "server", "Server", "set-cookie",
                "Set-Cookie", "cf-mitigated", "x-vercel-mitigated", "x-amzn-waf-action",
                "x-datadome", "x-sucuri-id", "date", "ſerver"]
HEADER_VALUES = ["text/html", "text/html; charset=utf-8", "text/html; charset=iso-8859-1",
                 "application/pdf", "TEXT/PLAIN", "application/xhtml+xml", "", "cloudflare",
                 "AkamaiGHost", "challenge", "deny", "captcha", "datadome=abc; Path=/",
                 "ddos-guard", "sucuri/cloudproxy", "text/html; charset=bogus", "nginx"]
FRAGMENTS = [
    "<title>Simulated page /docs/page-0.html</title>", "<h1>Simulated page</h1>",
    "<p>A healthy page of the benchmark web.</p>", "<title>Page not found · GitHub</title>",
    "<title>404 - Page Not Found | Example</title>", "<h1>Oops! That page can’t be found.</h1>",
    "<title>Seite nicht gefunden – Beispiel</title>", "<h1>Страница не найдена</h1>",
    "<title>How to fix 404 Not Found errors</title>", "<div>Sorry, page not found.</div>",
    "<p>Not&nbsp;found</p>", "<p>not-found</p>", "<title>Just a moment...</title>",
    "<script src='/cdn-cgi/challenge-platform/h/g/x'></script>", "<p>Please verify you are a "
    "human</p>", "<script>window._pxAppId='PX1';</script>", "<p>captcha-delivery.com</p>",
    "<iframe src='/_Incapsula_Resource?x=1'></iframe>", "<p>To discuss automated access to "
    "Amazon data please contact</p>", "<form action='/errors/validateCaptcha'>",
    "<h2>This domain is for sale!</h2>", "<p>BUY THIS DOMAIN</p>", "<p>Dıese domaın</p>",
    "<script src='https://img.sedoparking.com/js/x.js'></script>", "<p>ſedoparking.com</p>",
    '<script>var r = {"playabilityStatus":{"status":"ERROR"}};</script>',
    "<TITLE lang=en>Page &amp; <b>Title</b>\n </TITLE>", "<title>İstanbul Ünİ</title>",
    "<!-- page not found -->", "<style>p{}</style>", "<noscript>x</noscript>",
    "<title>never closed", "<h1 class=x>Two <i>2</i></h1>", "<h10>no</h10>", "<titles>x</titles>",
    "<meta charset=latin-1>", "<div id='root'></div>", "<script>window.__T=1</script>",
    "\u00a0\u2003\x1c\n\t", "&amp;&#39;&#x41;&notin;&am", "Access Denied Reference&#32;&#35;18",
    "<p>página no encontrada</p>", "<h1>ไม่พบหน้า</h1>", "<p>sayfa bulunamadı</p>", "<",
]
BIG_FILLER = st.sampled_from([
    "<p>" + "Long article text. " * 150 + "</p>",
    "<p>" + "word " * 500 + "</p>",
    "<script>" + "var x = 1;" * 2000 + "</script>",
    "<!--" + "c" * 17_000,
    "<p>" + "x" * 16_380 + "&amp;" + "</p>" + "<b></b>" * 10,
])
FRAGMENT = st.sampled_from(FRAGMENTS)
BODIES = st.lists(FRAGMENT | FRAGMENT | FRAGMENT | BIG_FILLER | st.text(max_size=40), max_size=6) \
    .map("".join)
HEADERS = st.lists(st.tuples(st.sampled_from(HEADER_NAMES), st.sampled_from(HEADER_VALUES)),
                   max_size=5)
STATUSES = st.sampled_from([200] * 12 + [204, 206, 301, 304, 401, 403, 403, 404, 410, 429,
                                         451, 500, 503, 503, 999, None])
HOPS = st.lists(st.builds(Hop, st.sampled_from(URLS), st.sampled_from([301, 302, 307, 308]),
                          st.sampled_from(list(Via))), max_size=2).map(tuple)
SHELLS = st.none() | st.builds(
    ShellEvidence, st.just("https://app.example.org/roadmap-bot-probe-x"), st.just(200),
    st.sampled_from([None, app_shell.fingerprint(shell_page(), "https://app.example.org/x")]),
    st.sampled_from([None, "https://app.example.org/docs/intro"]))
RULES = st.sampled_from([DEFAULT_RULES, ClassifyRules.of({"example.org": [403, 200]}),
                         ClassifyRules.of(soft_404_markers=["simulated", "nothing here"])])


@st.composite
def observations(draw: st.DrawFn) -> Observation:
    pairs = draw(HEADERS)
    headers: object = dict(pairs)
    if draw(st.booleans()):
        headers = CIMultiDictProxy(CIMultiDict(pairs))
    body = draw(BODIES | st.sampled_from(["", shell_page()]))
    return Observation(
        url=draw(st.sampled_from(URLS)), hops=draw(HOPS), final_url=draw(st.sampled_from(URLS)),
        final_status=draw(STATUSES), final_headers=headers,  # type: ignore[arg-type]
        body=body.encode(draw(st.sampled_from(["utf-8", "latin-1", "utf-16"])), "replace"),
        encoding=draw(st.sampled_from([None, None, "utf-8", "bogus", "latin-1"])),
        failure=draw(st.sampled_from([None] * 30 + list(Failure))),
        redirect_loop=draw(st.sampled_from([False] * 30 + [True])), attempts=1,
    )


@settings(max_examples=1500, deadline=None)
@given(observations(), RULES, SHELLS)
def test_verdicts_are_the_same_as_before(observation: Observation, rules: ClassifyRules,
                                         shell: ShellEvidence | None) -> None:
    assert classify(observation, rules, shell) == old_classify(observation, rules, shell)


@pytest.mark.parametrize("observation", [case[1] for case in CASES],
                         ids=[case[0] for case in CASES])
def test_the_table_cases_are_the_same_as_before(observation: Observation) -> None:
    assert classify(observation) == old_classify(observation)


@pytest.mark.parametrize("proxy", [False, True])
def test_pages_of_real_size_are_the_same_as_before(proxy: bool) -> None:
    article = "<html><head><title>Closures - Rust</title></head><body><nav>" + \
        "<li><a href='x.html'>Chapter ünë</a></li>\n   " * 400 + "</nav><h1>Closures</h1>" + \
        "<pre><code><span class=k>fn</span> main() {}</code></pre>" * 300 + "</body></html>"
    for body in (article, article.replace("ü", "u").replace("ë", "e"), shell_page()):
        pairs = [("Content-Type", "text/html; charset=utf-8"), ("Server", "nginx")]
        headers = CIMultiDictProxy(CIMultiDict(pairs)) if proxy else dict(pairs)
        url = "https://doc.example.org/book/ch13-01-closures.html"
        observation = Observation(url=url, final_url=url, final_status=200, attempts=1,
                                  final_headers=headers, body=body.encode())
        assert classify(observation) == old_classify(observation)


def test_a_repeated_header_counts_by_its_last_value_as_before() -> None:
    pairs = [("Set-Cookie", "datadome=abc"), ("set-cookie", "x=1"), ("Server", "cloudflare"),
             ("server", "nginx")]
    for headers in (dict(pairs), CIMultiDictProxy(CIMultiDict(pairs)),
                    CIMultiDictProxy(CIMultiDict(reversed(pairs)))):
        observation = Observation(url=URLS[0], final_url=URLS[0], final_status=403, attempts=1,
                                  final_headers=headers, body=b"<p>Just a moment</p>")
        assert classify(observation) == old_classify(observation)


# Marker phrases with their words run together by whatever a title or a page may put between
# them: the screens look at the text before it is normalised, and must let each one through.
JOINERS = st.sampled_from([" ", "-", ".", ",", ", ", "\n", "’", "'", "_", " | ", "/", "!", "  ",
                           "\u00a0", "–", "(", ")", ":", "?", "&", "<b>", ""])


@st.composite
def joined_phrases(draw: st.DrawFn) -> str:
    words = [*draw(st.lists(st.sampled_from(WORDS), max_size=2)),
             *draw(st.sampled_from(sorted(SAMPLES.values()))).split(" "),
             *draw(st.lists(st.sampled_from(WORDS), max_size=2))]
    words = [word.upper() if draw(st.booleans()) and draw(st.booleans()) else word
             for word in words]
    return "".join(word + draw(JOINERS) for word in words)


@settings(max_examples=800, deadline=None)
@given(joined_phrases())
def test_marker_phrases_however_joined_are_read_as_before(text: str) -> None:
    assert soft_404_marker(text) == old_marker(text, DEFAULT_RULES)
    assert classify(short_page(text)) == old_classify(short_page(text))


# Texts whose markup-free head is cut anywhere: in a long entity or a numeric one, in a run of
# spaces, right after an "&" or a tag; the limit small, so the head is short.
ENTITIES = st.sampled_from(["&amp;", "&amp", "&CounterClockwiseContourIntegral;", "&notin;",
                            "&noti", "&#" + "0" * 40 + "65;", "&#x1F600;", "&#x", "&#", "&",
                            "&&", "&nbsp;", "&#9;", "&#0;", "&#xD800;", "&zz;", " & ", "&lt"])
READABLE = st.lists(ENTITIES | st.sampled_from([" ", "  \n\t", "x", "word ", "<b>", "<!-- c -->",
                                                "<script>s</script>", "\u00a0", "<"]) |
                    st.text(max_size=8), max_size=60).map("".join)


@settings(max_examples=1500, deadline=None)
@given(READABLE, st.integers(min_value=0, max_value=60))
def test_visible_text_reads_a_cut_head_as_before(text: str, limit: int) -> None:
    assert visible_text(text, limit) == old_visible_text(text, limit)
    head = 4 * (limit + CUT_SLACK)
    for cut in range(max(0, head - 40), head + 40):  # whole pages of every length about it
        assert visible_text(text[:cut], limit) == old_visible_text(text[:cut], limit)


@pytest.mark.parametrize("entity", ["&CounterClockwiseContourIntegral;", "&#" + "0" * 60 + "8755;",
                                    "&#x0000000000000002233;", "&notin;"])
@pytest.mark.parametrize("limit", [0, 1, 2, 40])
def test_visible_text_reads_an_entity_cut_at_every_place_as_before(entity: str,
                                                                  limit: int) -> None:
    head = 4 * (limit + CUT_SLACK)
    for cut in range(len(entity) + 2):  # the head ends after `cut` characters of the entity
        text = " " * (head - cut) + entity + "a" * max(0, limit - 1) + " " * 50
        assert visible_text(text, limit) == old_visible_text(text, limit)


MARKUP_BITS = st.sampled_from(["<title>", "</title>", "<TITLE lang=x>", "</TiTlE >", "<titles>",
                               "<h1>", "</h1>", "<H1 class=a>", "</H1>", "<h10>", "<h1", "<",
                               ">", "<SCRIPT>", "<scrİpt>", "<ſcript>", "<b>", "&amp;", "İ",
                               "ı", "\u212a", "ſ", "Ü", " ", "x"])


@settings(max_examples=1000, deadline=None)
@given(st.lists(MARKUP_BITS | st.text(max_size=4), max_size=30).map("".join))
def test_titles_headings_and_scripts_are_found_as_before(text: str) -> None:
    lowered = lower_ascii(text)
    assert element_texts(text, "title", 1) == old_element_texts(text, "title", 1, lowered)
    assert element_texts(text, "h1", 3) == old_element_texts(text, "h1", 3, lowered)
    assert app_shell.could_be_shell("", text) is ("<script" in lowered)


def test_phrases_are_cut_into_the_same_words_as_before() -> None:
    # The words are runs of _WORD_CHARS now, the runs between _NOT_WORD matches before: the
    # same runs as long as no word character is whitespace (which split() cut at too).
    spaces = "".join(char for char in map(chr, range(sys.maxunicode + 1)) if char.isspace())
    assert not re.findall(f"[{_WORD_CHARS}]", spaces)
