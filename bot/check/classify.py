"""Observation -> Verdict: the contract's status and reason for what the engine saw, and the
named rule that decided it. Pure: no network, no clock, no files.

Rules are tried in a fixed order; the first that speaks decides:

1. redirect loops and too many hops                               `redirect:loop|too-many`
2. transport failures (DNS, refused, reset, timeout, TLS, ...)   `failure:<kind>`
3. per-host accepted status codes from the config                 `config:accepted-status`
4. bot-protection signatures, whatever the status                 `signature:<name>`
5. a redirect that ends on a sign-in page                         `login:<name>`
6. non-2xx final statuses (the status table)                      `status-table:<code>`
7. on 2xx pages: parked domains, removed videos, soft 404s        `parked:` `site:` `soft-404:`
   and app shells no different from a made-up path on their host  `soft-404:app-shell`,
                                                                  `app-shell:client-rendered`
8. permanent redirects to another URL, else ok                    `redirect:permanent`
   (a 200 page's own immediate meta refresh or script-only redirect counts as one:
   `redirect:meta-refresh`, `redirect:script`)
"""

from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Generic, TypeVar

from bot import urls
from bot.check import app_shell, page_text
from bot.check.app_shell import ShellEvidence
from bot.check.observation import CASE_BLIND_HEADERS, Failure, Observation, Verdict
from bot.check.signatures import (
    BOT_PROTECTION,
    LOGIN_PAGES,
    PARKED,
    SHORT_PAGE_CHARS,
    SITE_REMOVED,
    SOFT_404_MARKERS,
    STATUS_TABLE,
    TITLE_SCAN_BYTES,
    TITLE_SEPARATORS,
    LoginPattern,
    Signature,
    StatusRule,
    status_class_rule,
)
from bot.model import Hop, Reason, Status, Via
from bot.urls import host_matches, host_of, is_home_page, normalize, same_site, same_site_home

PERMANENT = frozenset({301, 308})
ANY_HOST = "*"
SOFT_404_BODY_CHARS = 600  # only pages this short are searched as a whole for "not found"


@dataclass(frozen=True, slots=True)
class ClassifyRules:
    """Per-run classification settings from the config: status codes accepted as ok per
    host pattern (``{"linkedin.com": [999]}``) and extra soft-404 markers (regexes searched
    in a 2xx page's ``<title>`` and ``<h1>``)."""

    accepted: tuple[tuple[str, frozenset[int]], ...] = ()
    soft_404_patterns: tuple[re.Pattern[str], ...] = ()

    @classmethod
    def of(
        cls,
        accepted: Mapping[str, Iterable[int]] | None = None,
        soft_404_markers: Iterable[str] = (),
    ) -> ClassifyRules:
        """Build rules from plain config values; raises `re.error` on a bad marker regex.
        The host pattern ``*`` accepts its codes on every host."""
        pairs = tuple((host, frozenset(codes)) for host, codes in (accepted or {}).items())
        patterns = tuple(re.compile(marker, re.IGNORECASE) for marker in soft_404_markers)
        return cls(accepted=pairs, soft_404_patterns=patterns)

    @classmethod
    def accepting(cls, codes: Iterable[int]) -> ClassifyRules:
        """Rules accepting `codes` whatever the host: for a caller that has already looked
        up the URL's host in its config."""
        return cls.of({ANY_HOST: codes})

    def accepts(self, url: str, code: int) -> bool:
        if not self.accepted:
            return False  # the usual case: no need to parse the URL's host
        host = host_of(url)
        return any(
            code in codes and (pattern == ANY_HOST or host_matches(host, pattern))
            for pattern, codes in self.accepted
        )


DEFAULT_RULES = ClassifyRules()

