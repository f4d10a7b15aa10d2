"""Link extraction: each input kind (Markdown, HTML, plain text, roadmap.yaml) yields the URLs
it contains as `Occurrence`s, each with a 1-based line; `collect` groups them into `Link`s."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

from bot.model import Source

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
# Schemes whose "link" is inline content, not a place to check.
_INLINE_SCHEMES = ("data:",)


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One URL as written in an input, and where."""

    url: str
    source: Source


def usable_target(raw: str, base: str | None = None) -> str | None:
    """The URL to check for a link target as written, or None when there is nothing to check.

    In-page anchors (``#top``), empty targets and ``data:`` URIs are dropped; a relative
    target is resolved against `base` when one is known and dropped otherwise (we cannot
    know where it points); a protocol-relative ``//host/x`` gets `base`'s scheme or https.
    Absolute URLs of any scheme are kept exactly (trimmed) so the report can show them.
    """
    url = raw.strip()
    if not url or url.startswith("#") or url.lower().startswith(_INLINE_SCHEMES):
        return None
    if _SCHEME.match(url):
        return url
    if base:
        return urljoin(base, url)
    if url.startswith("//"):
        return "https:" + url
    return None


def line_of(lines: list[str], needle: str, first: int, last: int, guess: int) -> int:
    """The 1-based line among 0-based `first`..`last` (inclusive) that contains `needle`,
    preferring `guess`; `guess` + 1 when no line does (e.g. the text was unescaped)."""
    last = min(last, len(lines) - 1)
    candidates: list[int] = [guess, *range(max(first, guess), last + 1), *range(first, guess)]
    for index in candidates:
        if 0 <= index < len(lines) and needle in lines[index]:
            return index + 1
    return guess + 1
