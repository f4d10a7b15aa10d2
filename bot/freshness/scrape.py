"""Page metadata for freshness, scraped from the bounded body prefix the checker already holds.

`scrape_page` is the checker's page hook: title, description, canonical URL, `og:*`, and every
published/modified date the page offers (meta tags, JSON-LD, `<time>`, the `Last-Modified`
header, "Last updated ..." text), each recorded with its source. It never raises: a hostile or
malformed page gives whatever could be read, or an empty mapping.
"""

from __future__ import annotations

import html
import json
import logging
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin

from lxml import etree  # type: ignore[import-untyped]  # lxml ships no type hints

from bot.check.observation import CASE_BLIND_HEADERS
from bot.check.page_text import decode_body
from bot.freshness.dates import parse_date, search_date
from bot.freshness.record import DatedFact, DateField
from bot.model import PageSnapshot

log = logging.getLogger(__name__)

MAX_BYTES = 512 * 1024  # parse at most this much of the body, whatever the checker kept
MAX_TEXT = 300  # title/description length kept
MAX_OG = 40  # og:* entries kept
MAX_JSONLD_SCRIPTS = 20
MAX_JSONLD_CHARS = 200_000
MAX_JSONLD_NODES = 500
MAX_TIME_ELEMENTS = 20
MAX_VISIBLE_TEXT = 200_000
MAX_LABELS = 50  # "Last updated" labels tried before giving up
MAX_LABEL_STARTS = 200  # places a label may start, tried one by one before a regex pass is cheaper
LABEL_CHUNK = 8192  # characters of visible text searched for those places at a time

# <meta> tags that carry a date: (attribute, value) -> (field, source).
META_DATES: dict[tuple[str, str], tuple[DateField, str]] = {
    ("property", "article:published_time"): (DateField.PUBLISHED, "meta:article:published_time"),
    ("property", "article:modified_time"): (DateField.MODIFIED, "meta:article:modified_time"),
    ("property", "og:updated_time"): (DateField.MODIFIED, "meta:og:updated_time"),
    ("name", "article:published_time"): (DateField.PUBLISHED, "meta:article:published_time"),
    ("name", "article:modified_time"): (DateField.MODIFIED, "meta:article:modified_time"),
    ("itemprop", "datepublished"): (DateField.PUBLISHED, "meta:itemprop:datePublished"),
    ("itemprop", "datemodified"): (DateField.MODIFIED, "meta:itemprop:dateModified"),
    ("itemprop", "uploaddate"): (DateField.PUBLISHED, "meta:itemprop:uploadDate"),
    ("name", "date"): (DateField.PUBLISHED, "meta:date"),
    ("name", "dc.date"): (DateField.PUBLISHED, "meta:dc.date"),
    ("name", "last-modified"): (DateField.MODIFIED, "meta:last-modified"),
}

# JSON-LD types whose dates describe the resource itself (not, say, a WebSite or Organization).
JSONLD_TYPES = frozenset({
    "Article", "BlogPosting", "NewsArticle", "TechArticle", "Course", "VideoObject", "Book",
    "SoftwareSourceCode", "WebPage", "HowTo", "LearningResource",
})
JSONLD_FIELDS: dict[str, DateField] = {
    "datePublished": DateField.PUBLISHED,
    "dateModified": DateField.MODIFIED,
    "uploadDate": DateField.PUBLISHED,
    "dateCreated": DateField.PUBLISHED,
}

# "Last updated 11/2024" (Udemy), "Updated: Jan 5, 2024", "Last modified on 2 March 2025".
LAST_UPDATED = re.compile(
    r"\b(?:last\s+updated|last\s+modified|last\s+update|updated)(?:\s+(?:on|at))?\s*[:\-–—]?\s*",
    re.IGNORECASE,
)
_MODIFIED_HINT = re.compile(r"updat|modif", re.IGNORECASE)
# Every LAST_UPDATED match holds "updat" or "modified" in one piece. Visible text only drops
# markup and adds spaces, so it spells no letters the page lacks, unless an entity ("&#117;")
# decodes to them: a page with neither a hint nor an "&" needs no visible text built.
_LABEL_HINT = re.compile(r"updat|modif|&", re.IGNORECASE)


def scrape_page(snapshot: PageSnapshot) -> dict[str, Any]:
    """The contract's `metadata` for one fetched page; never raises."""
    try:
        return _scrape(snapshot)
    except Exception as exc:  # hostile input must never cost the run; say so and move on
        log.debug("scrape failed for %s: %s", snapshot.url, type(exc).__name__)
        return {}