FAILURE_TABLE: Mapping[Failure, tuple[Status, str]] = {
    Failure.DNS_NXDOMAIN: (Status.BROKEN, Reason.DNS),
    Failure.DNS_TEMPORARY: (Status.ERROR, Reason.DNS_TEMPORARY),
    # The contract files a refused connection under broken; one refused night could be an
    # outage, which is why curation only acts on a streak over several nights.
    Failure.CONNECTION_REFUSED: (Status.BROKEN, Reason.CONNECTION_REFUSED),
    Failure.CONNECTION_RESET: (Status.ERROR, Reason.CONNECTION_RESET),
    Failure.TIMEOUT: (Status.ERROR, Reason.TIMEOUT),
    Failure.TLS: (Status.ERROR, Reason.TLS),
    Failure.INVALID_RESPONSE: (Status.ERROR, Reason.INVALID_RESPONSE),
    Failure.PRIVATE_ADDRESS: (Status.SKIPPED, Reason.PRIVATE_ADDRESS),
    Failure.UNSUPPORTED_SCHEME: (Status.SKIPPED, Reason.UNSUPPORTED_SCHEME),
    Failure.DEADLINE: (Status.ERROR, Reason.DEADLINE),
}


_T = TypeVar("_T")


class _once(Generic[_T]):
    """`functools.cached_property` without the lock Python 3.11 takes on each first read
    (~0.5 us, and a page reads seven of them); a Page never leaves its thread."""

    def __init__(self, compute: Callable[[Page], _T]) -> None:
        self._compute = compute
        self._name = compute.__name__

    def __get__(self, page: Page, owner: type[Page] | None = None) -> _T:
        value = page.__dict__[self._name] = self._compute(page)
        return value


class Page:
    """The final answer as the rules read it: status, headers, decoded text, title and
    headings; the text is decoded and scanned only when a rule asks for it."""

    def __init__(self, observation: Observation, shell: ShellEvidence | None = None) -> None:
        self.observation = observation
        self.shell = shell
        self.url = observation.final_url or observation.url
        self.code = observation.final_status or 0

    def header(self, name: str) -> str | None:
        """The value of the header `name` (lowercase), the last one's when it repeats."""
        headers = self.observation.final_headers
        if isinstance(headers, CASE_BLIND_HEADERS):
            values = headers.getall(name, ())
            return values[-1] if values else None
        return self.lowered_headers.get(name)

    def has_header(self, names: frozenset[str]) -> bool:
        """True when one of the headers `names` (lowercase) is present."""
        headers = self.observation.final_headers
        if isinstance(headers, CASE_BLIND_HEADERS):
            return any(map(headers.__contains__, names))
        return not names.isdisjoint(self.lowered_headers)

    @_once
    def lowered_headers(self) -> dict[str, str]:
        """The headers by lowercased name; the last one wins when a name repeats."""
        return {name.lower(): value for name, value in self.observation.final_headers.items()}

    @_once
    def text(self) -> str:
        content_type = self.header("content-type") or ""
        if not _is_textual(content_type):
            return ""
        return page_text.decode_body(
            self.observation.body, self.observation.encoding, content_type)

    @_once
    def head(self) -> str:
        return self.text[:TITLE_SCAN_BYTES]

    @_once
    def title(self) -> str:
        titles = page_text.element_texts(self.head, "title", 1)
        return titles[0] if titles else ""

    @_once
    def headings(self) -> list[str]:
        return page_text.element_texts(self.head, "h1", 3)

    @_once
    def folded(self) -> str:
        return page_text.fold(self.text)

    @_once
    def visible(self) -> str | None:
        """The page's visible text, or None when the page is too long to be a stub."""
        return page_text.visible_text(self.text, SHORT_PAGE_CHARS)

    @_once
    def could_be_shell(self) -> bool:
        """True when the page could be an app shell (see app_shell.could_be_shell)."""
        return 200 <= self.code < 300 and bool(self.text) and app_shell.could_be_shell(
            self.visible, self.head)

    @_once
    def shell_print(self) -> str | None:
        """The page's app-shell fingerprint, or None when it cannot be an app shell."""
        return app_shell.fingerprint(self.text, self.url) if self.could_be_shell else None


def _is_textual(content_type: str) -> bool:
    lowered = content_type.lower()
    return not content_type or "html" in lowered or "xml" in lowered or "text/plain" in lowered


Rule = Callable[[Page, ClassifyRules], Verdict | None]


def classify(
    observation: Observation, rules: ClassifyRules = DEFAULT_RULES,
    shell: ShellEvidence | None = None,
) -> Verdict:
    """The verdict on one URL from what the engine observed, and what a made-up path on its
    host answered when the engine probed it (`shell`)."""
    page = Page(observation, shell)
    for rule in RULES:
        verdict = rule(page, rules)
        if verdict is not None:
            return _shell_cue(verdict, page)
    raise AssertionError("the last rule always decides")  # pragma: no cover


