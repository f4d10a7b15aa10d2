"""The command line: parses argv, dispatches to one module per subcommand, maps errors to exits."""

from __future__ import annotations

import argparse
import atexit
import contextlib
import importlib
import os
import sys
from collections.abc import Iterable, Sequence
from types import ModuleType
from typing import NoReturn

from bot import __version__, collector
from bot.errors import BotError, InputError, NotAvailableError

# Subcommand name -> its one-line help. Each name is a module under bot.commands with HELP,
# add_arguments and run; only the chosen one is imported, so `check` does not pay for the
# GitHub and curate stacks. The texts copy each module's HELP (tests/test_cli.py keeps them equal).
COMMANDS: dict[str, str] = {
    "check": "check every link of roadmap.yaml, Markdown, HTML, text files or stdin",
    "explain": "check one URL and print each request, redirect and the rule that decided",
    "validate": "check roadmap.yaml against the schema; print file:line:column: message per "
    "problem",
    "render": "render roadmap.yaml into README.md between the markers (--check: fail if out of "
    "date)",
    "schema": "write the JSON Schema of roadmap.yaml (default schema/roadmap.schema.json; "
    "'-' for stdout)",
    "freshness": "show each resource's last update, where the date came from, and its staleness "
    "verdict",
    "curate": "open, update and close GitHub issues and the fixes PR from a report",
    "run": "the nightly job: check + freshness + history + curate",
    "respond": "answer a maintainer's /roadmap-bot comment (reads the Actions issue_comment "
    "event)",
    "check_changed": "check only the links that differ between two versions of roadmap.yaml "
    "(for PRs)",
    "init": "write a nightly and a pull-request workflow and a commented roadmap-bot.yaml",
    "merge": "join the JSON reports of `check --shard K/N` runs into one report, as one run's",
}

EXIT_OK = 0
EXIT_BAD_INPUT = 2
EXIT_FAILURE = 3


def command_module(name: str) -> ModuleType:
    """The module of subcommand `name` (module spelling: ``check_changed``)."""
    return importlib.import_module(f"bot.commands.{name}")


def cli_name(name: str) -> str:
    """The spelling on the command line: module check_changed -> `roadmap-bot check-changed`."""
    return name.replace("_", "-")


def chosen_command(argv: Sequence[str]) -> str | None:
    """The module name of the subcommand in `argv`, or None. The top-level options take no
    value, so the subcommand is the first argument that is not an option."""
    for arg in argv:
        if not arg.startswith("-"):
            name = arg.replace("-", "_")
            return name if name in COMMANDS and cli_name(name) == arg else None
    return None


def build_parser(load: Iterable[str] | None = None) -> argparse.ArgumentParser:
    """The parser listing every subcommand; only those in `load` (default: all) get their
    module imported for their arguments and handler."""
    loaded = set(COMMANDS if load is None else load)
    parser = argparse.ArgumentParser(
        prog="roadmap-bot",
        description="Checks the roadmap's links and freshness, and keeps GitHub issues and a "
        "fixes pull request about them.",
    )
    parser.add_argument("--version", action="version", version=f"roadmap-bot {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, help_text in COMMANDS.items():
        sub = subparsers.add_parser(cli_name(name), help=help_text, description=help_text)
        if name in loaded:
            module = command_module(name)
            module.add_arguments(sub)
            sub.set_defaults(handler=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    return run_command(parse_command_line(argv))


def parse_command_line(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The arguments, parsed after importing the chosen subcommand's modules."""
    arguments = sys.argv[1:] if argv is None else list(argv)
    chosen = chosen_command(arguments)
    return build_parser([] if chosen is None else [chosen]).parse_args(arguments)


def run_command(args: argparse.Namespace) -> int:
    """The subcommand's exit code; a bad input or a failure reported on one line."""
    try:
        code: int = args.handler(args)
    except InputError as exc:
        print(f"roadmap-bot: {exc.located()}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except NotAvailableError as exc:
        print(f"roadmap-bot {args.command}: not yet available: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BotError as exc:
        print(f"roadmap-bot {args.command}: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        print("roadmap-bot: interrupted", file=sys.stderr)
        return 130
    return code


def console() -> NoReturn:
    """The `roadmap-bot` command and `python -m bot`: `main`, then an exit that skips tearing
    the interpreter down. Freeing a 10,000-link run's objects and modules one by one costs
    about 60 ms of CPU for nothing: by now every file is written and closed and every worker
    joined, so the exit handlers run and the standard streams are flushed, and that is all.

    The imports run with the garbage collector paused, and what they built is then frozen
    out of its sight: modules and classes live as long as the process, and a collection
    would only scan them again (in-process callers, the tests, keep the default)."""
    with collector.paused():
        args = parse_command_line()
        # Before the collector is back: its first young collection would scan them all.
        collector.settle_from_now_on()
    code = run_command(args)
    atexit._run_exitfuncs()  # logging's flush, executors' threads: as a normal exit runs them
    for stream in (sys.stdout, sys.stderr):
        # A reader that hung up, or a stream the caller closed, has nothing left to receive.
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)
