"""`roadmap-bot render`: splices the roadmap into README.md, byte-stable; --check catches drift."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.cli import main
from bot.commands.schema import schema_text
from bot.roadmap.render import END_MARKER, START_MARKER, render_resource, splice
from bot.roadmap.schema import Kind, Resource

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "roadmap.yaml", tmp_path / "roadmap.yaml")
    (tmp_path / "README.md").write_text(
        f"Hand-written intro.\n\n{START_MARKER}\nold roadmap\n{END_MARKER}\n\nHand-written end.\n",
        encoding="utf-8")
    return tmp_path


def run_render(workdir: Path, *extra: str) -> int:
    return main(["render", "--roadmap", str(workdir / "roadmap.yaml"),
                 "--readme", str(workdir / "README.md"), *extra])


def test_render_keeps_hand_written_parts_and_is_byte_stable(workdir: Path) -> None:
    assert run_render(workdir) == 0
    first = (workdir / "README.md").read_bytes()
    assert first.startswith(b"Hand-written intro.\n\n" + START_MARKER.encode() + b"\n# MLOps Roadmap 2024\n")
    assert first.endswith(b"\n" + END_MARKER.encode() + b"\n\nHand-written end.\n")
    assert run_render(workdir) == 0
    assert (workdir / "README.md").read_bytes() == first
    assert run_render(workdir, "--check") == 0


def test_check_fails_on_stale_readme_and_names_the_lines(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_render(workdir) == 0
    roadmap = workdir / "roadmap.yaml"
    roadmap.write_text(roadmap.read_text(encoding="utf-8").replace(
        "title: LeetCode Python Problems", "title: LeetCode Problems"), encoding="utf-8")
    capsys.readouterr()
    before = (workdir / "README.md").read_bytes()
    assert run_render(workdir, "--check") == 1
    err = capsys.readouterr().err
    assert "README.md is out of date" in err
    assert "-- **Code Practice:** [LeetCode Python Problems](https://leetcode.com/problemset/)" in err
    assert "+- **Code Practice:** [LeetCode Problems](https://leetcode.com/problemset/)" in err
    assert (workdir / "README.md").read_bytes() == before  # --check writes nothing


def test_missing_markers_is_a_located_error(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (workdir / "README.md").write_text("no markers here\n", encoding="utf-8")
    assert run_render(workdir) == 2
    assert "README.md: README needs the markers" in capsys.readouterr().err


def test_splice_replaces_only_between_markers() -> None:
    readme = f"a\n{START_MARKER}\nx\ny\n{END_MARKER}\nb\n"
    assert splice(readme, "NEW\n") == f"a\n{START_MARKER}\nNEW\n{END_MARKER}\nb\n"


@pytest.mark.parametrize(
    ("resource", "expected"),
    [
        (Resource(id="a", title="T", kind=Kind.BOOK), "_T_"),
        (Resource(id="a", title="T", kind=Kind.BOOK, authors=("A", "B", "C")), "_T_ by A, B and C"),
        (Resource(id="a", title="T", kind=Kind.BOOK, url="https://x.org"), "[T](https://x.org)"),
        (Resource(id="a", title="T", kind=Kind.TOOL), "T"),
        (Resource(id="a", title="T", kind=Kind.ARTICLE, url="https://x.org", emphasis="bold"),
         "[**T**](https://x.org)"),
        (Resource(id="a", title="Long", display="Part 1", kind=Kind.TUTORIAL, url="https://x.org"),
         "[Part 1](https://x.org)"),
    ],
)
def test_render_resource(resource: Resource, expected: str) -> None:
    assert render_resource(resource) == expected


def test_exported_schema_is_up_to_date_and_referenced() -> None:
    on_disk = (ROOT / "schema" / "roadmap.schema.json").read_text(encoding="utf-8")
    assert on_disk == schema_text(), "run `roadmap-bot schema` and commit the result"
    kinds = json.loads(on_disk)["$defs"]["Kind"]["enum"]
    assert kinds == [kind.value for kind in Kind]
    first_line = (ROOT / "roadmap.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first_line == "# yaml-language-server: $schema=./schema/roadmap.schema.json"