def _shell_cue(verdict: Verdict, page: Page) -> Verdict:
    """`verdict` with the page's shell fingerprint when only a probe of its host could tell
    whether the page is real (a live-looking page that could be an app shell)."""
    if page.shell is not None or verdict.status not in (Status.OK, Status.REDIRECTED):
        return verdict
    if not page.could_be_shell or is_home_page(page.url):
        return verdict  # a site's front page that answers is alive, shell or not
    return replace(verdict, shell_print=page.shell_print)


def _failure(page: Page, rules: ClassifyRules) -> Verdict | None:
    failure = page.observation.failure
    if failure is None:
        if page.observation.final_status is None:
            return Verdict(Status.ERROR, Reason.INVALID_RESPONSE, "failure:no-answer",
                           "no HTTP answer was recorded")
        return None
    status, reason = FAILURE_TABLE[failure]
    detail = _last_failure_detail(page.observation) or failure.value.replace("_", " ")
    return Verdict(status, reason, f"failure:{failure.value}", detail)


def _last_failure_detail(observation: Observation) -> str:
    details = [exchange.detail for exchange in observation.exchanges if exchange.failure]
    return details[-1] if details else ""


def _redirect_trouble(page: Page, rules: ClassifyRules) -> Verdict | None:
    hops = len(page.observation.hops)
    if page.observation.redirect_loop:
        return Verdict(Status.BROKEN, Reason.REDIRECT_LOOP, "redirect:loop",
                       f"the redirect chain comes back to a URL it already visited ({hops} hops)")
    if page.observation.too_many_redirects:
        return Verdict(Status.ERROR, Reason.TOO_MANY_REDIRECTS, "redirect:too-many",
                       f"gave up after {hops} redirects")
    return None


def _accepted(page: Page, rules: ClassifyRules) -> Verdict | None:
    if not (rules.accepts(page.url, page.code) or rules.accepts(page.observation.url, page.code)):
        return None
    return Verdict(Status.OK, _http(page.code), "config:accepted-status",
                   f"HTTP {page.code} is accepted for this host by the config")


def _http(code: int) -> str:
    return f"http_{code}"


def matches(signature: Signature, page: Page) -> bool:
    """True when every condition of `signature` holds for `page`."""
    if signature.statuses and page.code not in signature.statuses:
        return False
    if signature.header is not None:
        value = page.header(signature.header)
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


def may_match(regex: re.Pattern[str], folded: str) -> bool:
    """False only when `regex` cannot match the text `folded` is ``page_text.fold`` of: the
    text holds none of the words every match needs. Looking for a few words costs far less
    than an ignore-case regex with dozens of alternatives tried at every position."""
    words = folded_words(regex, folded.isascii())
    return words is None or any(map(folded.__contains__, words))


# ---- the words a regex needs ------------------------------------------------------------------

_TWINS = dict(page_text.ASCII_TWINS)


# Keyed by identity: hashing a compiled pattern hashes its whole program (~2 us a lookup).
_WORDS: dict[tuple[int, bool], tuple[re.Pattern[str], tuple[str, ...] | None]] = {}


def folded_words(regex: re.Pattern[str], ascii_text: bool = False) -> tuple[str, ...] | None:
    """`_read_words`, worked out once per regex."""
    known = _WORDS.get((id(regex), ascii_text))
    if known is None or known[0] is not regex:
        known = _WORDS[(id(regex), ascii_text)] = (regex, _read_words(regex, ascii_text))
    return known[1]


def _read_words(regex: re.Pattern[str], ascii_text: bool) -> tuple[str, ...] | None:
    """Words (folded as ``page_text.fold`` folds text) one of which every match of `regex`
    contains, read off its parse tree: each alternative's longest run of required characters;
    None when some alternative requires none. Sound whatever the flags: each character a run
    keeps folds the same as every character an ignore-case match could put in its place.
    For `ascii_text`, alternatives needing a character no ASCII text can match drop out."""
    try:
        parse = importlib.import_module("re._parser").parse
        iscased = importlib.import_module("_sre").unicode_iscased
        reading = _Reading(iscased, ascii_text)
        words = reading.needs(list(parse(regex.pattern, regex.flags)))
    except Exception:  # private modules: should their shape change, screen nothing
        return None
    return None if words is None else tuple(sorted(words))


