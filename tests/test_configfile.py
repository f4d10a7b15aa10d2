"""roadmap-bot.yaml's one reader: sections, located errors, and the default file."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.configfile import config_path, read_section
from bot.errors import ConfigError


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
