"""`roadmap-bot run`: the nightly job: check, freshness, history and curation in one go."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from bot.check.parallel import check_in_workers
from bot.check.settings import CheckSettings, load_check_config
from bot.commands.check import jobs_from_args
from bot.commands.curate import adapter, context_from_env, texts_for
from bot.configfile import config_path
from bot.curate.github_adapter import GitHubAdapter
from bot.curate.issue_text import Context
from bot.curate.judge import outage_reason
from bot.curate.pipeline import curate
from bot.curate.plan import Action
from bot.curate.settings import CurateSettings, load_curate_config
from bot.extract.collect import links_from_inputs
from bot.fileio import atomic_write_text
from bot.freshness.assess import assess, open_session
from bot.freshness.record import freshness_to_json
from bot.freshness.scrape import scrape_page
from bot.freshness.settings import FreshnessSettings, load_settings
from bot.history import store
from bot.history.fold import fold, validators
from bot.history.model import History
from bot.model import Link, Report
from bot.report import FORMATS, gh_annotations, json_report
from bot.roadmap.load import load_roadmap

HELP = "the nightly job: check + freshness + history + curate"

# Report files written each run, by format name; a format not registered is skipped.
REPORT_FILES = {"json": "latest.json", "markdown": "latest.md", "sarif": "latest.sarif",
                "html": "index.html"}
Clock = Callable[[], datetime]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("roadmap", nargs="?", default="roadmap.yaml", metavar="FILE")
    parser.add_argument("--dry-run", action="store_true",
                        help="print every planned action; write no file and nothing on GitHub")
    parser.add_argument("--config", metavar="FILE")
    parser.add_argument("--history", metavar="FILE", default=store.DEFAULT_PATH)
    parser.add_argument("--reports-dir", metavar="DIR", default="reports")
    parser.add_argument("--allow-private", action="store_true")
    parser.add_argument("--only-section", metavar="N", help="check only section N (e.g. 1.2)")
    parser.add_argument("--only-url", metavar="URL", action="append",
                        help="check only this URL (repeatable)")
    parser.add_argument("--jobs", type=int, metavar="N",
                        help="worker processes for the check (default: the number of CPUs, "
                        "at most 8)")
    parser.add_argument("--checked", metavar="REPORT",
                        help="take the link verdicts from this JSON report (e.g. the `merge` of "
                        "a sharded check) instead of checking")


@dataclass(frozen=True, slots=True)
class RunOptions:
    """One nightly run, resolved from argv, config and environment."""

    roadmap: str
    history_path: str
    reports_dir: str
    check: CheckSettings
    freshness: FreshnessSettings
    curate: CurateSettings
    context: Context
    dry_run: bool = False
    only_section: str | None = None
    only_urls: tuple[str, ...] = ()
    checked: str | None = None  # a report already checked (sharded runs), read not re-checked
    jobs: int = 1  # worker processes for the check

    @property
    def partial(self) -> bool:
        return self.only_section is not None or bool(self.only_urls)


def select(links: list[Link], options: RunOptions) -> list[Link]:
    """The links this run checks, plus the canaries that vouch for the network."""
    chosen = links
    if options.only_urls:
        chosen = [link for link in chosen if link.url in options.only_urls]
    if options.only_section is not None:
        prefix = options.only_section.rstrip(".")
        chosen = [link for link in chosen if any(
            (s.section or "").split(" ")[0].rstrip(".") in (prefix,)
            or (s.section or "").startswith(prefix + ".") for s in link.sources)]
    known = {link.url for link in chosen}
    return chosen + [Link(url) for url in options.curate.canaries if url not in known]


async def check_and_assess(links: list[Link], history: History, options: RunOptions,
                           clock: Clock) -> tuple[Report, dict[str, dict[str, Any]] | None]:
    if options.checked:
        report = json_report.load(options.checked)
    else:
        report = await check_in_workers(links, options.check, options.jobs,
                                        inputs=[options.roadmap], page_hook=scrape_page,
                                        validators=validators(history), clock=clock)
    reason = outage_reason(report, options.curate)
    if reason is not None:  # nothing after this point may act on the run
        return replace(report, inconclusive=True, inconclusive_reason=reason), None
    if options.partial:
        return report, None
    return report, await freshness_of(options, report, clock)


async def freshness_of(options: RunOptions, report: Report, clock: Clock
                       ) -> dict[str, dict[str, Any]] | None:
    """The freshness records, or None if assessing failed: then no stale issue is touched."""
    document = load_roadmap(options.roadmap)
    try:
        async with open_session(options.freshness) as session:
            records = await assess(document, report, options.freshness, session, clock().date())
    except Exception as exc:  # a freshness bug must not cost the link issues or the history
        print(f"freshness failed ({type(exc).__name__}); stale issues are left as they are",
              file=sys.stderr)
        return None
    return freshness_to_json(records)


def previous_summary(reports_dir: str) -> dict[str, Any] | None:
    try:
        with open(os.path.join(reports_dir, REPORT_FILES["json"]), encoding="utf-8") as handle:
            summary = json.load(handle).get("summary")
    except (OSError, ValueError, AttributeError):
        return None
    return summary if isinstance(summary, dict) else None


def with_extras(report: Report, history: History, freshness: Mapping[str, Any] | None,
                previous: dict[str, Any] | None) -> Report:
    sparkline = {url: marks for url, marks in history.sparkline().items()
                 if url in {link.url for link in report.links}}
    extra = {**report.extra, "freshness": dict(freshness or {}), "history": sparkline,
             "previous_summary": previous}
    return replace(report, extra=extra)


def write_reports(report: Report, reports_dir: str, echo: Callable[[str], None]) -> None:
    for name, filename in REPORT_FILES.items():
        renderer = FORMATS.get(name)
        if renderer is None:
            continue
        try:
            text = renderer(report)
        except Exception as exc:  # a broken dashboard must not stop the issues and the PR
            if name == "json":
                raise
            echo(f"could not render the {name} report: {type(exc).__name__}: {exc}")
            continue
        atomic_write_text(os.path.join(reports_dir, filename), text)


def nightly(options: RunOptions, github: GitHubAdapter | None, clock: Clock,
            echo: Callable[[str], None] = print) -> tuple[Report, list[Action]]:
    """The whole run; with `dry_run` it reads everything and writes nothing."""
    links = select(links_from_inputs([options.roadmap]), options)
    if options.dry_run:
        return _run_locked(options, links, github, clock, echo)
    with store.locked(options.history_path):
        return _run_locked(options, links, github, clock, echo)


def _run_locked(options: RunOptions, links: list[Link], github: GitHubAdapter | None,
                clock: Clock, echo: Callable[[str], None]) -> tuple[Report, list[Action]]:
    history = store.load(options.history_path)
    report, freshness = asyncio.run(check_and_assess(links, history, options, clock))
    now = report.generated_at
    history = fold(history, report, now, freshness, prune=not options.partial)
    report = with_extras(report, history, freshness, previous_summary(options.reports_dir))
    if not options.dry_run:
        changed = store.save(options.history_path, history)
        echo(f"history {'updated' if changed else 'unchanged'}: {options.history_path}")
        write_reports(report, options.reports_dir, echo)
    actions = curate(report, history, freshness, texts_for(options.curate, options.roadmap), now,
                     options.curate, options.context, github, dry_run=options.dry_run,
                     partial=options.partial, echo=echo)
    return report, actions


def options_from_args(args: argparse.Namespace, env: Mapping[str, str]) -> RunOptions:
    config = config_path(args.config)
    check = load_check_config(config)
    if args.allow_private:
        check = replace(check, allow_private=True)
    return RunOptions(
        roadmap=args.roadmap, history_path=args.history, reports_dir=args.reports_dir,
        check=check, freshness=load_settings(config, env.get("GITHUB_TOKEN")),
        curate=load_curate_config(config), context=context_from_env(env), dry_run=args.dry_run,
        only_section=args.only_section, only_urls=tuple(args.only_url or ()),
        checked=getattr(args, "checked", None), jobs=jobs_from_args(args),
    )


def run(args: argparse.Namespace) -> int:
    options = options_from_args(args, os.environ)
    report, _ = nightly(options, adapter(os.environ, options.curate), lambda: datetime.now(UTC))
    if os.environ.get("GITHUB_ACTIONS") == "true":
        sys.stdout.write(gh_annotations.render(report))
    summary = report.summary.to_json()
    print(" ".join(f"{key}={value}" for key, value in summary.items()), file=sys.stderr)
    return 0
