"""HTML: link-bearing attributes (``a[href]``, ``img[src]``, ...) with the line each is on.

The standard library's tokenizer is used on purpose: it never gives up on malformed markup,
reports the position of every start tag, and skips comments and script bodies.
"""

from __future__ import annotations

from collections.abc import Mapping
from html.parser import HTMLParser
from types import MappingProxyType

from bot.extract import Occurrence, usable_target
from bot.model import Source

# Which attribute of which element holds a URL worth checking.
LINK_ATTRIBUTES: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "a": ("href",),
    "area": ("href",),
    "link": ("href",),
    "img": ("src",),
    "iframe": ("src",),
    "frame": ("src",),
    "embed": ("src",),
    "script": ("src",),
    "source": ("src",),
    "track": ("src",),
    "audio": ("src",),
    "video": ("src", "poster"),
    "object": ("data",),
    "blockquote": ("cite",),
    "q": ("cite",),
})

# <link rel> values whose href is a connection hint, not a resource anyone reads.
_ORIGIN_ONLY_RELS = frozenset({"preconnect", "dns-prefetch"})


class _LinkParser(HTMLParser):
    def __init__(self, file: str, base: str | None, line_offset: int) -> None:
        super().__init__(convert_charrefs=True)
        self.file, self.base, self.line_offset = file, base, line_offset
        self.found: list[Occurrence] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value for name, value in attrs if value is not None}
        if tag == "base" and "href" in values and self.base is None:
            self.base = usable_target(values["href"])  # only an absolute <base> helps
            return
        if tag == "link" and _ORIGIN_ONLY_RELS & set(values.get("rel", "").lower().split()):
            return  # a preconnect names an origin, not a page: its root may well be a 404
        for name in LINK_ATTRIBUTES.get(tag, ()):
            url = usable_target(values[name], self.base) if name in values else None
            if url is not None:
                self.found.append(Occurrence(url, Source(self.file, self._line(values[name]))))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def _line(self, value: str) -> int:
        # A tag may span lines: count the newlines before the value inside the raw tag.
        line = self.getpos()[0] + self.line_offset
        raw = self.get_starttag_text() or ""
        at = raw.find(value)
        return line + (raw.count("\n", 0, at) if at > 0 else 0)


def extract_html(
    text: str, file: str, base: str | None = None, line_offset: int = 0
) -> list[Occurrence]:
    """Links in HTML `text`; `line_offset` shifts lines when the HTML is part of a larger
    file (a raw HTML block in Markdown). Relative links need `base` or a ``<base href>``."""
    parser = _LinkParser(file, base, line_offset)
    try:
        parser.feed(text)
        parser.close()
    except (AssertionError, ValueError):  # older tokenizer paths assert on odd declarations
        pass
    return parser.found
