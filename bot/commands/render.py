"""`roadmap-bot render [--check]`: write the roadmap from roadmap.yaml into README.md."""

from __future__ import annotations

import argparse
import difflib
import sys

from bot.fileio import atomic_write_text
from bot.roadmap.load import load_roadmap, read_text
from bot.roadmap.render import render_roadmap, splice

HELP = "render roadmap.yaml into README.md between the markers (--check: fail if out of date)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--roadmap", default="roadmap.yaml", metavar="FILE")
    parser.add_argument("--readme", default="README.md", metavar="FILE")
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 and show the differing lines if out of date")


def run(args: argparse.Namespace) -> int:
    document = load_roadmap(args.roadmap)
    current = read_text(args.readme)
    wanted = splice(current, render_roadmap(document.roadmap), args.readme)
    if wanted == current:
        print(f"{args.readme} is up to date")
        return 0
    if args.check:
        diff = difflib.unified_diff(current.splitlines(), wanted.splitlines(),
                                    f"{args.readme} (on disk)", f"{args.readme} (rendered)",
                                    lineterm="")
        print(f"{args.readme} is out of date with {args.roadmap}; run `roadmap-bot render`:",
              file=sys.stderr)
        for line in diff:
            print(line, file=sys.stderr)
        return 1
    atomic_write_text(args.readme, wanted)
    print(f"{args.readme} rendered from {args.roadmap}")
    return 0
