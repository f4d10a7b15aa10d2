"""`roadmap-bot init`: writes the workflows and a config every stage accepts; never clobbers."""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from bot.check.settings import load_check_config
from bot.cli import main
from bot.curate.settings import load_curate_config
from bot.freshness.settings import load_settings
from bot.scaffold import TARGETS, scaffold
from bot.sources.settings import SourceSettings, load_source_config

SHA = "0123456789abcdef0123456789abcdef01234567"


def test_into_an_empty_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", str(tmp_path), "--files", "README.md", "docs/**/*.md",
                 "--ref", SHA]) == 0
    written = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    assert written == sorted(TARGETS.values())
    assert capsys.readouterr().out.count("wrote ") == 3
    config = str(tmp_path / "roadmap-bot.yaml")
    assert load_source_config(config) == SourceSettings(("README.md", "docs/**/*.md"))
    load_check_config(config), load_curate_config(config), load_settings(config, None)
    for name in ("roadmap-bot-nightly.yml", "roadmap-bot-pr.yml"):
        workflow = YAML(typ="safe").load((tmp_path / ".github/workflows" / name).read_text())
        (step,) = [s for s in workflow["jobs"]["links"]["steps"] if "roadmap" in s["uses"]]
        assert step["uses"] == f"marvelousmlops/mlops_roadmap_2024@{SHA}"
        assert "files" not in step["with"]  # the config's source.files is the one place


def test_existing_files_are_kept_and_nothing_is_written(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "roadmap-bot.yaml").write_text("mine\n", encoding="utf-8")
    assert main(["init", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err == (f"roadmap-bot: {tmp_path / 'roadmap-bot.yaml'}: already exists "
                   "(use --force to overwrite); nothing written\n")
    assert (tmp_path / "roadmap-bot.yaml").read_text(encoding="utf-8") == "mine\n"
    assert not (tmp_path / ".github").exists()  # all or nothing


def test_force_overwrites(tmp_path: Path) -> None:
    workflow = tmp_path / ".github/workflows/roadmap-bot-pr.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text("old\n", encoding="utf-8")
    assert main(["init", str(tmp_path), "--force"]) == 0
    assert workflow.read_text(encoding="utf-8") == scaffold(["README.md"])[
        ".github/workflows/roadmap-bot-pr.yml"]


def test_a_pattern_with_a_quote_stays_valid_yaml() -> None:
    files = scaffold(["it's.md"])
    config = YAML(typ="safe").load(files["roadmap-bot.yaml"])
    assert config["source"]["files"] == ["it's.md"]
