"""`roadmap-bot merge`: join the reports of a sharded run (`check --shard K/N`) into the report
one unsharded run would have written."""

from __future__ import annotations

import argparse

from bot.check.engine import build_report
from bot.check.shards import plan_merge
from bot.commands.check import renderer_for, write_report
from bot.report import json_report

HELP = "join the JSON reports of `check --shard K/N` runs into one report, as one run's"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("reports", nargs="+", metavar="REPORT")
    parser.add_argument("--format", default="json", choices=["json", "markdown", "sarif", "html"])
    parser.add_argument("--output", metavar="PATH")


def run(args: argparse.Namespace) -> int:
    renderer = renderer_for(args.format)
    plan = plan_merge([(path, json_report.load(path)) for path in args.reports])
    report = build_report(plan.inputs, plan.generated_at, plan.results, plan.throttling)
    write_report(renderer(report), args.output)
    return 0