@dataclass(frozen=True, slots=True)
class _Reading:
    """How `folded_words` reads one parse tree; frozenset() marks what cannot match."""

    iscased: Callable[[int], bool]
    ascii_text: bool

    def needs(self, items: list[Any]) -> frozenset[str] | None:
        """The words for a sequence of parsed items."""
        candidates: list[frozenset[str]] = []
        run = ""
        for op, value in items:
            if str(op) == "LITERAL":
                char = self.literal(value)
                if char is None:
                    return frozenset()
                if char:
                    run += char
                    continue
            inner = self.inner(str(op), value)
            if inner is not None and not inner:
                return frozenset()
            candidates += [frozenset({run})] if run else []
            candidates += [inner] if inner is not None else []
            run = ""
        candidates += [frozenset({run})] if run else []
        return max(candidates, key=lambda words: min(map(len, words)), default=None)

    def literal(self, code: int) -> str | None:
        """The folded character; "" when it cannot be kept; None when it cannot match."""
        char = chr(code)
        if self.ascii_text and not char.isascii():
            return _TWINS.get(char)  # only the twins match an ASCII letter
        if char.isascii() or not self.iscased(code):
            return page_text.fold(char)  # a caseless character matches only itself
        return ""

    def inner(self, op: str, value: Any) -> frozenset[str] | None:
        if op == "BRANCH":
            branches = [self.needs(list(branch)) for branch in value[1]]
            if any(words is None for words in branches):
                return None
            return frozenset().union(*[words for words in branches if words is not None])
        if op == "SUBPATTERN":
            return self.needs(list(value[-1]))
        if op == "ATOMIC_GROUP":
            return self.needs(list(value))
        if op in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") and value[0] >= 1:
            return self.needs(list(value[2]))
        return None  # classes, anchors, optional parts: nothing required


class ByStatus:
    """A signature table split by final status, in table order: most signatures name their
    statuses, so a 200 page skips every challenge and refusal rule without trying it."""

    def __init__(self, table: tuple[Signature, ...]) -> None:
        self._table = table
        self._by_code: dict[int, tuple[Signature, ...]] = {}
        self._screens: dict[int, TableScreen] = {}

    def __call__(self, code: int) -> tuple[Signature, ...]:
        found = self._by_code.get(code)
        if found is None:
            found = tuple(sig for sig in self._table if not sig.statuses or code in sig.statuses)
            self._by_code[code] = found
        return found

    def screen(self, code: int) -> TableScreen:
        """The screen in front of the signatures for `code`, worked out once per status."""
        found = self._screens.get(code)
        if found is None:
            found = self._screens[code] = TableScreen.of(self(code))
        return found


@dataclass(frozen=True, slots=True)
class TableScreen:
    """What at least one signature of a table split needs, looked for all at once: a header
    among `headers`, or a final URL one of `urls` matches, or one of the words (see
    `folded_words`) of the body regexes of the signatures that have neither. Most pages hold
    none of them, and skip the table in a few steps instead of a check per signature."""

    headers: frozenset[str]
    urls: tuple[re.Pattern[str], ...]
    any_page: bool  # some body-only signature applies to any page
    short_page: bool  # some applies to short pages only
    # Their words, keyed by (those for short pages count, the page is ASCII); None when some
    # such regex needs no word.
    words: Mapping[tuple[bool, bool], tuple[str, ...] | None]
    always: bool  # some signature has no header, URL or body condition: it is never screened

    @classmethod
    def of(cls, signatures: tuple[Signature, ...]) -> TableScreen:
        by_url = [sig for sig in signatures if sig.header is None and sig.url_regex is not None]
        by_body = [sig for sig in signatures if sig.header is None and sig.url_regex is None]
        any_page = [sig.body_regex for sig in by_body if not sig.short_page]
        every = [sig.body_regex for sig in by_body]
        words = {(short, ascii_text): _any_words(every if short else any_page, ascii_text)
                 for short in (False, True) for ascii_text in (False, True)}
        return cls(
            headers=frozenset(sig.header for sig in signatures if sig.header is not None),
            urls=tuple(sig.url_regex for sig in by_url if sig.url_regex is not None),
            any_page=bool(any_page), short_page=len(any_page) < len(every), words=words,
            always=any(regex is None for regex in every),
        )

    def may_match(self, page: Page) -> bool:
        """False only when no signature of the split can match `page`. Reads what the
        signatures would read, cheapest first: a long page is never folded for short-page
        rules (telling it is long is needed anyway; folding it is not)."""
        if self.always or (self.headers and page.has_header(self.headers)):
            return True
        for regex in self.urls:
            if regex.search(page.url):
                return True
        short = self.short_page and page.visible is not None
        if not (short or self.any_page):
            return False
        folded = page.folded
        words = self.words[(short, folded.isascii())]
        return words is None or any(map(folded.__contains__, words))


