"""Editing Markdown link URLs in place: only URL bytes change, and a re-parse proves it."""

from __future__ import annotations

import pytest

from bot.curate.markdown_edit import edit_markdown, prove, spans
from bot.errors import InputError

OLD, NEW = "https://old.example/a", "https://new.example/b?x=1"


@pytest.mark.parametrize(("before", "after"), [
    (f"[A]({OLD})\n", f"[A]({NEW})\n"),
    (f"[A]({OLD} \"title\")\n", f"[A]({NEW} \"title\")\n"),
    (f"[A](<{OLD}>)\n", f"[A](<{NEW}>)\n"),  # angle brackets kept
    (f"[A][a]\n\n[a]: {OLD}\n", f"[A][a]\n\n[a]: {NEW}\n"),  # reference style kept
    (f"[A][a]\n\n[a]:\n  <{OLD}>  'title'\n", f"[A][a]\n\n[a]:\n  <{NEW}>  'title'\n"),
    (f"see <{OLD}>.\n", f"see <{NEW}>.\n"),  # an autolink's text is its URL
    (f"see {OLD}, then\n", f"see {NEW}, then\n"),  # a bare URL
    (f"[{OLD}]({OLD})\n", f"[{OLD}]({NEW})\n"),  # the text stays as written
    (f"[![b](https://img.example/i.svg)]({OLD})\n", f"[![b](https://img.example/i.svg)]({NEW})\n"),
    (f"| x | [A]({OLD}) |\n|---|---|\n", f"| x | [A]({NEW}) |\n|---|---|\n"),
    (f"- a\n  - [A]({OLD})\r\n", f"- a\n  - [A]({NEW})\r\n"),  # CRLF kept
    (f"<a href=\"{OLD}\">A</a>\n", f"<a href=\"{NEW}\">A</a>\n"),
    (f"[A]({OLD}) `{OLD}`\n\n```\n{OLD}\n```\n", f"[A]({NEW}) `{OLD}`\n\n```\n{OLD}\n```\n"),
    (f"[A]({OLD}) [B]({OLD}/deeper) [C]({OLD}.html)\n",
     f"[A]({NEW}) [B]({OLD}/deeper) [C]({OLD}.html)\n"),  # longer URLs are other links
], ids=["inline", "title", "angle", "reference", "reference-next-line", "autolink", "bare",
        "url-as-text", "badge", "table", "crlf", "html", "code-untouched", "prefixes"])
def test_only_the_url_bytes_change(before: str, after: str) -> None:
    assert edit_markdown(before, {OLD: NEW}, "list.md") == after


def test_a_url_not_written_as_read_is_refused() -> None:
    text = "[A](https://old.example/a\\_b)\n"  # escaped: not written as the parse reads it
    with pytest.raises(InputError, match="cannot find the URL as written") as info:
        edit_markdown(text, {"https://old.example/a_b": NEW}, "list.md")
    assert info.value.located().startswith("list.md:1:")


@pytest.mark.parametrize("form", ['<a href="{}">A</a>', "[A]({})"])
def test_an_ampersand_written_as_an_entity_stays_one(form: str) -> None:
    old, new = "https://old.example/?a=1&b=2", "https://new.example/?b=2&c=3"
    text = form.format(old.replace("&", "&amp;")) + "\n"
    assert edit_markdown(text, {old: new}, "list.md") == \
        form.format(new.replace("&", "&amp;")) + "\n"


@pytest.mark.parametrize(("before", "after"), [
    ("[A](https://x.example/)\n", "[B](https://y.example/)\n"),  # text changed
    ("# H\n[A](https://x.example/)\n", "## H\n[A](https://y.example/)\n"),  # structure
    ("[A](https://x.example/) `c`\n", "[A](https://y.example/) `d`\n"),  # code changed
    ("[A](https://x.example/) b\n", "[A](https://y.example/) c\n"),  # prose changed
])
def test_the_proof_refuses_anything_but_url_changes(before: str, after: str) -> None:
    with pytest.raises(InputError, match="changed more than the URLs"):
        prove(before, after, {"https://x.example/": "https://y.example/"}, "list.md")


def test_spans_are_whole_destinations() -> None:
    line = f"[a]({OLD}) {OLD}x ({OLD}/) `{OLD}` <{OLD}>"
    assert spans(line, OLD) == [4, line.index(f"<{OLD}>") + 1]
