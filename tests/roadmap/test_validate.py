"""`roadmap-bot validate`: each kind of bad input gives exactly one clear, located line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.cli import main

VALID = """\
title: Test Roadmap
sections:
  - number: "1"
    title: Programming
    description: Some words.
    subsections:
      - number: "1.1"
        title: Python
        items:
          - label: Book Suggestion
            resources:
              - id: python-crash-course
                title: Python Crash Course, 3rd Edition
                kind: book
                url: https://example.org/book
                authors: [Eric Matthes]
                edition: 3
              - id: python-basics
                title: Python basics
                kind: topic
"""


def mutate(old: str, new: str) -> str:
    assert old in VALID, old
    return VALID.replace(old, new, 1)


# name, file content (bytes or text), expected line, expected message fragment
CASES: list[tuple[str, str | bytes, int, str]] = [
    ("yaml syntax", mutate("authors: [Eric Matthes]", "authors: [Eric Matthes"), 17, "YAML error"),
    ("tab indentation", mutate("                kind: book", "\t\tkind: book"), 14, "tab character"),
    ("duplicate key", mutate("                kind: book\n",
                             "                kind: book\n                kind: video\n"), 15,
     "duplicate key 'kind'"),
    ("duplicate id", mutate("- id: python-basics", "- id: python-crash-course"), 18,
     "duplicate id 'python-crash-course'"),
    ("unknown kind", mutate("kind: topic", "kind: podcast"), 20, "kind: unknown value 'podcast'"),
    ("missing title", mutate("                title: Python basics\n", ""), 18,
     "missing required field 'title'"),
    ("malformed url", mutate("url: https://example.org/book", "url: example.org/book"), 15,
     "URL scheme must be http or https"),
    ("url with spaces", mutate("url: https://example.org/book", "url: https://example.org/a book"),
     15, "URL contains whitespace"),
    ("wrong type", mutate("edition: 3", "edition: third"), 17, "edition: Input should be a valid integer"),
    ("wrong container type", mutate("authors: [Eric Matthes]", "authors: Eric Matthes"), 16,
     "authors: Input should be a valid"),
    ("unknown field", mutate("edition: 3", "edition: 3\n                isbn: 123"), 18,
     "unknown field 'isbn'"),
    ("bad id", mutate("- id: python-basics", "- id: Python Basics"), 18, "id: String should match"),
    ("bad section number", mutate('- number: "1"\n', '- number: "one"\n'), 3, "number: String should match"),
    ("subsection outside its section", mutate('number: "1.1"', 'number: "2.1"'), 7,
     "subsection '2.1' does not belong to section '1'"),
    ("duplicate section number",
     VALID + '  - number: "1"\n    title: Again\n    items:\n      - resources:\n'
     "          - {id: other, title: Other, kind: tool}\n", 21, "duplicate section number '1'"),
    ("top level not a mapping", "- just\n- a list\n", 1, "top level must be a mapping"),
    ("empty file", "", 1, "top level must be a mapping"),
    ("no sections", "title: T\nsections: []\n", 2, "sections: a roadmap needs at least one section"),
    ("text names unknown id",
     mutate("          - label: Book Suggestion\n",
            "          - label: Book Suggestion\n            text: see {nope}\n"), 10,
     "text names unknown resource ids: nope"),
    ("not utf-8", VALID.encode("utf-8").replace(b"Some words.", b"Caf\xe9 words."), 5,
     "not valid UTF-8"),
]


@pytest.mark.parametrize(("name", "content", "line", "message"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_gives_one_located_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: str | bytes, line: int,
    message: str,
) -> None:
    path = tmp_path / "roadmap.yaml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    match = re.match(rf"^{re.escape(str(path))}:(\d+)(?::(\d+))?: (.+)$", err[0])
    assert match, err[0]
    assert int(match.group(1)) == line, err[0]
    assert message in match.group(3), err[0]
    assert "Traceback" not in err[0]


def test_valid_file_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "roadmap.yaml"
    path.write_text(VALID, encoding="utf-8")
    assert main(["validate", str(path)]) == 0
    assert "valid (1 sections, 2 resources)" in capsys.readouterr().out


def test_several_problems_each_get_a_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "roadmap.yaml"
    path.write_text(mutate("kind: topic", "kind: podcast").replace("edition: 3", "edition: x"),
                    encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert [line.split(":")[1] for line in err] == ["17", "20"]


def test_missing_file_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope.yaml"
    assert main(["validate", str(missing)]) == 2
    assert capsys.readouterr().err.strip() == f"{missing}: cannot read file: No such file or directory"


def test_bundled_roadmap_is_valid(capsys: pytest.CaptureFixture[str]) -> None:
    root = Path(__file__).resolve().parents[2]
    assert main(["validate", str(root / "roadmap.yaml")]) == 0