def _any_words(regexes: list[re.Pattern[str] | None], ascii_text: bool) -> tuple[str, ...] | None:
    """The words one of which any match of any of `regexes` holds; None when there is no
    screen."""
    found: set[str] = set()
    for regex in regexes:
        words = None if regex is None else folded_words(regex, ascii_text)
        if words is None:
            return None
        found.update(words)
    return _fewest(found)


def _fewest(words: set[str]) -> tuple[str, ...]:
    """`words` less those holding another: the shorter is found wherever the longer is."""
    return tuple(sorted(word for word in words
                        if not any(other != word and other in word for other in words)))


_BOT_PROTECTION = ByStatus(BOT_PROTECTION)
_PARKED = ByStatus(PARKED)
_SITE_REMOVED = ByStatus(SITE_REMOVED)


def _first_signature(table: ByStatus, page: Page, kind: str) -> Verdict | None:
    if not table.screen(page.code).may_match(page):
        return None
    for signature in table(page.code):
        if matches(signature, page):
            detail = f"{signature.why} (HTTP {page.code} from {page.url})"
            return Verdict(signature.status, signature.reason, f"{kind}:{signature.name}", detail)
    return None


def _bot_protection(page: Page, rules: ClassifyRules) -> Verdict | None:
    return _first_signature(_BOT_PROTECTION, page, "signature")


def login_page(url: str) -> LoginPattern | None:
    """The login pattern `url` matches, if any."""
    return next((pattern for pattern in LOGIN_PAGES if pattern.regex.search(url)), None)


def _login_wall(page: Page, rules: ClassifyRules) -> Verdict | None:
    if not page.observation.hops or not (200 <= page.code < 400 or page.code in (401, 403)):
        return None
    pattern = login_page(page.url)
    if pattern is None or login_page(page.observation.url) is not None:
        return None  # a link that *is* a login page is fine
    return Verdict(Status.BLOCKED, Reason.LOGIN_REQUIRED, f"login:{pattern.name}",
                   f"redirected to a sign-in page: {page.url}")


def _status_table(page: Page, rules: ClassifyRules) -> Verdict | None:
    if 200 <= page.code < 300:
        return None
    if page.code in (404, 410) and page.observation.hops:
        return Verdict(Status.BROKEN, Reason.REDIRECT_TO_404,
                       f"status-table:redirect-to-{page.code}",
                       f"the redirect chain ends in HTTP {page.code} at {page.url}")
    known = STATUS_TABLE.get(page.code)
    rule: StatusRule = known or status_class_rule(page.code)
    name = f"status-table:{page.code}" if known else f"status-class:{page.code // 100}xx"
    return Verdict(rule.status, rule.reason, name, f"HTTP {page.code}: {rule.why}")


def _parked(page: Page, rules: ClassifyRules) -> Verdict | None:
    verdict = _first_signature(_PARKED, page, "parked")
    if verdict and verdict.rule.endswith("-redirect") and same_site(page.observation.url, page.url):
        return None  # a link to the marketplace itself is not a parked domain
    return verdict


def _site_removed(page: Page, rules: ClassifyRules) -> Verdict | None:
    return _first_signature(_SITE_REMOVED, page, "site")


