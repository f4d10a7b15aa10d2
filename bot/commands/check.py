"""`roadmap-bot check`: check every link of the inputs and write a report (see CONTRACT.md)."""

from __future__ import annotations

import argparse

from bot.errors import NotAvailableError

HELP = "check every link of roadmap.yaml, Markdown, HTML, text files or stdin"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("inputs", nargs="*", metavar="INPUT", default=["roadmap.yaml"])
    parser.add_argument("--format", default="json", choices=["json", "markdown", "sarif", "html"])
    parser.add_argument("--output", metavar="PATH")
    parser.add_argument("--concurrency", type=int, default=64, metavar="N")
    parser.add_argument("--per-host", type=int, default=4, metavar="N")
    parser.add_argument("--timeout", type=float, default=20.0, metavar="SECONDS")
    parser.add_argument("--allow-private", action="store_true")
    parser.add_argument("--no-progress", action="store_true")
    parser.add_argument("--config", metavar="FILE")


def run(args: argparse.Namespace) -> int:
    raise NotAvailableError("the link checker arrives with issue 3")
