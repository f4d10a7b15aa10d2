"""The `verify:` section: defaults, the repository's file, and located errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.verify.settings import VerifySettings, load_verify_config

ROOT = Path(__file__).resolve().parents[2]


def test_the_repository_config_loads_with_the_defaults() -> None:
    assert load_verify_config(str(ROOT / "roadmap-bot.yaml")) == VerifySettings()
    assert load_verify_config(None) == VerifySettings()


def test_values_are_read(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("verify:\n  archive: http://127.0.0.1:9\n  max_age_days: 30\n")
    assert load_verify_config(str(path)) == VerifySettings(archive="http://127.0.0.1:9",
                                                           max_age_days=30)


@pytest.mark.parametrize(("text", "line"), [
    ("verify:\n  max_age_days: 0\n", 2),
    ("verify:\n  archive: x\n  bogus: 1\n", 3),
])
def test_bad_values_name_their_line(tmp_path: Path, text: str, line: int) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_verify_config(str(path))
    assert caught.value.line == line and "verify." in caught.value.message
