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
from types import MappingProxyType
from typing import Any

from bot.check.parallel import check_in_workers
from bot.check.settings import CheckSettings, load_check_config
from bot.commands.check import jobs_from_args
from bot.commands.curate import adapter, context_from_env
from bot.configfile import config_path
from bot.curate.github_adapter import GitHubAdapter
from bot.curate.issue_text import Context
from bot.curate.judge import outage_reason
from bot.curate.pipeline import curate
from bot.curate.plan import Action
from bot.curate.settings import CurateSettings, load_curate_config
from bot.freshness.assess import assess_spots, open_session
from bot.freshness.record import freshness_to_json
from bot.freshness.scrape import scrape_page
from bot.freshness.settings import FreshnessSettings, load_settings
from bot.history import store
from bot.history.fold import FAILING, fold, validators
from bot.history.model import History
from bot.model import Link, Report
from bot.report import gh_annotations, json_report
from bot.report.files import REPORT_FILES, write_reports
from bot.sources.files import resolve_inputs
from bot.sources.interface import SourceOfTruth
from bot.sources.load import load_source
from bot.sources.settings import load_source_config
from bot.verify.settings import VerifySettings, load_verify_config
from bot.verify.stage import Verified, verify

HELP = "the nightly job: check + freshness + history + curate"

Clock = Callable[[], datetime]
VERIFY_OFF = VerifySettings(enabled=False)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("roadmap", nargs="*", default=[], metavar="FILE",
                        help="roadmap.yaml, or Markdown files and globs (default: source.files "
                        "of the config, else roadmap.yaml, else README.md)")
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
                        help="worker processes for the check (default: the CPUs this process "
                        "may use, at most 8)")
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
    files: tuple[str, ...] = ()  # the source of truth's files; () means just `roadmap`
    dry_run: bool = False
    only_section: str | None = None
    only_urls: tuple[str, ...] = ()
    # Off unless configured: `options_from_args` loads the config's `verify:` section (on by
    # default there), so code that builds options by hand never asks the real archive.
    verify: VerifySettings = VERIFY_OFF
    checked: str | None = None  # a report already checked (sharded runs), read not re-checked
    jobs: int = 1  # worker processes for the check

    @property
    def partial(self) -> bool:
        return self.only_section is not None or bool(self.only_urls)

    def source(self) -> SourceOfTruth:
        """roadmap.yaml or Markdown lists: the stages below get the same interface from both."""
        return load_source(self.files or (self.roadmap,), self.curate)


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


@dataclass(frozen=True, slots=True)
class Checked:
    """What the async stages made of one night: the report (with second opinions), the
    freshness records (None when not assessed) and the second opinions' memory."""

    report: Report
    freshness: dict[str, dict[str, Any]] | None
    verified: Verified


async def check_and_assess(links: list[Link], history: History, options: RunOptions,
                           clock: Clock) -> Checked:
    if options.checked:
        report = json_report.load(options.checked)
    else:
        report = await check_in_workers(links, options.check, options.jobs,
                                        inputs=list(options.source().paths),
                                        page_hook=scrape_page, validators=validators(history),
                                        clock=clock)
    reason = outage_reason(report, options.curate)
    if reason is not None:  # nothing after this point may act on the run
        unhealthy = replace(report, inconclusive=True, inconclusive_reason=reason)
        return Checked(unhealthy, None, Verified(unhealthy, history.verifications))
    verified = await second_opinions(report, history, options)
    report = verified.report
    if options.partial:
        return Checked(report, None, verified)
    return Checked(report, await freshness_of(options, report, clock), verified)


async def second_opinions(report: Report, history: History, options: RunOptions) -> Verified:
    """The verify stage with the history's memory; `error` links once they failed before."""
    failing = frozenset(url for url, item in history.urls.items()
                        if item.status in {status.value for status in FAILING})
    return await verify(report, options.verify, options.check, options.freshness,
                        now=report.generated_at, memory=history.verifications,
                        failing_before=failing)


