"""`roadmap-bot check`: check every link of the inputs and write a report (see CONTRACT.md)."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from contextlib import suppress
from dataclasses import replace
from pathlib import Path

from bot import collector
from bot.check.parallel import check_in_workers
from bot.check.progress import ProgressDisplay, print_summary, wants_progress
from bot.check.settings import CheckSettings, load_check_config
from bot.check.shards import Shard, lane_host, shard_extra
from bot.configfile import DEFAULT_CONFIG, config_path
from bot.cpu_limit import cgroup_cpus
from bot.errors import InputError, NotAvailableError
from bot.extract.collect import links_from_inputs, occurrences_of
from bot.fileio import atomic_write_text
from bot.freshness.scrape import scrape_page
from bot.model import Link, Report
from bot.report import FORMATS, Renderer, gh_annotations
from bot.report.files import parse_formats, write_reports
from bot.sources.files import resolve_inputs
from bot.sources.settings import load_source_config

HELP = "check every link of roadmap.yaml, Markdown, HTML, text files or stdin"
MAX_DEFAULT_JOBS = 8  # more worker processes than this rarely pays on a shared runner


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("inputs", nargs="*", metavar="INPUT", default=[],
                        help="files or globs (default: `source.files` of the config, else "
                        "roadmap.yaml, else README.md)")
    parser.add_argument("--format", default="json", metavar="{json,markdown,sarif,html}",
                        help="the report's format; with --reports-dir, a list (json,markdown)")
    parser.add_argument("--output", metavar="PATH")
    parser.add_argument("--reports-dir", metavar="DIR",
                        help="write each --format to DIR (latest.json, latest.md, latest.sarif, "
                        "index.html) instead of --output")
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
    parser.add_argument("--baseline", metavar="DIR",
                        help="check only links whose URL none of DIR's copies of the inputs has "
                        "(a pull request's base checked out there); a file missing there is new")
    parser.add_argument("--deadline", type=float, metavar="SECONDS",
                        help="time limit for the whole run; unfinished links are error/deadline")
    parser.add_argument("--no-verify", action="store_true",
                        help="no second opinion (public page, provider, Internet Archive) on "
                             "links the check cannot see")
    parser.add_argument("--jobs", type=int, metavar="N",
                        help="processes that check, hosts dealt among them (default: the CPUs "
                        f"this process may use, at most {MAX_DEFAULT_JOBS}); the report does not "
                        "depend on it")
    parser.add_argument("--shard", metavar="K/N",
                        help="check only the hosts of shard K of N (stable by host name); "
                        "`roadmap-bot merge` joins the N reports into the whole run's")


def usable_cpus(root: Path = Path("/")) -> int:
    """The CPUs this process may run on: fewer than the machine's under `taskset` or a
    container's cpuset, and no more than its cgroup's CPU limit (`docker run --cpus`), where
    a worker per machine CPU would only take turns (`root`: where /proc and /sys are)."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # no affinity on this platform (macOS, Windows)
        cpus = os.cpu_count() or 1
    limit = cgroup_cpus(root)
    return cpus if limit is None else min(cpus, limit)


def jobs_from_args(args: argparse.Namespace) -> int:
    """`--jobs`, else the usable CPUs (read here, at the edge) capped at MAX_DEFAULT_JOBS."""
    jobs = getattr(args, "jobs", None)
    if jobs is None:
        return max(1, min(usable_cpus(), MAX_DEFAULT_JOBS))
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


def formats_from_args(args: argparse.Namespace) -> tuple[str, ...]:
    formats = parse_formats(args.format)
    if len(formats) > 1 and not args.reports_dir:
        raise InputError("several formats need --reports-dir")
    if args.reports_dir and args.output:
        raise InputError("give --output or --reports-dir, not both")
    return formats


def baseline_urls(inputs: list[str], baseline: str) -> frozenset[str]:
    """The URLs the inputs' baseline copies had, in any of them (a URL already listed was
    checked every night already). An unreadable copy counts as empty: its links are checked
    rather than waved through."""
    known: set[str] = set()
    for path in inputs:
        base = os.path.join(baseline, path)
        if path != "-" and os.path.isfile(base):
            with suppress(InputError):
                known.update(occurrence.url.strip() for occurrence in occurrences_of(base))
    return frozenset(known)


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


async def _verified(report: Report, settings: CheckSettings, config: str | None) -> Report:
    """Second opinions on the links the check could not see (no history here: nothing is
    remembered, and `error` links are left alone). The stage and its providers are imported
    here, after the check, so that they add nothing to the time before the first request."""
    from bot.freshness.settings import load_settings
    from bot.verify.settings import load_verify_config
    from bot.verify.stage import verify

    freshness = load_settings(config, os.environ.get("GITHUB_TOKEN"))
    verified = await verify(report, load_verify_config(config), settings, freshness,
                            now=report.generated_at)
    return verified.report


def run(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    jobs = jobs_from_args(args)
    formats = formats_from_args(args)
    renderer = renderer_for(formats[0])
    shard = Shard.parse(args.shard) if getattr(args, "shard", None) else None
    inputs = resolve_inputs(args.inputs, load_source_config(config_path(args.config)))
    links = links_from_inputs(inputs, sys.stdin)
    if args.baseline:
        from bot.prcheck import new_links  # its roadmap stack is not needed before requests

        links = new_links(links, baseline_urls(inputs, args.baseline))
    mine, positions = _shard_links(links, settings, shard)
    show = wants_progress(args.no_progress)
    with ProgressDisplay(len(mine), show) as progress:
        report: Report = asyncio.run(check_in_workers(
            mine, settings, jobs, inputs=inputs, page_hook=scrape_page, progress=progress,
        ))
    if shard is not None:
        report = replace(report, extra={**report.extra,
                                        **shard_extra(shard, positions, len(links))})
    if not args.no_verify:
        report = asyncio.run(_verified(report, settings, config_path(args.config)))
    if args.reports_dir:
        write_reports(report, args.reports_dir, print, formats)
    else:
        with collector.paused():  # 10,000 links' dicts and strings, no cycle among them
            text = renderer(report)
        write_report(text, args.output)
    to_file = bool(args.output or args.reports_dir)
    if to_file and os.environ.get("GITHUB_ACTIONS") == "true":
        # Annotations go to stdout, so only when stdout does not carry the report itself.
        sys.stdout.write(gh_annotations.render(report))
    print_summary(report, rich_output=show)
    return 1 if report.has_broken else 0
