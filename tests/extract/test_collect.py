"""Collecting inputs into distinct links: dispatch by kind, first-seen order, every source."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bot.errors import InputError
from bot.extract import Occurrence
from bot.extract.collect import extractor, group, links_from_inputs
from bot.extract.html import extract_html
from bot.extract.markdown import extract_markdown
from bot.extract.text import extract_text
from bot.model import Source
from tests.interpreter import printed_by

ROADMAP = Path(__file__).resolve().parents[2] / "roadmap.yaml"
MLOPS = (
    "https://mlops.community/how-to-configure-vs-code-for-ai-ml-and-mlops-development-in-"
    "python-🛠%EF%B8%8F%EF%B8%8F/"
)


def test_roadmap_yields_45_occurrences_over_41_distinct_urls() -> None:
    links = links_from_inputs([str(ROADMAP)])
    assert len(links) == 41
    assert sum(len(link.sources) for link in links) == 45
    sources = [source for link in links for source in link.sources]
    assert all(source.line and source.resource and source.resource_id for source in sources)
    assert all(source.section and source.section[0].isdigit() for source in sources)


def test_roadmap_sources_point_at_the_url_line() -> None:
    lines = ROADMAP.read_text(encoding="utf-8").splitlines()
    for link in links_from_inputs([str(ROADMAP)]):
        for source in link.sources:
            assert source.line is not None
            assert link.url in lines[source.line - 1]


def test_roadmap_keeps_the_emoji_url_exactly_with_its_section() -> None:
    (link,) = [link for link in links_from_inputs([str(ROADMAP)]) if "mlops.community" in link.url]
    assert link.url == MLOPS
    assert link.sources[0].section == "1.1. Python & IDEs"


def test_inputs_dispatch_on_suffix_and_merge_sources(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("[x](https://same.example/)\n", encoding="utf-8")
    (tmp_path / "b.html").write_text('<a href="https://same.example/">x</a>\n', encoding="utf-8")
    (tmp_path / "c.txt").write_text("see https://other.example/\n", encoding="utf-8")
    paths = [str(tmp_path / name) for name in ("a.md", "b.html", "c.txt")]
    stdin = io.StringIO("https://stdin.example/\nhttps://same.example/\n")
    links = links_from_inputs([*paths, "-"], stdin=stdin)
    assert [link.url for link in links] == [
        "https://same.example/", "https://other.example/", "https://stdin.example/",
    ]
    assert [(s.file, s.line) for s in links[0].sources] == [
        (paths[0], 1), (paths[1], 1), ("<stdin>", 2),
    ]


def test_group_keys_on_the_url_as_written_not_normalised() -> None:
    found = [
        Occurrence("https://a.example/x ", Source("f", 1)),
        Occurrence("HTTPS://A.example/x", Source("f", 2)),
        Occurrence("https://a.example/x", Source("f", 3)),
    ]
    assert [(link.url, len(link.sources)) for link in group(found)] == [
        ("https://a.example/x", 2), ("HTTPS://A.example/x", 1),
    ]


def test_unreadable_file_names_the_file(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.md")
    with pytest.raises(InputError) as caught:
        links_from_inputs([missing])
    assert caught.value.located().startswith(missing + ": cannot read file")


def test_invalid_utf8_markdown_is_located(tmp_path: Path) -> None:
    path = tmp_path / "bad.md"
    path.write_bytes(b"line one\n\xff\xfe bad\n")
    with pytest.raises(InputError) as caught:
        links_from_inputs([str(path)])
    assert caught.value.located() == f"{path}:2: file is not valid UTF-8"


def test_latin1_html_is_still_read(tmp_path: Path) -> None:
    path = tmp_path / "old.html"
    path.write_bytes('<p>caf\xe9</p><a href="https://l1.example/">x</a>'.encode("latin-1"))
    assert [link.url for link in links_from_inputs([str(path)])] == ["https://l1.example/"]


def test_stdin_without_a_stream_is_an_input_error() -> None:
    with pytest.raises(InputError):
        links_from_inputs(["-"], stdin=None)


def test_invalid_roadmap_is_a_located_input_error(tmp_path: Path) -> None:
    path = tmp_path / "roadmap.yaml"
    path.write_text("title: x\nsections: [\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        links_from_inputs([str(path)])
    assert caught.value.file == str(path) and caught.value.line


def test_upstream_markdown_readme_gives_the_roadmaps_links_in_order() -> None:
    upstream = Path(__file__).resolve().parents[1] / "roadmap" / "data" / "upstream-README.md"
    from_markdown = [link.url for link in links_from_inputs([str(upstream)])]
    from_yaml = [link.url for link in links_from_inputs([str(ROADMAP)])]
    assert from_markdown == from_yaml
    occurrences = sum(len(link.sources) for link in links_from_inputs([str(upstream)]))
    assert occurrences == 45


@pytest.mark.parametrize(("suffix", "expected"), [
    (".md", extract_markdown), (".markdown", extract_markdown), (".html", extract_html),
    (".htm", extract_html), (".txt", extract_text), ("", extract_text), (".MD", extract_text),
])
def test_each_suffix_has_its_extractor(suffix: str, expected: object) -> None:
    assert extractor(suffix) is expected


@pytest.mark.parametrize(("name", "absent"), [
    ("links.md", "bot.roadmap.load"), ("roadmap.yaml", "markdown_it"),
])
def test_an_input_loads_only_its_own_extractor(tmp_path: Path, name: str, absent: str) -> None:
    path = tmp_path / name
    path.write_text(ROADMAP.read_text(encoding="utf-8") if name.endswith(".yaml")
                    else "[a](https://a.example/)\n", encoding="utf-8")
    script = (
        "import sys\n"
        "from bot.extract.collect import links_from_inputs\n"
        f"assert links_from_inputs([{str(path)!r}])\n"
        f"print({absent!r} in sys.modules)\n"
    )
    assert printed_by(script) == "False"
