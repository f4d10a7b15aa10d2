"""Markdown lists as a source of truth: stable resource ids, sources, resources, proven edits."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.curate.model import Fix, FixKind
from bot.curate.settings import CurateSettings
from bot.errors import InputError
from bot.roadmap.schema import Kind
from bot.sources.load import load_source
from bot.sources.markdown import MarkdownSource, kind_for
from bot.sources.roadmap import RoadmapSource

LIST = """\
# Tools

- [Alpha](https://a.example/a)
- [Repo](https://github.com/o/r)

## Videos

- [Talk](https://www.youtube.com/watch?v=x) and [Alpha](https://a.example/a)
"""


def source(text: str = LIST, name: str = "README.md") -> MarkdownSource:
    return MarkdownSource({name: text})


def test_links_carry_file_line_text_heading_and_a_stable_id() -> None:
    links = {link.url: link for link in source().links()}
    alpha = links["https://a.example/a"].sources
    assert [(s.file, s.line, s.resource, s.section) for s in alpha] == [
        ("README.md", 3, "Alpha", "Tools"), ("README.md", 8, "Alpha", "Videos")]
    assert alpha[0].resource_id != alpha[1].resource_id  # another heading: another resource
    assert all((s.resource_id or "").startswith("md-") for s in alpha)


def test_ids_do_not_move_with_lines_but_change_with_text() -> None:
    before = source().resource_lines()
    moved = source(LIST.replace("# Tools\n", "# Tools\n\nA new paragraph.\n"))
    assert set(moved.resource_lines()) == set(before)
    assert all(moved.resource_lines()[rid] == line + 2 for rid, line in before.items())
    renamed = source(LIST.replace("[Repo]", "[The repo]"))
    assert set(renamed.resource_lines()) != set(before)


def test_resources_for_freshness_by_url() -> None:
    spots = {spot.resource.url: spot for spot in source().spots()}
    assert spots["https://github.com/o/r"].resource.kind is Kind.REPOSITORY
    assert spots["https://github.com/o/r"].heading == "Tools"
    assert spots["https://www.youtube.com/watch?v=x"].resource.kind is Kind.VIDEO
    assert len(source().spots()) == 4  # Alpha twice: two resources
    assert source("[m](mailto:a@example.org)\n").spots() == []


@pytest.mark.parametrize(("url", "kind"), [
    ("https://github.com/o/r/", Kind.REPOSITORY),
    ("https://github.com/o/r/blob/main/x.md", Kind.ARTICLE),
    ("https://youtu.be/x", Kind.VIDEO),
    ("https://pypi.org/project/x/", Kind.TOOL),
    ("https://example.org/", Kind.ARTICLE),
])
def test_kind_for(url: str, kind: Kind) -> None:
    assert kind_for(url) is kind


def fix(old: str, new: str) -> Fix:
    return Fix(old, new, (FixKind.REDIRECT,), ("301",))


def test_edit_changes_only_url_bytes_and_drops_what_a_file_refuses() -> None:
    texts = {"a.md": "\ufeff# A\r\n[x](https://a.example/a)\r\n",
             "b.md": "[y](https://a.example/a) [z](https://b.example/a\\_b)\n"}
    fixes = (fix("https://a.example/a", "https://a.example/new"),
             fix("https://b.example/a_b", "https://b.example/new"))
    applied, files = MarkdownSource(texts).edit(fixes)
    assert applied == fixes[:1]  # b.md cannot be edited for the escaped URL
    assert files == {"a.md": "\ufeff# A\r\n[x](https://a.example/new)\r\n",
                     "b.md": "[y](https://a.example/new) [z](https://b.example/a\\_b)\n"}


def test_owns_and_places() -> None:
    markdown = source()
    assert markdown.owns("README.md") and not markdown.owns("roadmap.yaml")
    assert set(markdown.resource_files().values()) == {"README.md"}


def test_load_source_by_the_files(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("[x](https://x.example/)\n")
    (tmp_path / "roadmap.yaml").write_text("title: x\n")
    settings = CurateSettings()
    assert isinstance(load_source([str(tmp_path / "roadmap.yaml")], settings), RoadmapSource)
    assert load_source([str(tmp_path / "a.md")], settings).paths == (str(tmp_path / "a.md"),)
    with pytest.raises(InputError, match="not both"):
        load_source([str(tmp_path / "a.md"), str(tmp_path / "roadmap.yaml")], settings)
    with pytest.raises(InputError, match="not valid UTF-8") as info:
        (tmp_path / "bad.md").write_bytes(b"ok\n\xff\n")
        load_source([str(tmp_path / "bad.md")], settings)
    assert info.value.line == 2


def test_a_fix_for_a_url_no_file_links_to_is_not_proposed() -> None:
    markdown = MarkdownSource({"a.md": "[x](https://a.example/)\nhttps://b.example/ in `code`\n"})
    assert markdown.edit((fix("https://c.example/", "https://d.example/"),)) == ((), {})
