"""`roadmap-bot freshness`: when was each resource last updated, and has it gone stale."""

from __future__ import annotations

import argparse

from bot.errors import NotAvailableError

HELP = "show each resource's last update, where the date came from, and its staleness verdict"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("roadmap", nargs="?", default="roadmap.yaml", metavar="FILE")
    parser.add_argument("--config", metavar="FILE")


def run(args: argparse.Namespace) -> int:
    raise NotAvailableError("freshness arrives with issue 4")
