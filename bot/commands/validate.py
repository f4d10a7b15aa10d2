"""`roadmap-bot validate [FILE]`: one located line per problem in roadmap.yaml, exit 2 if any."""

from __future__ import annotations

import argparse
import sys

from bot.errors import InputError
from bot.roadmap.load import RoadmapError, load_roadmap

HELP = "check roadmap.yaml against the schema; print file:line:column: message per problem"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", nargs="?", default="roadmap.yaml", metavar="FILE")


def run(args: argparse.Namespace) -> int:
    try:
        document = load_roadmap(args.file)
    except RoadmapError as exc:
        for problem in exc.problems:
            print(problem.located(), file=sys.stderr)
        return 2
    except InputError as exc:
        print(exc.located(), file=sys.stderr)
        return 2
    count = len(document.lines)
    print(f"{args.file}: valid ({len(document.roadmap.sections)} sections, {count} resources)")
    return 0
