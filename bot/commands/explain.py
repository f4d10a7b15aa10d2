"""`roadmap-bot explain URL`: check one URL and show every step that led to its verdict."""

from __future__ import annotations

import argparse
import asyncio
import os
from datetime import UTC, datetime

from bot.check.engine import explain_url, prescreen
from bot.check.explain_text import explain_lines
from bot.check.http import checked_url, strip_userinfo
from bot.check.observation import Observation, Verdict
from bot.check.settings import CheckSettings
from bot.commands.check import settings_from_args
from bot.configfile import config_path
from bot.freshness.settings import load_settings
from bot.model import Link, LinkResult, Report, Status
from bot.verify.explain_text import second_opinion_lines
from bot.verify.settings import load_verify_config
from bot.verify.stage import verify

HELP = "check one URL and print each request, redirect and the rule that decided"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("url", metavar="URL")
    parser.add_argument("--allow-private", action="store_true")
    parser.add_argument("--timeout", type=float, metavar="SECONDS",
                        help="time limit for one request (default: config, else 30)")
    parser.add_argument("--config", metavar="FILE")
    parser.add_argument("--no-verify", action="store_true",
                        help="do not ask for a second opinion on a link the check cannot see")


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
    if not args.no_verify and skipped is None:
        for line in asyncio.run(_second_opinion(args, settings, verdict)):
            print(line)
    return 1 if verdict.status is Status.BROKEN else 0


async def _second_opinion(args: argparse.Namespace, settings: CheckSettings,
                          verdict: Verdict) -> list[str]:
    """What the second-opinion stage would say of this one link tonight (no memory)."""
    config = config_path(args.config)
    url = checked_url(args.url)[0]
    target, remap = settings.remap(url)
    metadata = {"checked_as": target, "remap": remap} if remap else {}
    now = datetime.now(UTC)
    result = LinkResult(url, verdict.status, verdict.reason, metadata=metadata)
    verified = await verify(Report((url,), now, (result,)), load_verify_config(config), settings,
                            load_settings(config, os.environ.get("GITHUB_TOKEN")), now=now)
    return second_opinion_lines(verified.traces.get(url, ()), verified.report.links[0])
