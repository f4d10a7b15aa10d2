"""Atomic writes give the mode a new file gets from open(): reports, the README and the
history must be readable by a web server or another user, not private to the bot."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.commands.run import REPORT_FILES, write_reports
from bot.errors import InputError
from bot.fileio import atomic_write_text, read_json
from bot.history import store
from bot.history.model import History
from tests.report.samples import small_report


@pytest.fixture
def umask() -> Iterator[None]:
    previous = os.umask(0o022)  # the usual default, whatever the machine running the tests has
    try:
        yield
    finally:
        os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_file_gets_the_usual_mode(tmp_path: Path, umask: None) -> None:
    atomic_write_text(str(tmp_path / "new.txt"), "x")
    assert mode(tmp_path / "new.txt") == 0o644


def test_the_umask_is_respected(tmp_path: Path, umask: None) -> None:
    os.umask(0o077)
    atomic_write_text(str(tmp_path / "private.txt"), "x")
    assert mode(tmp_path / "private.txt") == 0o600


def test_a_rewritten_file_gets_the_usual_mode_and_leaves_no_temporary(
    tmp_path: Path, umask: None
) -> None:
    path = tmp_path / "old.txt"
    path.write_text("old")
    path.chmod(0o600)  # as the bot used to leave it
    atomic_write_text(str(path), "new")
    assert (path.read_text(), mode(path)) == ("new", 0o644)
    assert os.listdir(tmp_path) == ["old.txt"]


def test_reports_and_history_are_readable_by_others(tmp_path: Path, umask: None) -> None:
    reports = tmp_path / "reports"
    write_reports(small_report(), str(reports), echo=lambda line: None)
    store.save(str(reports / "history.json"), History())
    written = sorted(reports.iterdir())
    assert {path.name for path in written} >= set(REPORT_FILES.values()) | {"history.json"}
    assert {path.name: mode(path) for path in written} == {path.name: 0o644 for path in written}


def test_read_json_names_the_file_and_locates_a_syntax_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{\n  "a": 1,\n  oops\n}\n')
    with pytest.raises(InputError) as caught:
        read_json(str(bad), "report")
    assert (caught.value.file, caught.value.line) == (str(bad), 3)
    assert caught.value.message.startswith("invalid JSON")
    with pytest.raises(InputError, match="cannot read report"):
        read_json(str(tmp_path / "missing.json"), "report")
    good = tmp_path / "good.json"
    good.write_text('{"a": [1, 2]}')
    assert read_json(str(good), "report") == {"a": [1, 2]}
