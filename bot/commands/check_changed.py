"""`roadmap-bot check-changed`: check only the links a pull request added or changed."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys

from bot.check.engine import check_links
from bot.commands.check import settings_from_args
from bot.errors import InputError
from bot.extract.roadmap import extract_roadmap
from bot.fileio import atomic_write_text
from bot.model import Report, Status
from bot.prcheck import links_changed, select
from bot.report import gh_annotations, markdown
from bot.roadmap.load import read_text

HELP = "check only the links that differ between two versions of roadmap.yaml (for PRs)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--base", required=True, metavar="FILE",
                        help="roadmap.yaml as on the base branch (missing file: all links new)")
    parser.add_argument("--head", default="roadmap.yaml", metavar="FILE",
                        help="roadmap.yaml as in the pull request; findings point at its lines")
    parser.add_argument("--output", metavar="PATH", help="also write the Markdown report here")
    parser.add_argument("--annotations", choices=["auto", "always", "never"], default="auto",
                        help="print ::error/::warning lines (auto: when GITHUB_ACTIONS is set)")
    parser.add_argument("--timeout", type=float, metavar="SECONDS")
    parser.add_argument("--allow-private", action="store_true")
    parser.add_argument("--config", metavar="FILE",
                        help="config file (default: ./roadmap-bot.yaml when it exists)")


def _base_text(path: str) -> str:
    # A pull request that adds roadmap.yaml has no base version: every link is new.
    return read_text(path) if os.path.exists(path) else ""


def _wants_annotations(choice: str) -> bool:
    return choice == "always" or (choice == "auto" and os.environ.get("GITHUB_ACTIONS") == "true")


def run(args: argparse.Namespace) -> int:
    occurrences = extract_roadmap(args.head)  # validates the head: located error, exit 2
    try:
        changed = links_changed(_base_text(args.base), read_text(args.head))
    except InputError as exc:
        raise InputError(exc.message, args.head, exc.line, exc.column) from exc
    links = select(occurrences, changed)
    if not links:
        print(f"{args.head}: no added or changed links to check")
        return 0
    report = asyncio.run(check_links(links, settings_from_args(args), inputs=[args.head]))
    _emit(report, args)
    if report.inconclusive:
        # The runner looks offline: failing the pull request would be crying wolf.
        return 0
    return 1 if report.has_broken else 0


def _emit(report: Report, args: argparse.Namespace) -> None:
    for result in report.links:
        for source in result.sources:
            where = f"{source.file}:{source.line}" if source.line else source.file
            print(f"{where}: {result.status.value} ({result.reason}) {result.url}")
    broken = report.summary.counts[Status.BROKEN]
    print(f"checked {report.summary.total} added or changed links: {broken} broken")
    if _wants_annotations(args.annotations):
        sys.stdout.write(gh_annotations.render(report))
    if args.output:
        atomic_write_text(args.output, markdown.render(report))
