"""`roadmap-bot explain URL`: check one URL and show every step that led to its verdict."""

from __future__ import annotations

import argparse
import asyncio

from bot.check.engine import explain_url, prescreen
from bot.check.explain_text import explain_lines
from bot.check.http import strip_userinfo
from bot.check.observation import Observation, Verdict
from bot.commands.check import settings_from_args
from bot.model import Link, Status

HELP = "check one URL and print each request, redirect and the rule that decided"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("url", metavar="URL")
    parser.add_argument("--allow-private", action="store_true")
    parser.add_argument("--timeout", type=float, metavar="SECONDS",
                        help="time limit for one request (default: config, else 30)")
    parser.add_argument("--config", metavar="FILE")


def run(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    skipped = prescreen(Link(args.url), settings)
    if skipped is not None:
        observation = Observation(url=strip_userinfo(args.url))
        verdict = Verdict(skipped.status, skipped.reason, f"prescreen:{skipped.reason}",
                          "not requested: " + skipped.reason.replace("_", " "))
        shell = None
    else:
        observation, verdict, shell = asyncio.run(explain_url(args.url, settings))
    for line in explain_lines(observation, verdict, shell):
        print(line)
    return 1 if verdict.status is Status.BROKEN else 0
