"""`roadmap-bot explain URL`: check one URL and show every step that led to its verdict."""

from __future__ import annotations

import argparse

from bot.errors import NotAvailableError

HELP = "check one URL and print each request, redirect and the rule that decided"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("url", metavar="URL")
    parser.add_argument("--allow-private", action="store_true")
    parser.add_argument("--timeout", type=float, default=20.0, metavar="SECONDS")
    parser.add_argument("--config", metavar="FILE")


def run(args: argparse.Namespace) -> int:
    raise NotAvailableError("explain arrives with the link checker (issue 3)")
