"""Untrusted text (page titles, URLs, config values) made inert before it goes into GitHub.

Scraped titles are written by whoever runs the site. In an issue or PR body they must stay
plain text: no @mentions (they notify people), no #123 or owner/repo#1 references, no
images, no raw HTML, no links or autolinks, no block structure; and they are length-capped.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote, urlsplit

ZWSP = "\u200b"  # breaks GitHub's mention/reference/autolink recognisers, renders as nothing
TEXT_LIMIT = 160
URL_LIMIT = 300

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|~])")
# Recognisers to break: @user, #1, GH-1, bare URLs and www. autolinks, e-mail autolinks.
_BREAKERS = (
    (re.compile(r"@"), "@" + ZWSP),
    (re.compile(r"#"), "#" + ZWSP),
    (re.compile(r"(?i)\bgh-"), lambda m: m.group(0)[:2] + ZWSP + "-"),
    (re.compile(r"://"), ":" + ZWSP + "//"),
    (re.compile(r"(?i)\bwww\."), lambda m: m.group(0)[:3] + ZWSP + "."),
)
# Characters that may not appear raw in a link destination or a table cell.
_URL_UNSAFE = "".join(chr(c) for c in range(0x21)) + " <>`|\"'()[]\\\x7f"


def _clean(text: str) -> str:
    # Control and format characters (bidi overrides, zero-width joiners) hide or reorder text.
    kept = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf"))
    return " ".join(kept.split())  # one line: no headings, lists or tables can start


def cap(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def inline(text: str | None, limit: int = TEXT_LIMIT) -> str:
    """Untrusted text as inert inline Markdown on one line, at most `limit` characters."""
    if not text:
        return ""
    broken = cap(_clean(text), limit)
    for pattern, replacement in _BREAKERS:  # first: escapes would hide "www." from them
        broken = pattern.sub(replacement, broken)
    entities = broken.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN.sub(r"\\\1", entities)


def safe_url(url: str | None) -> str | None:
    """An http(s) URL with every character that could end a link or a cell escaped; else None."""
    if not url or urlsplit(url).scheme.lower() not in ("http", "https"):
        return None
    cleaned = "".join(ch for ch in url if unicodedata.category(ch) not in ("Cc", "Cf"))
    escaped = "".join(quote(ch, safe="") if ch in _URL_UNSAFE else ch for ch in cleaned)
    return escaped if len(escaped) <= URL_LIMIT * 3 else None


def code(url: str | None, limit: int = URL_LIMIT) -> str:
    """A URL (or any short value) shown verbatim in a code span: no link, mention or HTML."""
    if not url:
        return "—"
    shown = cap(_clean(url), limit).replace("|", "%7C").replace("`", "%60")
    return f"`{shown}`"


def link(text: str, url: str | None) -> str:
    """A link the bot chose to make; `text` is escaped, a non-http URL becomes plain text."""
    target = safe_url(url)
    label = inline(text)
    return f"[{label}]({target})" if target else label
