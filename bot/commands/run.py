"""`roadmap-bot run`: the nightly job: check, freshness, history and curation in one go."""

from __future__ import annotations

import argparse

from bot.errors import NotAvailableError

HELP = "the nightly job: check + freshness + history + curate"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("roadmap", nargs="?", default="roadmap.yaml", metavar="FILE")
    parser.add_argument("--dry-run", action="store_true")
    parser.add_argument("--config", metavar="FILE")


def run(args: argparse.Namespace) -> int:
    raise NotAvailableError("the nightly run arrives with issue 5")
