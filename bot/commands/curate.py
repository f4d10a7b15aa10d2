"""`roadmap-bot curate`: turn a report into GitHub issues and a fixes pull request."""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping

from bot.configfile import config_path
from bot.curate.github_adapter import GitHubAdapter, GitHubSettings
from bot.curate.issue_text import Context
from bot.curate.pipeline import Texts, curate
from bot.curate.settings import CurateSettings, load_curate_config
from bot.history import store
from bot.report import json_report
from bot.sources.files import resolve_inputs
from bot.sources.load import load_source
from bot.sources.settings import load_source_config

HELP = "open, update and close GitHub issues and the fixes PR from a report"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--report", required=True, metavar="FILE",
                        help="a JSON report that `run` already folded into the history")
    parser.add_argument("--dry-run", action="store_true",
                        help="print every planned action; write nothing")
    parser.add_argument("--config", metavar="FILE")
    parser.add_argument("--history", metavar="FILE", default=store.DEFAULT_PATH)
    parser.add_argument("inputs", nargs="*", metavar="FILE",
                        help="the source of truth: roadmap.yaml, or Markdown files and globs "
                        "(default: source.files of the config, else roadmap.yaml, else README.md)")


def github_from_env(env: Mapping[str, str], settings: CurateSettings) -> GitHubSettings | None:
    """The Actions variables; None when the token or repository is missing."""
    token, repository = env.get("GITHUB_TOKEN", ""), env.get("GITHUB_REPOSITORY", "")
    if not token or not repository:
        return None
    return GitHubSettings(repository=repository, token=token,
                          api_url=env.get("GITHUB_API_URL") or "https://api.github.com",
                          attempts=settings.github_attempts, backoff=settings.github_backoff,
                          seconds_between_writes=settings.github_write_interval)


def context_from_env(env: Mapping[str, str]) -> Context:
    return Context(repository=env.get("GITHUB_REPOSITORY") or "owner/repo",
                   ref=env.get("GITHUB_SHA") or "main",
                   server_url=env.get("GITHUB_SERVER_URL") or "https://github.com")


def read_optional(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except OSError:
        return None


def texts_for(settings: CurateSettings, roadmap_path: str | None = None) -> Texts:
    roadmap = roadmap_path or settings.roadmap_path
    readme = os.path.join(os.path.dirname(roadmap), os.path.basename(settings.readme_path))
    return Texts(read_optional(roadmap), read_optional(readme), settings.roadmap_path,
                 settings.readme_path)


def adapter(env: Mapping[str, str], settings: CurateSettings) -> GitHubAdapter | None:
    github = github_from_env(env, settings)
    if github is None:
        print("GITHUB_TOKEN or GITHUB_REPOSITORY is not set: printing the plan only")
        return None
    return GitHubAdapter(github)


def run(args: argparse.Namespace) -> int:
    config = config_path(args.config)
    settings = load_curate_config(config)
    source = load_source(resolve_inputs(args.inputs, load_source_config(config)), settings)
    report = json_report.load(args.report)
    history = store.load(args.history)
    freshness = report.extra.get("freshness")
    curate(report, history, freshness, source, report.generated_at, settings,
           context_from_env(os.environ), adapter(os.environ, settings), dry_run=args.dry_run)
    return 0
