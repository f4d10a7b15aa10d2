"""The terminal display: when the bar shows, what the summary says, how loud inconclusive is."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from rich.console import Console

from bot.check.progress import ProgressDisplay, print_summary, summary_line, wants_progress
from bot.model import LinkResult, Report, Status


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def report(*statuses: Status, inconclusive: bool = False) -> Report:
    links = tuple(LinkResult(f"https://e.org/{n}", s, "r") for n, s in enumerate(statuses))
    return Report(inputs=("x.md",), generated_at=datetime(2026, 11, 28, tzinfo=UTC), links=links,
                  inconclusive=inconclusive,
                  inconclusive_reason="5 of 5 hosts failed" if inconclusive else None)


def test_bar_only_on_a_terminal_and_not_when_refused() -> None:
    assert wants_progress(False, FakeTTY())
    assert not wants_progress(True, FakeTTY())
    assert not wants_progress(False, io.StringIO())


def test_progress_counts_results_and_broken_ones() -> None:
    stream = FakeTTY()
    display = ProgressDisplay(3, enabled=True, console=Console(file=stream, force_terminal=True))
    with display:
        for status in (Status.OK, Status.BROKEN, Status.BROKEN):
            display(LinkResult("https://e.org", status, "r"))
    assert display._broken == 2
    assert display._bar.tasks[0].completed == 3


def test_summary_line_counts_statuses() -> None:
    line = summary_line(report(Status.OK, Status.OK, Status.BROKEN))
    assert line == "checked 3 links: 2 ok, 1 broken"


def test_inconclusive_is_said_in_plain_and_rich_output() -> None:
    plain, rich = io.StringIO(), io.StringIO()
    print_summary(report(Status.ERROR, inconclusive=True), rich_output=False, stream=plain)
    print_summary(report(Status.ERROR, inconclusive=True), rich_output=True, stream=rich)
    assert "INCONCLUSIVE RUN: 5 of 5 hosts failed" in plain.getvalue()
    assert "INCONCLUSIVE RUN" in rich.getvalue() and "5 of 5 hosts failed" in rich.getvalue()
    quiet = io.StringIO()
    print_summary(report(Status.OK), rich_output=False, stream=quiet)
    assert "INCONCLUSIVE" not in quiet.getvalue()
