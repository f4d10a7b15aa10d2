"""Markdown link occurrences with heading, text, form and the line where the URL is written."""

from __future__ import annotations

import pytest

from bot.extract.markdown import extract_markdown
from bot.extract.markdown_links import LinkForm, MarkdownLink, markdown_links

DOC = """\
[early]: https://early.example/e
Intro before any heading: https://bare.example/b.

# Awesome *Things*

- [Alpha](https://a.example/a) - the first.
  - nested [Beta](<https://b.example/b c>) and [Early][early]
- [![CI](https://img.example/ci.svg)](https://ci.example/ci "CI")

## Table

| Name | Link |
| --- | --- |
| Gamma | [Gamma site](https://g.example/g) |

Code `https://code.example/x` and <https://auto.example/x>.

```
https://fence.example/f
```

<p><a href="https://html.example/h">H</a></p>

[unused]:
  <https://unused.example/u>
"""


def test_every_link_with_its_heading_text_and_line() -> None:
    assert markdown_links(DOC) == [
        MarkdownLink("https://bare.example/b", 2, "", "https://bare.example/b", LinkForm.INLINE),
        MarkdownLink("https://a.example/a", 6, "Awesome *Things*", "Alpha", LinkForm.INLINE),
        MarkdownLink("https://b.example/b c", 7, "Awesome *Things*", "Beta", LinkForm.INLINE),
        MarkdownLink("https://early.example/e", 1, "Awesome *Things*", "Early",
                     LinkForm.REFERENCE),
        MarkdownLink("https://img.example/ci.svg", 8, "Awesome *Things*", "CI", LinkForm.IMAGE),
        MarkdownLink("https://ci.example/ci", 8, "Awesome *Things*", "CI", LinkForm.INLINE),
        MarkdownLink("https://g.example/g", 14, "Table", "Gamma site", LinkForm.INLINE),
        MarkdownLink("https://auto.example/x", 16, "Table", "https://auto.example/x",
                     LinkForm.INLINE),
        MarkdownLink("https://html.example/h", 22, "Table", "", LinkForm.HTML),
        MarkdownLink("https://unused.example/u", 25, "Table", "unused", LinkForm.DEFINITION),
    ]


def test_the_same_urls_as_the_checker_extracts() -> None:
    # The source of truth and `check` must agree on which URLs a file holds.
    assert {link.url for link in markdown_links(DOC)} == \
        {occurrence.url for occurrence in extract_markdown(DOC, "x.md")}


@pytest.mark.parametrize(("text", "expected"), [
    ("[a\nb](https://x.example/)\n", ("a b", 2)),  # text over two lines; URL on the second
    ("[**bold** `code`](https://x.example/)\n", ("bold code", 1)),
    ("[x][r]\n[y][r]\n\n[r]: https://x.example/\n", ("x", 4)),
])
def test_text_and_line(text: str, expected: tuple[str, int]) -> None:
    first = markdown_links(text)[0]
    assert (first.text, first.line) == expected


def test_a_reference_used_twice_is_two_occurrences_at_its_definition() -> None:
    links = markdown_links("# H\n[x][r] and [y][r]\n\n[r]: https://x.example/\n")
    assert [(link.text, link.line, link.form) for link in links] == [
        ("x", 4, LinkForm.REFERENCE), ("y", 4, LinkForm.REFERENCE)]
