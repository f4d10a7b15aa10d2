"""Markdown extraction: every link form, exact URLs, 1-based lines, nothing from code."""

from __future__ import annotations

from bot.extract.markdown import extract_markdown

DOC = """\
# Title with https://bare.example/heading.

Some [inline](https://a.example/p_(x) "t") and ![img](https://img.example/i.png)
and a [ref][r] and <https://auto.example/> and `https://code.example/` and
[multi
line](https://multi.example/)

```
https://fence.example/
[x](https://fence2.example/)
```

    https://indented-code.example/

<a href="https://raw.example/">raw</a> inline <a
  href="https://rawinline.example/">x</a>

<div>
<a href="https://block.example/?a=1&amp;b=2">b</a>
</div>

| a | b |
|---|---|
| [c](https://cell.example/) | https://cellbare.example/ |

[r]: https://ref.example/ "title"
[unused]:
   https://unused.example/
[rel](./relative.md) [anchor](#x) [mail](mailto:a@b.c) [proto](//cdn.example/x.js)
https://mlops.community/how-to-configure-vs-code-for-ai-ml-and-mlops-development-in-python-🛠%EF%B8%8F%EF%B8%8F/
[spaces](<https://sp.example/a b>) [badge ![b](https://badge.example/b.svg)](https://link.example/)
See (https://paren.example/x), or https://comma.example/y, and [t](https://e.example/(a)(b)).
"""

EXPECTED = [
    (1, "https://bare.example/heading"),
    (3, "https://a.example/p_(x)"),
    (3, "https://img.example/i.png"),
    (4, "https://auto.example/"),
    (6, "https://multi.example/"),
    (15, "https://raw.example/"),
    (16, "https://rawinline.example/"),
    (19, "https://block.example/?a=1&b=2"),
    (24, "https://cell.example/"),
    (24, "https://cellbare.example/"),
    (26, "https://ref.example/"),
    (28, "https://unused.example/"),
    (29, "mailto:a@b.c"),
    (29, "https://cdn.example/x.js"),
    (30, "https://mlops.community/how-to-configure-vs-code-for-ai-ml-and-mlops-development-in-"
         "python-🛠%EF%B8%8F%EF%B8%8F/"),
    (31, "https://sp.example/a b"),
    (31, "https://badge.example/b.svg"),
    (31, "https://link.example/"),
    (32, "https://paren.example/x"),
    (32, "https://comma.example/y"),
    (32, "https://e.example/(a)(b)"),
]


def test_every_link_form_with_its_line() -> None:
    found = [(o.source.line, o.url) for o in extract_markdown(DOC, "doc.md")]
    assert found == EXPECTED


def test_sources_name_the_file() -> None:
    assert {o.source.file for o in extract_markdown(DOC, "doc.md")} == {"doc.md"}


def test_relative_links_resolve_against_a_known_base() -> None:
    found = extract_markdown("[a](docs/x.md) [b](/y)\n", "f.md", base="https://site.example/r/")
    assert [o.url for o in found] == ["https://site.example/r/docs/x.md", "https://site.example/y"]


def test_reference_used_many_times_is_reported_once_at_its_definition() -> None:
    doc = "[a][r] and [b][r]\n\n[c][r]\n\n[r]: https://once.example/\n"
    assert [(o.source.line, o.url) for o in extract_markdown(doc, "f.md")] == [
        (5, "https://once.example/")
    ]


def test_line_numbers_after_blank_lines_lists_and_quotes() -> None:
    doc = "\n\n- item [a](https://l1.example/)\n  - nested\n    https://l2.example/\n\n> quoted\n> [q](https://q.example/)\n"
    assert [(o.source.line, o.url) for o in extract_markdown(doc, "f.md")] == [
        (3, "https://l1.example/"), (5, "https://l2.example/"), (8, "https://q.example/"),
    ]


def test_empty_and_linkless_documents() -> None:
    assert extract_markdown("", "f.md") == []
    assert extract_markdown("no links here, just `code` and *emphasis*\n", "f.md") == []
