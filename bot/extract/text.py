"""Plain text and stdin: a line holding a single absolute URL is taken whole; otherwise bare
http(s) URLs are found in the prose with GitHub's autolink rules for where a URL ends."""

from __future__ import annotations

import re

from bot.extract import Occurrence
from bot.model import Source

# GFM "extended autolink": a scheme and a domain, then anything up to whitespace or '<'.
# Quotes and backticks also end a URL here: they never appear raw in a real one.
BARE_URL = re.compile(r"https?://[^\s<>\"`]+", re.IGNORECASE)
_WHOLE_LINE = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.\-]*://|mailto:)\S+$", re.IGNORECASE)
_TRAILING = "?!.,:*_~'\""
_ENTITY_END = re.compile(r"&[A-Za-z0-9]+;$")


def trim_bare_url(url: str) -> str:
    """Drop what GFM does not count as part of a bare URL: trailing punctuation, an
    unbalanced closing parenthesis, and a trailing entity-like ``&amp;``."""
    while True:
        before = url
        url = url.rstrip(_TRAILING)
        if url.endswith(")") and url.count(")") > url.count("("):
            url = url[:-1]
        if url.endswith(";"):
            url = _ENTITY_END.sub("", url)
        if url == before:
            return url


def bare_urls(text: str) -> list[str]:
    """Every bare http(s) URL in `text`, in order, trimmed as GFM would."""
    found = (trim_bare_url(match.group(0)) for match in BARE_URL.finditer(text))
    return [url for url in found if _has_host(url)]


def _has_host(url: str) -> bool:
    host = url.split("://", 1)[1].split("/", 1)[0]
    return bool(host.strip(".:@"))


def extract_text(text: str, file: str) -> list[Occurrence]:
    """URLs in plain text: a line that is one absolute URL (any scheme, e.g. a list on
    stdin) is taken exactly; other lines are searched for bare http(s) URLs."""
    found: list[Occurrence] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        urls = [stripped] if _WHOLE_LINE.match(stripped) else bare_urls(line)
        found.extend(Occurrence(url, Source(file=file, line=number)) for url in urls)
    return found
