"""roadmap-bot.yaml's one reader: sections, located errors, and the default file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bot.check.settings import load_check_config
from bot.configfile import config_path, discover_config, read_section
from bot.curate.settings import load_curate_config
from bot.errors import ConfigError
from bot.sources.settings import load_source_config
from bot.verify.settings import load_verify_config


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "roadmap-bot.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_section_and_its_lines(tmp_path: Path) -> None:
    path = write(tmp_path, "check:\n  per_host: 2\ncurate:\n  labels:\n    ignore: x\n")
    section = read_section(path, "curate")
    assert section.plain() == {"labels": {"ignore": "x"}}
    assert section.line_of(["labels", "ignore"]) == 5
    assert read_section(path, "freshness").plain() == {}
    assert read_section(None, "check").plain() == {}


@pytest.mark.parametrize(("text", "where", "message"), [
    ("check: [1]\n", ":1:1:", "`check:` must be a mapping"),
    ("- a\n", ":1:1:", "the config file must be a mapping of sections"),
    ("check:\n  a: 1\n  a: 2\n", ":3:", "duplicate key 'a'"),
    ("check:\n  a: [1\n", ":3:", "YAML error"),
])
def test_bad_files_are_located(tmp_path: Path, text: str, where: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        read_section(path, "check")
    assert info.value.located().startswith(path + where)
    assert message in info.value.located()


def test_missing_named_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read config: No such file"):
        read_section(str(tmp_path / "nope.yaml"), "check")


def test_default_file_only_when_present(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert config_path(None) is None
    assert config_path("other.yaml") == "other.yaml"
    write(tmp_path, "check: {}\n")
    assert config_path(None) == "roadmap-bot.yaml"


@pytest.mark.parametrize("names", [["roadmap-bot.yaml"], [".roadmap-bot.yaml"]])
def test_either_name_is_discovered_at_the_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               names: list[str]) -> None:
    for name in names:
        (tmp_path / name).write_text("check: {}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert config_path(None) == names[0]
    assert discover_config(str(tmp_path)) == str(tmp_path / names[0])


def test_a_directory_of_that_name_is_not_a_config(tmp_path: Path) -> None:
    (tmp_path / ".roadmap-bot.yaml").mkdir()
    assert discover_config(str(tmp_path)) is None


def test_both_names_at_once_is_a_located_error(tmp_path: Path) -> None:
    for name in ("roadmap-bot.yaml", ".roadmap-bot.yaml"):
        (tmp_path / name).write_text("check: {}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        discover_config(str(tmp_path))
    assert info.value.located() == (f"{tmp_path / '.roadmap-bot.yaml'}: both roadmap-bot.yaml "
                                    "and .roadmap-bot.yaml exist: keep one")



# Each stage's loader, a bad value for it, and the key its one-line error must name.
SECTION_LOADERS: dict[str, tuple[Callable[[str | None], object], str, str]] = {
    "check": (load_check_config, "concurrency: many", "check.concurrency"),
    "curate": (load_curate_config, "confirm_runs: many", "curate.confirm_runs"),
    "verify": (load_verify_config, "max_age_days: many", "verify.max_age_days"),
    "source": (load_source_config, "files: 3", "source.files"),
}


@pytest.mark.parametrize("name", sorted(SECTION_LOADERS))
def test_every_stage_locates_a_bad_value_the_same_way(tmp_path: Path, name: str) -> None:
    load, value, key = SECTION_LOADERS[name]
    path = write(tmp_path, f"# config\n{name}:\n  {value}\n")
    with pytest.raises(ConfigError) as caught:
        load(path)
    assert caught.value.line == 3
    assert caught.value.message.startswith(f"{key}: ")