def _soft_404(page: Page, rules: ClassifyRules) -> Verdict | None:
    if page.observation.hops and same_site_home(page.observation.url, page.url):
        return Verdict(Status.BROKEN, Reason.SOFT_404, "soft-404:home-redirect",
                       f"a deep link was redirected to the site's home page {page.url}")
    for where, texts in (("title", [page.title]), ("h1", page.headings)):
        for text in texts:
            marker = soft_404_marker(text, rules)
            if marker:
                return Verdict(Status.BROKEN, Reason.SOFT_404, f"soft-404:{where}-marker",
                               f"the page's <{where}> {text[:120]!r} says not found ({marker})")
    return _soft_404_short_body(page)


def _app_shell(page: Page, rules: ClassifyRules) -> Verdict | None:
    evidence = page.shell
    if evidence is None or evidence.probe_print is None:
        return None  # not probed, or the made-up path got a real 404 or a real page
    if page.shell_print != evidence.probe_print:
        return None  # the page differs from what the host says for a path it does not know
    same = (f"indistinguishable from the made-up path {evidence.probe_url} (HTTP "
            f"{evidence.probe_status}, app shell {evidence.probe_print})")
    if evidence.differing_page:
        return Verdict(Status.BROKEN, Reason.SOFT_404, "soft-404:app-shell",
                       f"{same}, while {evidence.differing_page} on this host differs")
    return Verdict(Status.BLOCKED, Reason.CLIENT_RENDERED, "app-shell:client-rendered",
                   f"{same}, and so is every page of this host seen in this run: only a "
                   "browser running its scripts could tell a live page from a missing one")


def _any_of(patterns: Iterable[str]) -> str:
    return "|".join(f"(?:{pattern})" for pattern in patterns)


# All the markers as one alternation, which clears the usual page (it matches none) in a
# single pass; each marker alone names the one that matched, compiled at the first match
# (~10 ms at import for a run whose pages may never say "not found").
_ANY_WHOLE_MARKER = re.compile(_any_of(marker.pattern for marker in SOFT_404_MARKERS), re.I)
_STRONG = tuple(marker for marker in SOFT_404_MARKERS if marker.strong)


@functools.cache
def _whole_markers() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((marker.name, re.compile(marker.pattern, re.I)) for marker in SOFT_404_MARKERS)


@functools.cache
def _strong_markers() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((marker.name, re.compile(rf"(?<!\w)(?:{marker.pattern})(?!\w)", re.I))
                 for marker in _STRONG)


_ANY_STRONG_MARKER = re.compile(
    rf"(?<!\w)(?:{_any_of(marker.pattern for marker in _STRONG)})(?!\w)", re.I)
# Combining marks are no word characters to `re`, yet Thai, Hebrew and Arabic words carry them
# (and Persian a zero-width non-joiner): they are kept, or "ไม่พบหน้า" would fall apart.
_WORD_CHARS = r"\w'\u0300-\u036f\u0591-\u05c7\u064b-\u065f\u0e31-\u0e4e\u200c"
_WORD = re.compile(f"[{_WORD_CHARS}]+")


def _phrase_pieces(regex: re.Pattern[str]) -> tuple[str, ...] | None:
    """For ASCII text, one run of non-space characters from each word (see `folded_words`)
    of `regex`: the longest, the last of equals ("page does" gives "does"). `_normal_phrase`
    only cuts text at non-word characters and lowercases it, so where a normal phrase of an
    ASCII text holds a word, the lowercased text holds each of its runs. None: no screen."""
    words = folded_words(regex, True)
    if words is None or not all(word.split() for word in words):
        return None  # a word of spaces alone needs no letter at all
    return _fewest({max(reversed(word.split()), key=len) for word in words})


def _may_say(text: str, pieces: tuple[str, ...] | None) -> bool:
    """False only when no normal phrase of `text` or of a part of it can hold a word the
    `pieces` were read from: looked for before normalising, which costs several times more."""
    if pieces is None or not text.isascii():
        return True
    lowered = text.lower()
    return any(map(lowered.__contains__, pieces))


_WHOLE_PIECES = _phrase_pieces(_ANY_WHOLE_MARKER)
_STRONG_PIECES = _phrase_pieces(_ANY_STRONG_MARKER)


