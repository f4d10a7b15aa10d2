"""HTML read the way the classifier needs it (the body decoded by its declared charset, title,
first headings, visible text), in linear time on hostile input: `str.find` scanning and
regexes that cannot backtrack per '<'."""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Iterator

FRAGMENT_CHARS = 1000  # a title or heading longer than this is cut before cleaning
PREFIX_CHARS = 16 * 1024
_TAG = re.compile(r"<[^<>]{0,2000}>")
# A comment, a script-like element with its content, or a tag, each up to its end or the
# text's. Written as runs that cannot be the end (possessive), not as a lazy ".*?" that tries
# the end at every character: the same matches, a third of the time on a page whose head holds
# tens of KiB of inline script (tests/check/test_page_text.py holds it to the lazy form).
_MARKUP = re.compile(
    r"<!--(?:[^-]++|-(?!->))*+(?:-->|\Z)"
    r"|<(script|style|noscript|template)\b(?:[^<]++|<(?!/\1\s*>))*+(?:</\1\s*>|\Z)"
    r"|<[^>]*+(?:>|\Z)",
    re.IGNORECASE | re.DOTALL,
)


def lower_ascii(text: str) -> str:
    """ASCII-lowercased `text`; unlike str.lower() it keeps every index in place.

    Through UTF-8 bytes: bytes.lower() touches only A-Z, and UTF-8 writes every other
    character with bytes above 0x7f, so nothing else changes. str.translate takes a slow
    path on any non-ASCII text: ~7 ms for a 64 KiB head, against ~0.2 ms this way."""
    if text.isascii():
        return text.lower()
    return text.encode("utf-8", "surrogatepass").lower().decode("utf-8", "surrogatepass")


# The only non-ASCII characters Python's ignore-case matching takes for an ASCII letter (İ and
# dotless ı for i, the Kelvin sign for k, long s for s); a test re-derives them from Unicode.
ASCII_TWINS: tuple[tuple[str, str], ...] = (("İ", "i"), ("ı", "i"), ("\u212a", "k"), ("ſ", "s"))


def fold(text: str) -> str:
    """`text` with A-Z lower-cased and the ASCII twins above replaced by their letter: every
    character an ignore-case regex matches for an ASCII character folds to the same one, so
    the words such a match needs (see classify.folded_words) can be looked for in it."""
    folded = lower_ascii(text)
    for twin, letter in ASCII_TWINS:
        if twin in folded:
            folded = folded.replace(twin, letter)
    return folded


def clean(fragment: str) -> str:
    """Markup fragment -> one line of text: tags dropped, entities decoded, spaces collapsed."""
    fragment = fragment[:FRAGMENT_CHARS]
    if "<" in fragment:  # most titles hold no tag: skip the regex pass
        fragment = _TAG.sub(" ", fragment)
    return one_line(html.unescape(fragment))


def one_line(text: str) -> str:
    """`text` with every run of whitespace made one space, and none at either end. Splitting
    reads whitespace as a regex's \\s does (str.isspace), several times faster on long text."""
    return " ".join(text.split())


def element_texts(text: str, tag: str, limit: int) -> list[str]:
    """The cleaned contents of the first `limit` ``<tag>`` elements of `text` (tag names in
    ASCII letters, matched whatever their case)."""
    opening, closing = _tag_finders(tag)
    found: list[str] = []
    pos = 0
    while len(found) < limit:
        start_tag = opening.search(text, pos)
        if start_tag is None:
            break
        start = start_tag.start()
        if text[start_tag.end(): start_tag.end() + 1].isalnum():  # <h10>, <titles>: another
            pos = start + 1
            continue
        body = text.find(">", start)
        end_tag = closing.search(text, body) if body >= 0 else None
        if end_tag is None:
            break
        found.append(clean(text[body + 1: end_tag.start()]))
        pos = end_tag.start()
    return found


@functools.cache
def _tag_finders(tag: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    # ASCII-only case folding finds just what str.find finds in `lower_ascii(text)`, without
    # lowering a whole head first (~0.1 ms for 64 KiB that is not all ASCII).
    flags = re.IGNORECASE | re.ASCII
    return re.compile(re.escape(f"<{tag}"), flags), re.compile(re.escape(f"</{tag}"), flags)


def title(text: str) -> str:
    """The page's ``<title>``, cleaned; "" when it has none."""
    titles = element_texts(text, "title", 1)
    return titles[0] if titles else ""


def visible_text(text: str, limit: int) -> str | None:
    """The text a reader would see (no tags, comments, scripts or styles), or None when it
    is longer than `limit` characters. Every alternative of `_MARKUP` can end at the end of
    the text, so an unclosed comment, script or tag costs one linear pass, not a retry per
    '<' (which would be quadratic on hostile pages)."""
    # A long page usually shows more than `limit` characters early: look at prefixes first,
    # each four times the last (a prefix's visible text is never longer than the whole
    # page's). Pages whose head holds tens of KiB of inline scripts and styles show nothing in
    # their first 16 KiB; read whole, a 256 KiB page cost ~1.8 ms here.
    prefix = PREFIX_CHARS
    while len(text) > prefix:
        if _readable(_MARKUP.sub(" ", text[:prefix]), limit) is None:
            return None
        prefix *= 4
    return _readable(_MARKUP.sub(" ", text), limit)


# A head of a markup-free text reads as the whole reads up to that point, and at most this many
# characters longer: only an entity cut at the head's end can read longer there, kept as
# written (under 34 characters: "&" and up to 32 of a name), and one space may come before it.
CUT_SLACK = 35


def _readable(markup_free: str, limit: int) -> str | None:
    """`markup_free` with its entities decoded and its spaces collapsed, or None when that is
    longer than `limit` characters. A head that reads too long already spares the rest."""
    head = markup_free[:4 * (limit + CUT_SLACK)]
    if len(head) < len(markup_free) and len(one_line(html.unescape(head))) > limit + CUT_SLACK:
        return None
    readable = one_line(html.unescape(markup_free))
    return readable if len(readable) <= limit else None


# ---- the body as text ------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)


def decode_body(body: bytes, encoding: str | None, content_type: str) -> str:
    """The body as text: the engine's encoding, else the Content-Type's or a meta charset,
    else UTF-8; undecodable bytes are replaced, never fatal."""
    for candidate in _charsets(body, encoding, content_type):
        try:
            return body.decode(candidate, errors="replace")
        except (LookupError, ValueError):  # unknown, or not a text codec ("zlib")
            continue
    return body.decode("utf-8", errors="replace")


def _charsets(body: bytes, encoding: str | None, content_type: str) -> Iterator[str]:
    """The declared charsets by authority, each looked for only when those before failed."""
    if encoding:
        yield encoding
    header = _header_charset(content_type)
    if header:
        yield header
    meta = _meta_charset(body)
    if meta:
        yield meta


_HEADER_CHARSET = re.compile(r"charset=[\"']?([A-Za-z0-9_.:-]+)", re.I)


def _header_charset(content_type: str) -> str | None:
    match = _HEADER_CHARSET.search(content_type)
    return match.group(1) if match else None


def _meta_charset(body: bytes) -> str | None:
    match = _META_CHARSET.search(body, 0, 4096)
    return match.group(1).decode("ascii") if match else None
