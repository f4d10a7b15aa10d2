"""The command line: parses argv, dispatches to one module per subcommand, maps errors to exits."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from types import ModuleType

from bot import __version__
from bot.errors import BotError, InputError, NotAvailableError

# Subcommand name -> module under bot.commands; each module has HELP, add_arguments and run.
COMMANDS: tuple[str, ...] = (
    "check",
    "explain",
    "validate",
    "render",
    "schema",
    "freshness",
    "curate",
    "run",
    "check_changed",
)

EXIT_OK = 0
EXIT_BAD_INPUT = 2
EXIT_FAILURE = 3


def _command_module(name: str) -> ModuleType:
    return importlib.import_module(f"bot.commands.{name}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="roadmap-bot",
        description="Checks the roadmap's links and freshness, and keeps GitHub issues and a "
        "fixes pull request about them.",
    )
    parser.add_argument("--version", action="version", version=f"roadmap-bot {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        module = _command_module(name)
        cli_name = name.replace("_", "-")  # module check_changed -> `roadmap-bot check-changed`
        sub = subparsers.add_parser(cli_name, help=module.HELP, description=module.HELP)
        module.add_arguments(sub)
        sub.set_defaults(handler=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
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
