"""Workflow-command annotations: escaping, levels, and one line per non-ok occurrence."""

from __future__ import annotations

import pytest

from bot.model import LinkResult, Source, Status
from bot.report import gh_annotations as annotations
from tests.report.samples import small_report


@pytest.mark.parametrize(
    ("level", "message", "kwargs", "expected"),
    [
        ("error", "gone", {"file": "roadmap.yaml", "line": 12, "title": "Broken link"},
         "::error file=roadmap.yaml,line=12,title=Broken link::gone"),
        ("warning", "100% sure\nnext", {}, "::warning::100%25 sure%0Anext"),
        ("notice", "m", {"title": "a:b,c"}, "::notice title=a%3Ab%2Cc::m"),
        ("error", "m", {"file": "dir,x/a:b.yaml"}, "::error file=dir%2Cx/a%3Ab.yaml::m"),
    ],
)
def test_command_escaping(level: str, message: str, kwargs: dict[str, object],
                          expected: str) -> None:
    assert annotations.command(level, message, **kwargs) == expected  # type: ignore[arg-type]


def test_one_line_per_non_ok_occurrence_sorted_by_line() -> None:
    lines = annotations.render(small_report()).splitlines()
    assert [line.split("::")[1].split(",")[:2] for line in lines] == [
        ["error file=roadmap.yaml", "line=12"],
        ["warning file=roadmap.yaml", "line=30"],
        ["warning file=roadmap.yaml", "line=80"],
        ["error file=roadmap.yaml", "line=140"],
        ["notice file=roadmap.yaml", "line=200"],
    ]
    assert "Python Crash Course: https://gone.example/book is broken (http_404)" in lines[0]


def test_inconclusive_run_never_emits_errors() -> None:
    lines = annotations.render(small_report(inconclusive=True)).splitlines()
    assert lines[0].startswith("::warning title=Inconclusive run::")
    assert not any(line.startswith("::error") for line in lines)


@pytest.mark.parametrize("status", [Status.OK, Status.SKIPPED])
def test_fine_links_make_no_annotation(status: Status) -> None:
    link = LinkResult("https://a.example/", status, "http_200")
    assert annotations.for_link(link, Source("roadmap.yaml", 3)) is None


def test_injected_newline_cannot_start_a_new_command() -> None:
    link = LinkResult("https://a.example/", Status.BROKEN, "http_404")
    line = annotations.for_link(link, Source("roadmap.yaml", 3, "x\n::error::fake"))
    # Only a command at the start of a line counts; the escaped newline keeps it inert.
    assert line is not None and "\n" not in line and "x%0A::error::fake" in line
