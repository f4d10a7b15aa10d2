"""`roadmap-bot init`: write the example workflows and a commented config into a repository."""

from __future__ import annotations

import argparse
import os

from bot.errors import InputError
from bot.fileio import atomic_write_text
from bot.scaffold import DEFAULT_REF, scaffold

HELP = "write a nightly and a pull-request workflow and a commented roadmap-bot.yaml"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("directory", nargs="?", default=".", metavar="DIR",
                        help="the repository's root (default: here)")
    parser.add_argument("--files", nargs="+", default=["README.md"], metavar="PATTERN",
                        help="the list's files or globs (default: README.md)")
    parser.add_argument("--ref", default=DEFAULT_REF,
                        help="the action's ref in `uses:`; a full commit SHA pins it "
                        f"(default: {DEFAULT_REF})")
    parser.add_argument("--force", action="store_true", help="overwrite files that exist")


def run(args: argparse.Namespace) -> int:
    planned = scaffold(args.files, args.ref)
    paths = {target: os.path.join(args.directory, target) for target in planned}
    existing = [path for path in paths.values() if os.path.exists(path)]
    if existing and not args.force:
        # All or nothing: a half-written set would reference a config it did not write.
        raise InputError("already exists (use --force to overwrite); nothing written",
                         existing[0])
    for target, text in planned.items():
        atomic_write_text(paths[target], text)
        print(f"wrote {paths[target]}")
    return 0