def _scrape(snapshot: PageSnapshot) -> dict[str, Any]:
    html_text = decode(snapshot)
    scanned = scan(html_text)
    head = read_head(scanned.markup)
    og = opengraph(head)
    metadata: dict[str, Any] = {}
    if title := page_title(head, og):
        metadata["title"] = title
    if description := _meta_content(head, "name", "description") or og.get("og:description"):
        metadata["description"] = _clip(description)
    if canonical := canonical_url(head, snapshot.url):
        metadata["canonical"] = canonical
    if og:
        metadata["og"] = og
    dates = _dedupe([*meta_dates(head), *jsonld_dates(head), *time_dates(scanned.times),
                     *text_dates(html_text), *header_dates(snapshot.headers)])
    if dates:
        for field in DateField:
            if best := best_date(dates, field):
                metadata[field.value] = best.date
        metadata["dates"] = [fact.to_json() for fact in dates]
    return metadata


def decode(snapshot: PageSnapshot) -> str:
    """The body prefix as text: the declared charset when Python knows it, else UTF-8, lossy."""
    content_type = _header(snapshot.headers, "content-type") or ""
    return decode_body(snapshot.body[:MAX_BYTES], snapshot.encoding, content_type)


# Only a few tags carry what we read, so one linear scan picks them out and bs4 builds a tree
# of them alone: a tree of a whole 256 KiB page costs about a second of CPU on the event loop.
_START = re.compile(r"<(meta|link|title|script|time)\b", re.IGNORECASE)
# The open tag's end, quotes honoured. Possessive: a tag reads one way only, so backtracking
# would find nothing new, and runs of plain characters go in one step.
_REST = re.compile(r"""(?:[^>"']++|"[^"]*+"|'[^']*+')*+>""")
_CLOSE = {name: re.compile(rf"</{name}\s*>", re.IGNORECASE) for name in ("title", "script")}
_INVISIBLE = re.compile(r"<(script|style|noscript|template)\b|<!--", re.IGNORECASE | re.ASCII)
_INVISIBLE_END = {name: re.compile(rf"</{name}\s*>", re.IGNORECASE | re.ASCII)
                  for name in ("script", "style", "noscript", "template")}
_COMMENT_END = re.compile(r"-->")
_ANY_TAG = re.compile(r"<[^<>]*>")  # stops at the next "<": linear on any input
MAX_TAGS = 3000
MAX_TAG_CHARS = 4000
MAX_PARTS = 800  # meta/link tags handed to bs4; real pages have a few hundred at most
MAX_UNTERMINATED = 50  # open tags without an end; real pages have a handful at most


@dataclass(frozen=True, slots=True)
class Scan:
    """The parts of a page we read: head-like tags as markup, and each <time> with its lead-in."""

    markup: str
    times: tuple[tuple[str, str], ...]  # (the <time ...> tag, the visible text before it)


def scan(html_text: str) -> Scan:
    """One bounded, linear pass over the page; unclosed scripts end it."""
    parts: list[str] = []
    times: list[tuple[str, str]] = []
    pos, title_seen, unterminated, scripts = 0, False, 0, 0
    for _ in range(MAX_TAGS):
        found = _START.search(html_text, pos)
        if found is None:
            break
        start, pos = found.span()
        rest = _REST.match(html_text, pos, pos + MAX_TAG_CHARS)
        if rest is None:
            unterminated += 1
            if unterminated > MAX_UNTERMINATED:  # garbage or hostile: stop paying for it
                break
            continue
        name, pos = found[1].lower(), rest.end()
        tag = html_text[start:pos]
        if name in ("meta", "link"):
            if len(parts) < MAX_PARTS:
                parts.append(tag)
        elif name == "time" and len(times) < MAX_TIME_ELEMENTS:
            lead = visible_text(html_text[max(0, start - 300):start])
            times.append((tag, lead[-30:]))
        elif name in _CLOSE:
            close = _CLOSE[name].search(html_text, pos)
            if close is None:
                break
            body, pos = html_text[pos:close.start()], close.end()
            if name == "title" and not title_seen:
                parts.append(f"{tag}{body}</title>")
                title_seen = True
            elif (name == "script" and "ld+json" in tag.lower() and len(body) <= MAX_JSONLD_CHARS
                  and scripts < MAX_JSONLD_SCRIPTS):
                parts.append(f"{tag}{body}</script>")
                scripts += 1
    return Scan("\n".join(parts), tuple(times))


def visible_text(markup: str) -> str:
    """The text a reader sees, roughly: no scripts, styles or comments; tags become spaces."""
    return _one_spaced(_unmarked(markup))


