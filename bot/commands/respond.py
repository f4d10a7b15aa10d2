"""`roadmap-bot respond`: answer a maintainer's `/roadmap-bot` comment (the issue_comment
workflow), from the event Actions hands over, or from a saved payload by hand."""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime

from bot.check.settings import load_check_config
from bot.commands.curate import context_from_env, github_from_env
from bot.configfile import config_path
from bot.curate.github_adapter import GitHubAdapter
from bot.curate.settings import load_curate_config
from bot.errors import InputError
from bot.respond.answer import Outcome, Setup, respond
from bot.respond.event import read_event
from bot.respond.probe import EngineProbe

HELP = "answer a maintainer's /roadmap-bot comment (reads the Actions issue_comment event)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--event", metavar="FILE",
                        help="the event payload (default: $GITHUB_EVENT_PATH)")
    parser.add_argument("--config", metavar="FILE")
    parser.add_argument("--allow-private", action="store_true",
                        help="let recheck/replace/explain request private addresses (tests)")


def answer(args: argparse.Namespace, env: Mapping[str, str], now: datetime) -> Outcome:
    """Everything but the printing: the environment is read here and passed down."""
    path = args.event or env.get("GITHUB_EVENT_PATH", "")
    if not path:
        raise InputError("no event: set GITHUB_EVENT_PATH or pass --event FILE")
    event = read_event(env.get("GITHUB_EVENT_NAME", "issue_comment"), path)
    if event is None:
        return Outcome("not a new issue comment: nothing to do")
    config = config_path(args.config)
    curate = load_curate_config(config)
    github = github_from_env(env, curate)
    if github is None:
        raise InputError("GITHUB_TOKEN and GITHUB_REPOSITORY must be set to answer a comment")
    check = load_check_config(config)
    if args.allow_private:
        check = replace(check, allow_private=True)
    setup = Setup(curate, context_from_env(env), now)
    return respond(event, GitHubAdapter(github), EngineProbe(check), setup)


def run(args: argparse.Namespace) -> int:
    outcome = answer(args, os.environ, datetime.now(UTC))
    print(f"roadmap-bot respond: {outcome.note}")
    return 0
