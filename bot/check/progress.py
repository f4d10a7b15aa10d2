"""The terminal side of a check: a rich progress bar on stderr and the final summary."""

from __future__ import annotations

import sys
from types import TracebackType
from typing import TYPE_CHECKING, TextIO

from bot.model import LinkResult, Report, Status

if TYPE_CHECKING:  # rich is imported where a bar or table is drawn: not in CI, not at start-up
    from rich.console import Console
    from rich.progress import Progress
    from rich.table import Table

STATUS_STYLES = {
    Status.OK: "green", Status.REDIRECTED: "cyan", Status.BROKEN: "bold red",
    Status.BLOCKED: "yellow", Status.ERROR: "magenta", Status.SKIPPED: "dim",
}


def wants_progress(no_progress: bool, stream: TextIO | None = None) -> bool:
    """A bar only for a person watching: off with --no-progress or when stderr is not a TTY."""
    stream = stream or sys.stderr
    return not no_progress and stream.isatty()


class ProgressDisplay:
    """A context manager whose instances are the engine's `progress` callback."""

    def __init__(self, total: int, enabled: bool, console: Console | None = None) -> None:
        self._broken = 0
        self._bar: Progress | None = None
        if enabled:
            self._bar = _bar(console)
            self._task = self._bar.add_task("links", total=total, broken=0)

    def __enter__(self) -> ProgressDisplay:
        if self._bar is not None:
            self._bar.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._bar is not None:
            self._bar.stop()

    def __call__(self, result: LinkResult) -> None:
        self._broken += result.status is Status.BROKEN
        if self._bar is not None:
            self._bar.update(self._task, advance=1, broken=self._broken)


def _bar(console: Console | None) -> Progress:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    return Progress(
        TextColumn("checking links"), BarColumn(), MofNCompleteColumn(),
        TextColumn("[red]{task.fields[broken]} broken"), TimeElapsedColumn(),
        console=console or Console(stderr=True), transient=True,
    )


def summary_table(report: Report) -> Table:
    from rich.table import Table

    table = Table(title="link check summary", show_footer=True)
    table.add_column("status", footer="total")
    table.add_column("links", justify="right", footer=str(report.summary.total))
    for status, count in report.summary.counts.items():
        table.add_row(f"[{STATUS_STYLES[status]}]{status.value}[/]", str(count))
    return table


def summary_line(report: Report) -> str:
    counts = ", ".join(f"{n} {status.value}" for status, n in report.summary.counts.items() if n)
    return f"checked {report.summary.total} links: {counts or 'nothing to check'}"


def print_summary(report: Report, rich_output: bool, stream: TextIO | None = None) -> None:
    """The summary on stderr; an inconclusive run is said loudly, whatever the terminal."""
    stream = stream or sys.stderr
    if rich_output:
        from rich.console import Console
        from rich.panel import Panel

        console = Console(file=stream)
        console.print(summary_table(report))
        if report.inconclusive:
            console.print(Panel(f"[bold]{report.inconclusive_reason}[/]\nNothing should act on "
                                "this report.", title="INCONCLUSIVE RUN", style="bold red"))
        return
    print(summary_line(report), file=stream)
    if report.inconclusive:
        print(f"roadmap-bot check: INCONCLUSIVE RUN: {report.inconclusive_reason}; "
              "nothing should act on this report", file=stream)
