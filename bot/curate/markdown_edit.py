"""Editing a Markdown file's link URLs in place: only the URL bytes change, then a re-parse
proves that every link's text, heading and form, and the document's structure, are as before.

The URL is replaced where a parse says a link's URL is written (its line; a reference link's
definition), at positions a destination can take: after `(`, `<`, `]:`, a quote (HTML) or
white space (a bare URL), and ending where a destination ends. Reference-style links and
angle-bracket destinations therefore keep their form; a URL inside a code span is never
touched. Whatever the re-parse does not confirm is refused, never written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from markdown_it.token import Token

from bot.errors import InputError
from bot.extract.markdown import parse_tokens
from bot.extract.markdown_links import MarkdownLink, markdown_links

_BEFORE = frozenset("(< \t\"'*_~|")
_AFTER = frozenset(")> \t\r\n\"'|]")
_TRAILING = frozenset(".,;:!?*_~")  # punctuation a bare URL may be followed by


def _ends_url(rest: str) -> bool:
    if not rest or rest[0] in _AFTER:
        return True
    return rest[0] in _TRAILING and (len(rest) == 1 or rest[1] in _AFTER or rest[1] in _TRAILING)


def _starts_url(prefix: str) -> bool:
    return not prefix or prefix[-1] in _BEFORE or prefix.endswith("]:")


def spans(line: str, url: str) -> list[int]:
    """Start offsets in `line` where `url` stands as a whole link destination."""
    found, start = [], line.find(url)
    while start >= 0:
        if _starts_url(line[:start]) and _ends_url(line[start + len(url):]):
            found.append(start)
        start = line.find(url, start + 1)
    return found


def _replace_in_line(line: str, old: str, new: str) -> str:
    for start in reversed(spans(line, old)):
        line = line[:start] + new + line[start + len(old):]
    return line


def _as_written(url: str, new: str) -> list[tuple[str, str]]:
    """The ways a URL is written: as is, and with `&` as `&amp;` (raw HTML, entities), each
    with the new URL written the same way."""
    forms = [(url, new)]
    if "&" in url and "&amp;" not in url:
        forms.append((url.replace("&", "&amp;"), new.replace("&", "&amp;")))
    return forms


def _reads_as_expected(before: Sequence[MarkdownLink], after: Sequence[MarkdownLink],
                       changes: Mapping[str, str]) -> bool:
    """Every link is where and what it was, with the new URL; its text is unchanged, except
    that a link whose text is its URL (an autolink, a bare URL) may show the new one."""
    if len(before) != len(after):
        return False
    for old, new in zip(before, after, strict=True):
        url = changes.get(old.url, old.url)
        texts = {old.text, url} if old.text == old.url else {old.text}
        if replace(new, text=old.text) != replace(old, url=url) or new.text not in texts:
            return False
    return True


def _shape(tokens: Sequence[Token]) -> list[tuple[object, ...]]:
    """The document's structure: every block token, and the kind of every inline piece."""
    shape: list[tuple[object, ...]] = []
    for token in tokens:
        content = token.content if token.type in ("fence", "code_block", "code_inline") else ""
        shape.append((token.type, token.tag, token.nesting, token.markup, token.info,
                      tuple(token.map or ()), content))
        shape.extend((child.type, child.markup, child.nesting,
                      child.content if child.type == "code_inline" else "")
                     for child in token.children or ())
    return shape


def _same_text_where_not_a_url(before: Sequence[Token], after: Sequence[Token],
                               changes: Mapping[str, str]) -> bool:
    """Text pieces are byte-identical, except a piece that is exactly a changed URL (a bare
    URL) and an autolink's text (its URL, which the link comparison already checked)."""
    def pieces(tokens: Sequence[Token]) -> list[str]:
        found, in_autolink = [], False
        for child in (child for token in tokens for child in token.children or ()):
            if child.type in ("link_open", "link_close"):
                in_autolink = child.type == "link_open" and child.markup == "autolink"
            elif child.type == "text" and not in_autolink:
                found.append(child.content)
        return found
    olds, news = pieces(before), pieces(after)
    return len(olds) == len(news) and all(
        a == b or changes.get(a) == b for a, b in zip(olds, news, strict=True))


def edit_markdown(text: str, changes: Mapping[str, str], path: str) -> str:
    """`text` with each link URL that is a key of `changes` replaced by its value.

    Raises InputError when the URL is not written where the parse says (an escaped or
    entity-encoded destination) or when the result would read differently in any other way.
    """
    links = markdown_links(text)
    targets = {(link.url, link.line) for link in links if link.url in changes}
    lines = text.splitlines(keepends=True)
    for url, line in sorted(targets, key=lambda pair: pair[1]):
        edited = lines[line - 1]
        for written, new in _as_written(url, changes[url]):
            edited = _replace_in_line(edited, written, new)
        if edited == lines[line - 1]:
            raise InputError(f"cannot find the URL as written: {url}", path, line)
        lines[line - 1] = edited
    result = "".join(lines)
    prove(text, result, changes, path)
    return result


def prove(before: str, after: str, changes: Mapping[str, str], path: str) -> None:
    """Raise unless `after` reads as `before` with only the URLs in `changes` replaced."""
    old_tokens, new_tokens = parse_tokens(before), parse_tokens(after)
    if (not _reads_as_expected(markdown_links(before), markdown_links(after), changes)
            or _shape(old_tokens) != _shape(new_tokens)
            or not _same_text_where_not_a_url(old_tokens, new_tokens, changes)):
        raise InputError("editing the URLs changed more than the URLs (refusing)", path)
