"""`roadmap-bot freshness`: when was each resource last updated, and has it gone stale."""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import sys
from datetime import UTC, date, datetime

from rich.console import Console
from rich.table import Table
from rich.text import Text

from bot.fileio import atomic_write_text
from bot.freshness.assess import assess, open_session
from bot.freshness.record import FreshnessRecord, freshness_to_json
from bot.freshness.settings import FreshnessSettings, load_settings
from bot.model import Report
from bot.report import json_report
from bot.roadmap.load import RoadmapDocument, load_roadmap

HELP = "show each resource's last update, where the date came from, and its staleness verdict"

VERDICT_STYLE = {"fresh": "green", "stale": "red", "broken": "bold red", "review": "yellow",
                 "unknown": "dim"}


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from exc


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("roadmap", nargs="?", default="roadmap.yaml", metavar="FILE")
    parser.add_argument("--report", metavar="REPORT.json",
                        help="a `check --format json` report whose page metadata to use")
    parser.add_argument("--format", default="table", choices=["table", "json"])
    parser.add_argument("--output", metavar="PATH", help="write there instead of stdout")
    parser.add_argument("--config", metavar="FILE")
    parser.add_argument("--today", type=_day, metavar="YYYY-MM-DD",
                        help="judge as of this day (default: today, UTC)")


async def _assess(document: RoadmapDocument, report: Report | None,
                  settings: FreshnessSettings, today: date) -> tuple[FreshnessRecord, ...]:
    async with open_session(settings) as session:
        return await assess(document, report, settings, session, today)


def table(records: tuple[FreshnessRecord, ...]) -> Table:
    grid = Table(title="Freshness", show_lines=False)
    for column in ("Resource", "Kind", "Last updated", "Date source", "Verdict", "Suggestion"):
        grid.add_column(column, overflow="fold")
    for record in records:
        verdict = record.verdict.value + (" (low)" if record.priority == "low" else "")
        # Text, not markup: titles and sources may hold brackets that rich would interpret.
        grid.add_row(Text(record.title), Text(record.kind), Text(record.last_updated or "-"),
                     Text(record.date_source or "-"),
                     Text(verdict, style=VERDICT_STYLE[record.verdict.value]),
                     Text(record.suggestion.text if record.suggestion else ""))
    return grid


def render(records: tuple[FreshnessRecord, ...], fmt: str, width: int = 200) -> str:
    """The records as JSON (the contract's mapping) or as a plain-text table."""
    if fmt == "json":
        return json.dumps(freshness_to_json(records), indent=2, ensure_ascii=False) + "\n"
    buffer = io.StringIO()
    Console(width=width, file=buffer, force_terminal=False).print(table(records))
    return buffer.getvalue()


def run(args: argparse.Namespace) -> int:
    document = load_roadmap(args.roadmap)
    report = json_report.load(args.report) if args.report else None
    # The environment is read here and only here; settings carry the token down.
    settings = load_settings(args.config, os.environ.get("GITHUB_TOKEN"))
    today = args.today or datetime.now(UTC).date()
    records = asyncio.run(_assess(document, report, settings, today))
    if args.format == "table" and not args.output and sys.stdout.isatty():
        Console().print(table(records))  # colours for a person at a terminal
    elif args.output:
        atomic_write_text(args.output, render(records, args.format))
    else:
        sys.stdout.write(render(records, args.format))
    return 0
