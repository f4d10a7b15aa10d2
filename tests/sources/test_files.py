"""Which files a run reads: command line, else config, else roadmap.yaml, else README.md."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import ConfigError, InputError
from bot.sources.files import resolve_inputs
from bot.sources.settings import SourceSettings, load_source_config

TREE = ["README.md", "CHANGELOG.md", "docs/a.md", "docs/deep/b.md", "docs/deep/c.txt",
        ".github/x.md"]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    for name in TREE:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x\n", encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(("given", "settings", "expected"), [
    ([], SourceSettings(), ["README.md"]),  # no roadmap.yaml: the README is the list
    (["CHANGELOG.md"], SourceSettings(files=("README.md",)), ["CHANGELOG.md"]),
    ([], SourceSettings(files=("README.md", "docs/**/*.md")),
     ["README.md", "docs/a.md", "docs/deep/b.md"]),
    (["*.md", "README.md"], SourceSettings(exclude_files=("CHANGELOG.md",)), ["README.md"]),
    (["**/*.md"], SourceSettings(exclude_files=("docs/deep/**",)), ["CHANGELOG.md", "README.md",
                                                                    "docs/a.md"]),
    # A file named outright is read even when a glob would exclude it.
    (["CHANGELOG.md"], SourceSettings(exclude_files=("*.md",)), ["CHANGELOG.md"]),
    (["-"], SourceSettings(files=("README.md",)), ["-"]),
    (["missing.md"], SourceSettings(), ["missing.md"]),  # reading it names the file later
], ids=["readme-default", "argv-wins", "config-globs", "exclude", "exclude-dir", "named",
        "stdin", "missing-plain-path"])
def test_resolve(repo: Path, given: list[str], settings: SourceSettings,
                 expected: list[str]) -> None:
    assert resolve_inputs(given, settings, str(repo)) == expected


def test_roadmap_yaml_is_the_default_when_present(repo: Path) -> None:
    (repo / "roadmap.yaml").write_text("title: x\n", encoding="utf-8")
    assert resolve_inputs([], SourceSettings(), str(repo)) == ["roadmap.yaml"]


def test_nothing_at_all_names_roadmap_yaml(tmp_path: Path) -> None:
    assert resolve_inputs([], SourceSettings(), str(tmp_path)) == ["roadmap.yaml"]


def test_a_glob_matching_nothing_is_an_error(repo: Path) -> None:
    with pytest.raises(InputError, match=r"no file matches 'wiki/\*\*/\*\.md'"):
        resolve_inputs(["wiki/**/*.md"], SourceSettings(), str(repo))


def test_the_source_section(tmp_path: Path) -> None:
    path = tmp_path / "roadmap-bot.yaml"
    path.write_text("source:\n  files: [README.md, 'docs/*.md']\n  exclude_files: [x.md]\n",
                    encoding="utf-8")
    assert load_source_config(str(path)) == SourceSettings(("README.md", "docs/*.md"), ("x.md",))
    assert load_source_config(None) == SourceSettings()
    path.write_text("source:\n  files: README.md\n  typo: 1\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_source_config(str(path))
    assert info.value.located().startswith(f"{path}:2:")