async def freshness_of(options: RunOptions, report: Report, clock: Clock
                       ) -> dict[str, dict[str, Any]] | None:
    """The freshness records, or None if assessing failed: then no stale issue is touched."""
    spots = options.source().spots()
    try:
        async with open_session(options.freshness) as session:
            records = await assess_spots(spots, report, options.freshness, session,
                                         clock().date())
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
             "previous_summary": previous, "unverified_since": unverified_since(report, history)}
    return replace(report, extra=extra)


def unverified_since(report: Report, history: History) -> dict[str, str]:
    """For each link no source confirmed, the first run of its failing streak."""
    found = {}
    for link in report.links:
        item = history.urls.get(link.url)
        if link.unverified and item is not None:
            found[link.url] = item.failing_since or item.since
    return found


def nightly(options: RunOptions, github: GitHubAdapter | None, clock: Clock,
            echo: Callable[[str], None] = print) -> tuple[Report, list[Action]]:
    """The whole run; with `dry_run` it reads everything and writes nothing."""
    links = select(options.source().links(), options)
    if options.dry_run:
        return _run_locked(options, links, github, clock, echo)
    with store.locked(options.history_path):
        return _run_locked(options, links, github, clock, echo)


def _run_locked(options: RunOptions, links: list[Link], github: GitHubAdapter | None,
                clock: Clock, echo: Callable[[str], None]) -> tuple[Report, list[Action]]:
    history = store.load(options.history_path)
    checked = asyncio.run(check_and_assess(links, history, options, clock))
    report, freshness = checked.report, checked.freshness
    now = report.generated_at
    history = remember(fold(history, report, now, freshness, prune=not options.partial),
                       checked.verified, options.partial)
    _echo_opinions(checked.verified, echo)
    report = with_extras(report, history, freshness, previous_summary(options.reports_dir))
    if not options.dry_run:
        changed = store.save(options.history_path, history)
        echo(f"history {'updated' if changed else 'unchanged'}: {options.history_path}")
        write_reports(report, options.reports_dir, echo)
    actions = curate(report, history, freshness, options.source(), now,
                     options.curate, options.context, github, dry_run=options.dry_run,
                     partial=options.partial, echo=echo)
    return report, actions


def remember(history: History, verified: Verified, partial: bool) -> History:
    """The history with this night's second opinions; a partial run forgets none of the rest."""
    kept = {**history.verifications, **verified.memory} if partial else dict(verified.memory)
    if kept == dict(history.verifications):
        return history
    return replace(history, verifications=MappingProxyType(kept))


def _echo_opinions(verified: Verified, echo: Callable[[str], None]) -> None:
    if verified.asked or verified.reused:
        echo(f"second opinions: {verified.asked} asked ({verified.requests} requests), "
             f"{verified.reused} remembered")


def options_from_args(args: argparse.Namespace, env: Mapping[str, str]) -> RunOptions:
    config = config_path(args.config)
    check = load_check_config(config)
    if args.allow_private:
        check = replace(check, allow_private=True)
    files = resolve_inputs(args.roadmap, load_source_config(config))
    return RunOptions(
        roadmap=files[0], files=tuple(files), history_path=args.history,
        reports_dir=args.reports_dir,
        check=check, freshness=load_settings(config, env.get("GITHUB_TOKEN")),
        curate=load_curate_config(config), context=context_from_env(env), dry_run=args.dry_run,
        only_section=args.only_section, only_urls=tuple(args.only_url or ()),
        verify=load_verify_config(config),
        checked=getattr(args, "checked", None), jobs=jobs_from_args(args),
    )


def run(args: argparse.Namespace) -> int:
    """0 when the run did its job, whatever the links' state: broken links are the report's
    and the issues' news, not a failure (`check` is the command whose status says "broken").
    Bad input or config ends in 2 and a GitHub failure in 3, through the CLI's error map."""
    options = options_from_args(args, os.environ)
    report, _ = nightly(options, adapter(os.environ, options.curate), lambda: datetime.now(UTC))
    if os.environ.get("GITHUB_ACTIONS") == "true":
        sys.stdout.write(gh_annotations.render(report))
    summary = report.summary.to_json()
    print(" ".join(f"{key}={value}" for key, value in summary.items()), file=sys.stderr)
    return 0
