"""`roadmap-bot schema`: export the JSON Schema of roadmap.yaml from the typed models."""

from __future__ import annotations

import argparse
import json

from bot.fileio import atomic_write_text
from bot.roadmap.schema import SCHEMA_PATH, json_schema

HELP = f"write the JSON Schema of roadmap.yaml (default {SCHEMA_PATH}; '-' for stdout)"


def schema_text() -> str:
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--output", default=SCHEMA_PATH, metavar="PATH")


def run(args: argparse.Namespace) -> int:
    if args.output == "-":
        print(schema_text(), end="")
    else:
        atomic_write_text(args.output, schema_text())
    return 0
