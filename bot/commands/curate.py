"""`roadmap-bot curate`: turn a report into GitHub issues and a fixes pull request."""

from __future__ import annotations

import argparse

from bot.errors import NotAvailableError

HELP = "open, update and close GitHub issues and the fixes PR from a report"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--report", required=True, metavar="FILE")
    parser.add_argument("--dry-run", action="store_true")
    parser.add_argument("--config", metavar="FILE")


def run(args: argparse.Namespace) -> int:
    raise NotAvailableError("curation arrives with issue 5")