def _one_spaced(text: str) -> str:
    return " ".join(text.split())[:MAX_VISIBLE_TEXT]


def _unmarked(markup: str) -> str:
    """`visible_text` before its whitespace is collapsed: entities decoded, tags as spaces."""
    markup = markup[: MAX_VISIBLE_TEXT * 4]
    kept, pos = [], 0
    while (found := _INVISIBLE.search(markup, pos)) is not None:
        kept.append(markup[pos:found.start()])
        end = (_INVISIBLE_END[found[1].lower()] if found[1] else _COMMENT_END).search(
            markup, found.end())
        if end is None:
            pos = len(markup)
            break
        pos = end.end()
    kept.append(markup[pos:])
    return html.unescape(_ANY_TAG.sub(" ", " ".join(kept)))


def _header(headers: Mapping[str, str], name: str) -> str | None:
    """The first header `name` (lowercase) of `headers`, its case aside."""
    if isinstance(headers, CASE_BLIND_HEADERS):
        return headers.get(name)  # what the loop finds, without lowering every name thrice
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


Attributes = Mapping[str, str]

# One parser for every page: libxml2's HTML parser (what bs4's "lxml" builder drives), so tags,
# attributes and entities read exactly as they did through bs4, without its Python-side tree.
_HTML_PARSER = etree.HTMLParser(recover=True, no_network=True)


@dataclass(frozen=True, slots=True)
class Head:
    """The tags `scan` picked out, parsed: attributes of each <meta> and <link> (in page order),
    the first <title>'s text, and the text of each ``application/ld+json`` script."""

    metas: tuple[Attributes, ...] = ()
    links: tuple[Attributes, ...] = ()
    title: str | None = None
    jsonld: tuple[str, ...] = ()


def _elements(markup: str) -> list[Any]:
    """Every element of `markup` in document order; none when libxml2 cannot read it at all."""
    if not markup.strip():
        return []
    try:
        root = etree.fromstring(markup, _HTML_PARSER)
    except (etree.LxmlError, ValueError):
        return []
    return [] if root is None else [node for node in root.iter() if isinstance(node.tag, str)]


def parse_head(markup: str) -> Head:
    """The head-like tags of `markup` (see `Head`)."""
    metas: list[Attributes] = []
    links: list[Attributes] = []
    scripts: list[str] = []
    title: str | None = None
    for element in _elements(markup):
        if element.tag == "meta":
            metas.append(_attributes(element))
        elif element.tag == "link":
            links.append(_attributes(element))
        elif element.tag == "title" and title is None:
            title = "".join(element.itertext())
        elif element.tag == "script" and element.get("type") == "application/ld+json":
            scripts.append(element.text or "")
    return Head(tuple(metas), tuple(links), title, tuple(scripts))


# The scanned markup of most small pages (error pages, stubs, redirects): a plain <title> and
# <meta> tags that name nothing a reader asks for (charset, http-equiv, viewport). The grammar
# is strict on purpose (printable ASCII, simple attributes) so that libxml2 has one way only to
# read such text: tests/freshness/test_scrape_shortcuts.py holds it to what libxml2 reads.
_SPACE = "[ \t\n]"
_INERT_ATTRIBUTE = (
    r"(?!(?i:name|property|itemprop)[ \t\n=/>])[A-Za-z][A-Za-z0-9_-]*+"
    rf"""(?:{_SPACE}*+={_SPACE}*+(?:"[ !#-~]*+"|'[ -&(-~]*+'|[!#-&(-;?-_a-~]++))?+"""
)
_INERT_META = rf"<[Mm][Ee][Tt][Aa](?:{_SPACE}++{_INERT_ATTRIBUTE})*+{_SPACE}*+/?>"
_PLAIN_TITLE = r"<[Tt][Ii][Tt][Ll][Ee]>(?P<title>[\t\n -%'-;=-~]*+)</title>"  # no "&", no "<"
# Possessive throughout: the text has one parse, so backtracking could only cost time.
_PLAIN_HEAD = re.compile(
    rf"(?:{_INERT_META}\n)*+(?:{_PLAIN_TITLE}(?:\n{_INERT_META})*+|{_INERT_META})")
MAX_PLAIN_HEAD = 2048  # longer markup goes to libxml2 whatever it holds: faster on long text


def read_head(markup: str) -> Head:
    """What the readers below get from `parse_head(markup)`, cheaper for most small pages: markup
    of inert <meta> tags and a plain <title> reads without libxml2, into a Head of that title
    alone (no reader looks at such <meta> tags)."""
    plain = _PLAIN_HEAD.fullmatch(markup) if len(markup) <= MAX_PLAIN_HEAD else None
    return parse_head(markup) if plain is None else Head(title=plain["title"])


