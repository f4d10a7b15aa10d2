"""Plain sections read without markdown-it find exactly what markdown-it finds in them, and
a cut between sections never lets a plain section escape a fence or an HTML block."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.extract.markdown import _MD, extract_markdown, occurrences
from bot.extract.markdown_plain import runs
from tests.extract.test_markdown_fast_paths import REFERENCE

PROPERTY = settings(max_examples=400, deadline=None)


def _found(text: str) -> list[tuple[int | None, str]]:
    """What extract_markdown finds, checked against markdown-it on the whole text."""
    for base in ("https://base.example/dir/", None):
        found = extract_markdown(text, "f.md", base)
        assert found == occurrences(REFERENCE, text, "f.md", base)
        assert found == occurrences(_MD, text, "f.md", base)
    return [(item.source.line, item.url) for item in extract_markdown(text, "f.md")]


def _plain(text: str) -> list[bool]:
    return [run.plain for run in runs(text.splitlines())]


@pytest.mark.parametrize(("text", "plain"), [
    ("# T\n\n- [a](http://a.example/) - about a\n* [b](http://b.example/)\n", [True]),
    ("Intro with 10000 links.\n![i](http://i.example/i.png) and (see [c](c.html)).\n", [True]),
    ("# A\n[x](http://x.example/)\n# B\n```\ncode\n```\n# C\ntext\n", [True, False, True]),
    ("# A\n- [a\n  b](http://x.example/)\n", [False]),  # link text over two lines
    ("# A\nsee http://bare.example/\n", [False]),  # bare URL
    ("# A\n[t http://x.example/](http://y.example/)\n", [False]),  # "://" in link text
    ("# A\n1. [x](http://x.example/)\n", [False]),  # ordered list item
    ("# A\n  - [x](http://x.example/)\n", [False]),  # indented
    ("# A\n[r]: http://r.example/\n", [False]),  # reference definition
    ("# A\n[x](<http://x.example/>)\n", [False]),  # destination in angle brackets
    ("# A\n[x](http://x.example/ \"title\")\n", [False]),  # title
    ("# A\n[x](http://x.example/?a=1&amp;b=2)\n", [False]),  # entity in the destination
    ("# A\n- `[x](http://x.example/)`\n", [False]),  # code span
    ("# A\n| [x](http://x.example/) |\n", [False]),  # table cell
    ("# A\n- ~~~\n", [False]),  # fence in a list item
])
def test_sections_are_plain_only_in_plain_shapes(text: str, plain: list[bool]) -> None:
    assert _plain(text) == plain
    _found(text)


@pytest.mark.parametrize(("text", "expected"), [
    # A fence holding headings and links: its lines are code, not plain sections.
    ("```\n# not a heading\n[x](http://in-fence.example/)\n```\n# B\n[y](http://y.example/)\n",
     [(6, "http://y.example/")]),
    # A fence never closed swallows every plain section after it.
    ("Intro\n```sh\n# install\n[x](http://x.example/)\n# more\n[y](http://y.example/)\n", []),
    # An HTML comment over a heading.
    ("<!--\n# hidden\n[x](http://x.example/)\n-->\n# Shown\n[y](http://y.example/)\n",
     [(6, "http://y.example/")]),
    # An HTML block (type 6) runs on to the next blank line, over a heading.
    ('<div>\n# in the div\n[x](http://x.example/)\n\n# Out\n[y](http://y.example/)\n',
     [(6, "http://y.example/")]),
    # Indented code ends at a heading: the plain section after it counts.
    ("    [c](http://code.example/)\n# A\n[x](http://x.example/)\n", [(3, "http://x.example/")]),
    # A table ends at a heading.
    ("| a | [t](http://t.example/) |\n|---|---|\n# A\n[x](http://x.example/)\n",
     [(1, "http://t.example/"), (4, "http://x.example/")]),
    # A reference defined in one section, used in another with plain sections between: one
    # occurrence, at the definition, lines mapped back past the plain sections.
    ("# A\n[r]: http://ref.example/\n# B\n- [p](http://p.example/)\n# C\n- [used][r]\n"
     "- <http://auto.example/>\n",
     [(2, "http://ref.example/"), (4, "http://p.example/"), (7, "http://auto.example/")]),
    # A reference used before its definition; an unused one.
    ("# A\nsee [r] and [s](http://s.example/)\n# B\n[q](http://q.example/)\n# C\n"
     "[r]: http://r.example/\n",
     [(2, "http://s.example/"), (4, "http://q.example/"), (6, "http://r.example/")]),
    # A link whose text runs over a heading line is no link (the heading interrupts it):
    # its destination is a bare URL in text.
    ("# A\n[a\n# B\nb](http://x.example/)\n", [(4, "http://x.example/")]),
    ("# A\n[a\n# B\nb](x.html)\n", []),
    # A multi-line link in a complex section, plain sections around it.
    ("# A\n[a](http://a.example/)\n# B\n[multi\nline](http://m.example/)\n# C\n"
     "[c](http://c.example/)\n",
     [(2, "http://a.example/"), (5, "http://m.example/"), (7, "http://c.example/")]),
    # A heading that is a setext underline's paragraph is not split on.
    ("# A\n[a](http://a.example/)\nText\n===\n# B\n[b](http://b.example/)\n",
     [(2, "http://a.example/"), (6, "http://b.example/")]),
    # Lines that markdown-it and str.splitlines count differently: parsed whole.
    ("# A\n[a](http://a.example/)\x0c\n# B\n[b](http://b.example/)\n",
     [(2, "http://a.example/"), (4, "http://b.example/")]),
    # Relative destinations, an anchor, an image; bullets of every kind.
    ("# A\n- [r](page.html)\n* [h](#top)\n+ ![i](http://i.example/i.png)\n",
     [(4, "http://i.example/i.png")]),
])
def test_plain_sections_beside_others(text: str, expected: list[tuple[int, str]]) -> None:
    assert _found(text) == expected


LINES = st.sampled_from([
    "# A", "## B [h](http://h.example/)", "#", "####### seven", " # indented heading", "",
    "- [a](http://a.example/) - about a", "* [b](b.html)", "+ ![i](http://i.example/i.png)",
    "Prose 10 things.", "[p](http://p.example/)[q](http://q.example/)", "1. [o](o.html)",
    "```", "~~~", "    [code](http://code.example/)", "<!--", "-->", "<div>", "</div>",
    "[r]: http://ref.example/", "[r]", "[x][r]", "[a", "b](http://split.example/)",
    "see http://bare.example/ now", "<http://auto.example/>", "| a | b |", "|---|---|",
    "> [q](http://quote.example/)", "===", "---", "- [t](http://t.example/)  ", "text\\",
    "`[c](http://span.example/)", "x`", '<a href="http://raw.example/">', "- [ ]",
])


@PROPERTY
@given(st.lists(LINES, max_size=16).map("\n".join))
def test_plain_sections_agree_with_markdown_it(text: str) -> None:
    _found(text)
