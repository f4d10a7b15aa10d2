"""`roadmap-bot check`: check every link of the inputs and write a report (see CONTRACT.md)."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from dataclasses import replace

from bot.check.parallel import check_in_workers
from bot.check.progress import ProgressDisplay, print_summary, wants_progress
from bot.check.settings import CheckSettings, load_check_config
from bot.check.shards import Shard, lane_host, shard_extra
from bot.configfile import DEFAULT_CONFIG, config_path
from bot.errors import InputError, NotAvailableError
from bot.extract.collect import links_from_inputs
from bot.fileio import atomic_write_text
from bot.freshness.scrape import scrape_page
from bot.model import Link, Report
from bot.report import FORMATS, Renderer, gh_annotations

HELP = "check every link of roadmap.yaml, Markdown, HTML, text files or stdin"
MAX_DEFAULT_JOBS = 8  # more worker processes than this rarely pays on a shared runner


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("inputs", nargs="*", metavar="INPUT", default=["roadmap.yaml"])
    parser.add_argument("--format", default="json", choices=["json", "markdown", "sarif", "html"])
    parser.add_argument("--output", metavar="PATH")
    parser.add_argument("--concurrency", type=int, metavar="N",
                        help="requests in flight at once (default: config, else 64)")
    parser.add_argument("--per-host", type=int, metavar="N",
                        help="requests in flight per host (default: config, else 4)")
    parser.add_argument("--timeout", type=float, metavar="SECONDS",
                        help="time limit for one request (default: config, else 30)")
    parser.add_argument("--allow-private", action="store_true")
    parser.add_argument("--no-progress", action="store_true")
    parser.add_argument("--config", metavar="FILE",
                        help=f"config file (default: ./{DEFAULT_CONFIG} when it exists)")
    parser.add_argument("--deadline", type=float, metavar="SECONDS",
                        help="time limit for the whole run; unfinished links are error/deadline")
    parser.add_argument("--jobs", type=int, metavar="N",
                        help="worker processes, hosts dealt among them (default: the number "
                        f"of CPUs, at most {MAX_DEFAULT_JOBS}); the report does not depend on it")
    parser.add_argument("--shard", metavar="K/N",
                        help="check only the hosts of shard K of N (stable by host name); "
                        "`roadmap-bot merge` joins the N reports into the whole run's")


def jobs_from_args(args: argparse.Namespace) -> int:
    """`--jobs`, else the CPU count (read here, at the edge) capped at MAX_DEFAULT_JOBS."""
    jobs = getattr(args, "jobs", None)
    if jobs is None:
        return max(1, min(os.cpu_count() or 1, MAX_DEFAULT_JOBS))
    if jobs < 1:
        raise InputError("--jobs must be at least 1")
    return int(jobs)


def settings_from_args(args: argparse.Namespace) -> CheckSettings:
    """Config file first, then the flags given on the command line."""
    settings = load_check_config(config_path(args.config))
    overrides: dict[str, object] = {}
    for flag, name in (("concurrency", "concurrency"), ("per_host", "per_host")):
        value = getattr(args, flag, None)
        if value is not None:
            if value < 1:
                raise InputError(f"--{flag.replace('_', '-')} must be at least 1")
            overrides[name] = value
    overrides.update(_timeouts(settings, getattr(args, "timeout", None)))
    deadline = getattr(args, "deadline", None)
    if deadline is not None:
        overrides["run_deadline"] = _positive("--deadline", deadline)
    if args.allow_private:
        overrides["allow_private"] = True
    return replace(settings, **overrides)  # type: ignore[arg-type]


def _timeouts(settings: CheckSettings, timeout: float | None) -> dict[str, float]:
    if timeout is None:
        return {}
    total = _positive("--timeout", timeout)
    return {"total_timeout": total, "connect_timeout": min(settings.connect_timeout, total),
            "first_byte_timeout": min(settings.first_byte_timeout, total),
            "body_timeout": min(settings.body_timeout, total)}


def _positive(flag: str, value: float) -> float:
    if not value > 0:
        raise InputError(f"{flag} must be a positive number of seconds")
    return value


def _shard_links(links: list[Link], settings: CheckSettings, shard: Shard | None
                 ) -> tuple[list[Link], list[int]]:
    """The links this run checks, and their positions among all the inputs' links."""
    if shard is None:
        return links, list(range(len(links)))
    positions = shard.positions([lane_host(link, settings) for link in links])
    return [links[at] for at in positions], positions


def renderer_for(name: str) -> Renderer:
    renderer = FORMATS.get(name)
    if renderer is None:
        raise NotAvailableError(f"the {name} report format is not built yet")
    return renderer


def write_report(text: str, output: str | None) -> None:
    if output:
        atomic_write_text(output, text)
    else:
        sys.stdout.write(text)


def run(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    jobs = jobs_from_args(args)
    renderer = renderer_for(args.format)
    shard = Shard.parse(args.shard) if getattr(args, "shard", None) else None
    links = links_from_inputs(args.inputs, sys.stdin)
    mine, positions = _shard_links(links, settings, shard)
    show = wants_progress(args.no_progress)
    with ProgressDisplay(len(mine), show) as progress:
        report: Report = asyncio.run(check_in_workers(
            mine, settings, jobs, inputs=args.inputs, page_hook=scrape_page, progress=progress,
        ))
    if shard is not None:
        report = replace(report, extra={**report.extra,
                                        **shard_extra(shard, positions, len(links))})
    write_report(renderer(report), args.output)
    if args.output and os.environ.get("GITHUB_ACTIONS") == "true":
        # Annotations go to stdout, so only when stdout does not carry the report itself.
        sys.stdout.write(gh_annotations.render(report))
    print_summary(report, rich_output=show)
    return 1 if report.has_broken else 0