def _attributes(element: Any) -> dict[str, str]:
    # items(), not attrib: libxml2 keeps names lxml refuses to look up (control characters).
    # A name in Clark notation ("{junk}property") is read as its local part, as bs4 did.
    return {name.split("}", 1)[1] if name[:1] == "{" and "}" in name else name: value
            for name, value in element.items()}


def _meta_content(head: Head, attribute: str, value: str) -> str | None:
    tag = next((meta for meta in head.metas if meta.get(attribute) == value), None)
    content = tag.get("content") if tag is not None else None
    return content if isinstance(content, str) and content.strip() else None


def page_title(head: Head, og: Mapping[str, str]) -> str | None:
    if head.title is not None and head.title.strip():
        return _clip(head.title)
    return _clip(og["og:title"]) if og.get("og:title") else None


def opengraph(head: Head) -> dict[str, str]:
    og: dict[str, str] = {}
    for tag in head.metas[:400]:
        prop, content = tag.get("property"), tag.get("content")
        if isinstance(prop, str) and prop.startswith("og:") and isinstance(content, str):
            og.setdefault(prop[:64], _clip(content))
            if len(og) >= MAX_OG:
                break
    return og


def canonical_url(head: Head, base: str) -> str | None:
    for tag in [link for link in head.links if "href" in link][:200]:
        if "canonical" in tag.get("rel", "").lower().split():
            href = urljoin(base, tag["href"].strip())
            return href if href.startswith(("http://", "https://")) else None
    return None


def meta_dates(head: Head) -> Iterator[DatedFact]:
    for tag in head.metas[:400]:
        for attribute in ("property", "name", "itemprop"):
            key = tag.get(attribute)
            if not isinstance(key, str):
                continue
            known = META_DATES.get((attribute, key.lower() if attribute != "property" else key))
            content = tag.get("content")
            if known and isinstance(content, str) and (iso := parse_date(content)):
                yield DatedFact(known[0], iso, known[1])


def jsonld_dates(head: Head) -> Iterator[DatedFact]:
    for text in head.jsonld[:MAX_JSONLD_SCRIPTS]:
        if len(text) > MAX_JSONLD_CHARS:
            continue
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            continue
        yield from _node_dates(data)


def _nodes(data: Any) -> Iterator[Mapping[str, Any]]:
    """JSON-LD objects breadth-first, through lists and @graph, bounded in count."""
    queue, seen = [data], 0
    while queue and seen < MAX_JSONLD_NODES:
        node = queue.pop(0)
        seen += 1
        if isinstance(node, list):
            queue.extend(node[:50])
        elif isinstance(node, dict):
            yield node
            queue.extend(value for value in node.values() if isinstance(value, list | dict))


def _types(node: Mapping[str, Any]) -> list[str]:
    kind = node.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return [k.rsplit("/", 1)[-1] for k in kinds if isinstance(k, str)]


def _node_dates(data: Any) -> Iterator[DatedFact]:
    for node in _nodes(data):
        kind = next((k for k in _types(node) if k in JSONLD_TYPES), None)
        if kind is None:
            continue
        for key, field in JSONLD_FIELDS.items():
            value = node.get(key)
            if isinstance(value, str) and (iso := parse_date(value)):
                yield DatedFact(field, iso, f"json-ld:{kind}.{key}")


def time_dates(times: tuple[tuple[str, str], ...]) -> Iterator[DatedFact]:
    """`<time datetime>`; "Updated on <time>" (or an `updated` class) makes it a modified date."""
    for markup, lead in times:
        tag = next((node for node in _elements(markup) if node.tag == "time"), None)
        value = tag.get("datetime") if tag is not None else None
        if tag is None or not isinstance(value, str) or not (iso := parse_date(value)):
            continue
        classes = " ".join(str(tag.get("class") or "").split())
        hints = " ".join([str(tag.get("itemprop") or ""), classes, lead])
        field = DateField.MODIFIED if _MODIFIED_HINT.search(hints) else DateField.PUBLISHED
        yield DatedFact(field, iso, "time-element")


def text_dates(html_text: str) -> Iterator[DatedFact]:
    """'Last updated <date>' as course sites print it, in the visible text."""
    if not _may_hold_label(html_text):
        return
    unmarked = _unmarked(html_text)
    if not _may_start_label(unmarked):
        return
    text = _one_spaced(unmarked)
    for count, found in enumerate(_labels(text)):
        if count >= MAX_LABELS:
            return
        if iso := search_date(text[found.end(): found.end() + 60]):
            yield DatedFact(DateField.MODIFIED, iso, "text:last-updated")
            return


