"""A reports directory: format lists parsed strictly, each format written under its name."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.errors import InputError
from bot.report.files import parse_formats, write_reports
from tests.report.samples import small_report


@pytest.mark.parametrize(("text", "expected"), [
    ("json", ("json",)),
    ("json,markdown,sarif", ("json", "markdown", "sarif")),
    ("json,markdown, sarif html", ("json", "markdown", "sarif", "html")),
    ("json,,json,markdown", ("json", "markdown")),
])
def test_parse_formats(text: str, expected: tuple[str, ...]) -> None:
    assert parse_formats(text) == expected


@pytest.mark.parametrize("text", ["pdf", "json,pdf", "", " , "])
def test_unknown_or_no_format_is_an_error(text: str) -> None:
    with pytest.raises(InputError, match="unknown report format"):
        parse_formats(text)


def test_write_reports_writes_the_named_files(tmp_path: Path) -> None:
    written = write_reports(small_report(), str(tmp_path), print, ("json", "sarif"))
    assert written == [str(tmp_path / "latest.json"), str(tmp_path / "latest.sarif")]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["latest.json", "latest.sarif"]


@pytest.mark.parametrize(("argv", "message"), [
    (["--format", "json,markdown"], "several formats need --reports-dir"),
    (["--format", "json", "--output", "x", "--reports-dir", "d"], "not both"),
    (["--format", "pdf"], "unknown report format 'pdf'"),
])
def test_check_refuses_bad_format_combinations(argv: list[str], message: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "-", *argv]) == 2
    assert message in capsys.readouterr().err