def _soft_404_short_body(page: Page) -> Verdict | None:
    text = page.visible
    if text is None or len(text) > SOFT_404_BODY_CHARS or not _may_say(text, _STRONG_PIECES):
        return None
    normal = _normal_phrase(text)
    if not may_match(_ANY_STRONG_MARKER, page_text.fold(normal)):
        return None
    if not _ANY_STRONG_MARKER.search(normal):
        return None
    for name, pattern in _strong_markers():
        if pattern.search(normal):
            detail = f"a short page saying not found ({name}): {text[:120]!r}"
            return Verdict(Status.BROKEN, Reason.SOFT_404, "soft-404:short-body", detail)
    return None  # pragma: no cover - the alternation matches only where a marker does


def _normal_phrase(text: str) -> str:
    """The words of `text`, lowercased, one space apart: the runs of `_WORD_CHARS` (none of
    them whitespace), with ’ read as an apostrophe."""
    return " ".join(_WORD.findall(text.replace("’", "'"))).lower()


def soft_404_marker(text: str, rules: ClassifyRules = DEFAULT_RULES) -> str | None:
    """The name of the marker by which a title or heading says "not found", or None. Each
    marker must match a whole segment of the text, so articles about 404s do not count."""
    for pattern in rules.soft_404_patterns:
        if pattern.search(text):
            return f"config:{pattern.pattern}"
    return _table_marker(text)


@functools.lru_cache(maxsize=1024)
def _table_marker(text: str) -> str | None:
    """`soft_404_marker` by the table alone; a site repeats its name and headings on every
    page, so many titles and headings were already read."""
    if not _may_say(text, _WHOLE_PIECES):
        return None  # the segments are parts of the text
    for segment in TITLE_SEPARATORS.split(text):
        normal = _normal_phrase(segment)
        if not normal or not _ANY_WHOLE_MARKER.fullmatch(normal):
            continue
        for name, pattern in _whole_markers():
            if pattern.fullmatch(normal):
                return name
    return None


def is_permanent(hop: Hop) -> bool:
    """A 301/308, or a page's own immediate redirect: what static-site generators write for
    a moved page (Jekyll's redirect-from, Hugo aliases) where they cannot send a 301."""
    return hop.status in PERMANENT or hop.via is not Via.HTTP


def permanent_target(observation: Observation) -> str | None:
    """The replacement URL for a link that moved for good: where the leading run of permanent
    hops leads. A chain that starts with a temporary hop keeps the original (it is the
    stable entry point); a target that normalises to the original is no move at all."""
    hops: tuple[Hop, ...] = observation.hops
    run = 0
    while run < len(hops) and is_permanent(hops[run]):
        run += 1
    if run == 0:
        return None
    target = hops[run].url if run < len(hops) else (observation.final_url or observation.url)
    return None if normalize(target) == normalize(observation.url) else target


def _redirects(page: Page, rules: ClassifyRules) -> Verdict | None:
    target = permanent_target(page.observation)
    if target is None:
        return None
    if urls.front_page_layout(page.observation.url, target):  # ok; the hops stay in the report
        return Verdict(Status.OK, _http(page.code), "redirect:front-page-layout",
                       f"the front page leads to {target} on its own site: layout, not a move")
    via = page.observation.hops[0].via
    if via is not Via.HTTP:
        rule = "redirect:" + via.value.replace("_", "-")
        return Verdict(Status.REDIRECTED, Reason.PERMANENT_REDIRECT, rule,
                       f"the page sends every reader to {target} ({VIA_WORDS[via]})")
    return Verdict(Status.REDIRECTED, Reason.PERMANENT_REDIRECT, "redirect:permanent",
                   f"moved permanently to {target}")


VIA_WORDS = {Via.HTTP: "HTTP redirect", Via.META_REFRESH: "an immediate meta refresh",
             Via.SCRIPT: "a script-only redirect"}


def _success(page: Page, rules: ClassifyRules) -> Verdict:
    return _success_verdict(page.code, len(page.observation.hops))


@functools.lru_cache(maxsize=256)
def _success_verdict(code: int, hops: int) -> Verdict:
    """Verdicts are immutable: the few that most pages get are built once."""
    via = f" after {hops} temporary redirect(s)" if hops else ""
    return Verdict(Status.OK, _http(code), f"status-table:{code}", f"HTTP {code}{via}")


RULES: tuple[Rule, ...] = (
    _redirect_trouble,
    _failure,
    _accepted,
    _bot_protection,
    _login_wall,
    _status_table,
    _parked,
    _site_removed,
    _soft_404,
    _app_shell,
    _redirects,
    _success,
)