def _may_hold_label(html_text: str) -> bool:
    """What _LABEL_HINT says, without an ignore-case regex over the page (~5 ms for 200 KB):
    bytes.lower() changes only A-Z, and the only other characters such a regex takes for a
    letter of these words are "İ" and "ı" for the "i" of "modif"."""
    if "&" in html_text:
        return True  # an entity may spell the letters: only the decoded text can tell
    low = html_text.encode("utf-8", "surrogatepass").lower()
    return any(map(low.__contains__, _LABEL_BYTES))


_LABEL_BYTES = (b"updat", b"modif", "modİf".encode(), "modıf".encode())


def _may_start_label(unmarked: str) -> bool:
    """False when `unmarked` (visible text before its whitespace is collapsed) holds no place
    where `_label_starts` would look: every label starts with "last" or "updat", and
    collapsing whitespace spells no letters. Spares the 1-2 ms of collapsing the whitespace
    of a long page that has no label."""
    folded = _folded(unmarked)
    return b"last" in folded or b"updat" in folded


def _labels(text: str) -> Iterator[re.Match[str]]:
    """`LAST_UPDATED.finditer(text)`, without an ignore-case regex tried at every character
    (~2 ms for 100 KB): each label starts with "last" or "updat" in some case, and only those
    places are tried, in page order; on a page thick with them, the regex takes over."""
    end = 0
    for tried, start in enumerate(_label_starts(text)):
        if tried == MAX_LABEL_STARTS:  # every match before `start` is found
            yield from LAST_UPDATED.finditer(text, max(start, end))
            return
        if start >= end and (found := LAST_UPDATED.match(text, start)) is not None:
            end = found.end()
            yield found


def _label_starts(text: str) -> Iterator[int]:
    """Where "last" or "updat" starts in `text`, in any case, in page order. Folded a chunk at
    a time: the label is often near the top, and the first one with a date ends the search."""
    for at in range(0, len(text), LABEL_CHUNK):
        folded = _folded(text[at:at + LABEL_CHUNK + 4])  # a word starting in the chunk ends here
        found = [*_positions(folded, b"last"), *_positions(folded, b"updat")]
        yield from sorted(at + place for place in found if place < LABEL_CHUNK)


def _folded(text: str) -> bytes:
    """`text` as lowercase ASCII, place for place: "ſ" as "s" (as LAST_UPDATED's ignore-case
    matching takes it), any other non-ASCII character as "?". Cheaper than str.lower(), which is
    slow on non-ASCII text and lowers "İ" to two characters."""
    return text.replace("ſ", "s").encode("ascii", "replace").lower()


def _positions(text: bytes, word: bytes) -> Iterator[int]:
    at = text.find(word)
    while at >= 0:
        yield at
        at = text.find(word, at + 1)


def header_dates(headers: Mapping[str, str]) -> Iterator[DatedFact]:
    """`Last-Modified`, unless the server stamps every response with the time it was made."""
    value = _header(headers, "last-modified")
    if not value or not (iso := parse_date(value)):
        return
    served = _header(headers, "date")
    if served and _same_moment(value, served):
        return  # generated on the fly: says nothing about the content
    yield DatedFact(DateField.MODIFIED, iso, "header:last-modified")


def _same_moment(first: str, second: str) -> bool:
    try:
        gap = parsedate_to_datetime(second) - parsedate_to_datetime(first)
    except (TypeError, ValueError, IndexError):
        return False
    return abs(gap.total_seconds()) < 120


# Most trusted first: structured data the publisher wrote, then what people see, then servers.
SOURCE_RANK: tuple[str, ...] = (
    "json-ld:", "meta:article:", "meta:itemprop:", "meta:", "text:last-updated", "time-element",
    "header:last-modified",
)


def source_rank(source: str) -> int:
    return next((i for i, prefix in enumerate(SOURCE_RANK) if source.startswith(prefix)),
                len(SOURCE_RANK))


def best_date(dates: list[DatedFact], field: DateField) -> DatedFact | None:
    """The date of `field` from the most trusted source (the latest one among equals)."""
    candidates = [fact for fact in dates if fact.field is field]
    if not candidates:
        return None
    return max(candidates, key=lambda fact: (-source_rank(fact.source), fact.date))


def _dedupe(dates: list[DatedFact]) -> list[DatedFact]:
    return list(dict.fromkeys(dates))
