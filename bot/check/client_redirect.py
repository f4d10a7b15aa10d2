"""Redirects a page gives by itself, read without running it: an immediate
``<meta http-equiv="refresh">`` and the strict script-only redirect. Pure: bytes in, a target out.

Static-site generators (Jekyll's redirect-from, Hugo aliases, MkDocs redirects, Sphinx
reredirects) and hand-written "this page has moved" pages answer 200 and send readers on from
the page. Only what moves every reader is taken for a move: a refresh due within a few seconds
(a page that reloads itself every minute has not moved), outside comments and scripts; a
script redirect only in the one form that cannot be conditional (see `_script_redirect`).
JavaScript is never run.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from bot.check import page_text
from bot.model import Via
from bot.urls import (
    InvalidURL,
    normalize,
    resolve_redirect,
    scheme_of,
    split_normal,
    url_problem,
)

# A refresh due within this many seconds moves the reader; longer ones are pages that reload
# themselves or say "you will be taken back in a minute" (hand-written moved pages use 0-5).
MAX_REFRESH_SECONDS = 5
META_SCAN_CHARS = 32 * 1024  # the head, where a refresh must be, with room for inline styles
SCRIPT_PAGE_CHARS = 4 * 1024  # a script-only redirect page is a few hundred bytes
SCRIPT_PAGE_TEXT = 200  # "Redirecting…" and a title, at most

_HIDDEN = re.compile(
    r"<!--.*?(?:-->|\Z)|<(script|noscript|template|textarea|style)\b.*?(?:</\1\s*>|\Z)",
    re.IGNORECASE | re.DOTALL,
)
_META = re.compile(r"<meta\b[^<>]{0,2000}>", re.IGNORECASE)
_ATTRIBUTE = re.compile(
    r"""([A-Za-z_:][-A-Za-z0-9_:.]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_REFRESH = re.compile(r"\s*(\d+)(?:\.[\d.]*)?\s*(?:[;,]\s*)?(?:url\s*=\s*)?(.*)",
                      re.IGNORECASE | re.DOTALL)
# Like page_text's markup pattern, every element pattern may end at the end of the text and
# every tag is bounded: an unclosed element costs one linear pass, not one per opening tag.
_NOSCRIPT = re.compile(r"<noscript\b[^<>]{0,2000}>(.*?)(?:</noscript\s*>|\Z)",
                       re.IGNORECASE | re.DOTALL)
_SCRIPT = re.compile(r"<script\b([^<>]{0,2000})>(.*?)(?:</script\s*>|\Z)",
                     re.IGNORECASE | re.DOTALL)
_LINK = re.compile(
    r"""<a\b[^<>]{0,2000}?\bhref\s*=\s*(?:"([^"<>]{0,2000})"|'([^'<>]{0,2000})'|([^\s"'<>]+))""",
    re.IGNORECASE)
_TARGET = r"""(["'])([^"'\\\s]+)\1"""
_SCRIPT_FORMS = (
    re.compile(rf"(?:(?:window|document|self|top)\.)?location(?:\.href)?\s*=\s*{_TARGET}"),
    re.compile(rf"(?:(?:window|document|self|top)\.)?location\.(?:replace|assign)\(\s*{_TARGET}\s*\)"),
)


@dataclass(frozen=True, slots=True)
class ClientRedirect:
    """Where a page sends its readers, and how."""

    via: Via
    target: str  # absolute http(s) URL


def client_redirect(url: str, body: bytes, encoding: str | None = None) -> ClientRedirect | None:
    """The redirect the page at `url` gives by itself, or None. Cheap on ordinary pages: a
    byte search rules most of them out before anything is decoded."""
    if _holds(body, b"efresh", b"EFRESH") and _holds(body, b"quiv", b"QUIV"):  # http-equiv
        found = _meta_refresh(url, _decode(body[:META_SCAN_CHARS], encoding))
        if found is not None:
            return found
    if len(body) <= SCRIPT_PAGE_CHARS and b"location" in body:
        return _script_redirect(url, _decode(body, encoding))
    return None


def _holds(body: bytes, lower: bytes, upper: bytes) -> bool:
    return body.find(lower, 0, META_SCAN_CHARS) >= 0 or body.find(upper, 0, META_SCAN_CHARS) >= 0


def _decode(body: bytes, encoding: str | None) -> str:
    try:
        return body.decode(encoding or "utf-8", errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")


def _meta_refresh(url: str, text: str) -> ClientRedirect | None:
    locations = _refresh_locations(_HIDDEN.sub(" ", text))
    if locations:
        return _redirect(url, locations[0], Via.META_REFRESH)
    # A refresh inside <noscript> moves only readers without JavaScript (a single-page app
    # sending them to a "please enable JavaScript" page); it is a move only when the page's
    # script sends everyone else to the same place (Sphinx's reredirects writes it so).
    for block in _NOSCRIPT.findall(text):
        for location in _refresh_locations(block):
            if _scripts_mention(text, location):
                return _redirect(url, location, Via.META_REFRESH)
    return None


def _refresh_locations(text: str) -> list[str]:
    """The targets of the refreshes in `text` that are due at once."""
    found = []
    for tag in _META.findall(text):
        attributes = _attributes(tag)
        if attributes.get("http-equiv", "").strip().lower() != "refresh":
            continue
        match = _REFRESH.fullmatch(attributes.get("content", ""))
        if match and int(match.group(1)) <= MAX_REFRESH_SECONDS:
            location = _unquote(match.group(2))
            if location:
                found.append(location)
    return found


def _attributes(tag: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for name, double, single, bare in _ATTRIBUTE.findall(tag):
        found.setdefault(name.lower(), html.unescape(double or single or bare))
    return found


def _unquote(location: str) -> str:
    location = location.strip()
    if location[:1] in ("'", '"'):
        end = location.find(location[0], 1)
        location = location[1:] if end < 0 else location[1:end]
    return location.strip()


def _scripts_mention(text: str, location: str) -> bool:
    return any(location in body for attributes, body in _SCRIPT.findall(text)
               if "src" not in attributes.lower())


def _script_redirect(url: str, text: str) -> ClientRedirect | None:
    """The strict form only: the page's one script is a single unconditional assignment of
    a literal URL to `location` (or `location.replace/assign` of one), the page shows next to
    nothing else, and a <noscript> link points readers without JavaScript to the same URL.
    Anything less certain (conditions, computed URLs, no fallback link) is no redirect."""
    text = re.sub(r"<!--.*?(?:-->|\Z)", " ", text, flags=re.DOTALL)
    scripts = _SCRIPT.findall(text)
    if len(scripts) != 1 or "src" in scripts[0][0].lower():
        return None
    statement = scripts[0][1].strip().rstrip(";").strip()
    literal = next((m.group(2) for form in _SCRIPT_FORMS if (m := form.fullmatch(statement))),
                   None)
    if literal is None or page_text.visible_text(text, SCRIPT_PAGE_TEXT) is None:
        return None
    found = _redirect(url, html.unescape(literal), Via.SCRIPT)
    if found is None or not any(_same(url, href, found.target) for href in _noscript_links(text)):
        return None
    return found


def _noscript_links(text: str) -> list[str]:
    return [html.unescape("".join(link))
            for block in _NOSCRIPT.findall(text) for link in _LINK.findall(block)]


def _same(url: str, href: str, target: str) -> bool:
    resolved = _resolve(url, href)
    return resolved is not None and normalize(resolved) == normalize(target)


def _resolve(url: str, location: str) -> str | None:
    try:
        target = resolve_redirect(url, location)
    except InvalidURL:
        return None
    if scheme_of(target) not in ("http", "https") or url_problem(normalize(target)):
        return None  # javascript:, mailto: and broken URLs move nobody anywhere we can check
    return target


def _redirect(url: str, location: str, via: Via) -> ClientRedirect | None:
    target = _resolve(url, location)
    if target is None or split_normal(target)[:3] == split_normal(url)[:3]:
        return None  # a page that reloads itself (perhaps with a cache-busting query) stays
    return ClientRedirect(via, target)
