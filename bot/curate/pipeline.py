"""One curation pass: judge, find the fixes, read GitHub's state, plan, then apply or print."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.curate.apply import apply, failed_night
from bot.curate.fixes import plan_fixes
from bot.curate.github_adapter import GitHubAdapter
from bot.curate.issue_text import Context
from bot.curate.judge import judge
from bot.curate.model import Fix
from bot.curate.plan import Action, IssueState, PullState, plan, rejected_fix_ids
from bot.curate.pr_text import fitting
from bot.curate.settings import CurateSettings
from bot.curate.yaml_edit import edit_urls
from bot.errors import InputError
from bot.history.model import History
from bot.model import Report
from bot.roadmap.load import load_roadmap_text
from bot.roadmap.render import render_roadmap, splice


@dataclass(frozen=True, slots=True)
class Texts:
    """The working-tree texts the fixes PR edits (None when the file is not there)."""

    roadmap: str | None = None
    readme: str | None = None


def fixed_files(texts: Texts, fixes: tuple[Fix, ...], settings: CurateSettings) -> dict[str, str]:
    """roadmap.yaml with the fixes spliced in, and README.md re-rendered from it."""
    if not fixes or texts.roadmap is None:
        return {}
    path = settings.roadmap_path
    edited = edit_urls(texts.roadmap, {fix.old: fix.new for fix in fixes}, path)
    files = {path: edited}
    if texts.readme is not None:
        roadmap = load_roadmap_text(path, edited).roadmap
        # A README without the roadmap markers is not the bot's to rewrite.
        with suppress(InputError):
            files[settings.readme_path] = splice(texts.readme, render_roadmap(roadmap),
                                                 settings.readme_path)
    return files


def resource_lines(texts: Texts, settings: CurateSettings) -> Mapping[str, int]:
    """Resource id -> its line in roadmap.yaml, for the issues' line links; {} without one."""
    if texts.roadmap is None:
        return {}
    try:
        return load_roadmap_text(settings.roadmap_path, texts.roadmap).lines
    except InputError:  # the run checked this file already; a stranger's text just has no lines
        return {}


def _state(github: GitHubAdapter | None, settings: CurateSettings
           ) -> tuple[list[IssueState], list[PullState]]:
    if github is None:
        return [], []
    return github.list_issues(settings.labels.bot), github.list_pulls(settings.branch)


def curate(report: Report, history: History, freshness: Mapping[str, Mapping[str, Any]] | None,
           texts: Texts, now: datetime, settings: CurateSettings, context: Context,
           github: GitHubAdapter | None, *, dry_run: bool, partial: bool = False,
           echo: Callable[[str], None] = print) -> list[Action]:
    """Plan from the report and GitHub's current state; apply unless `dry_run` (or no GitHub).

    `history` must already hold this report (the run folds before it curates). Raises
    GitHubError when GitHub's state cannot be read, or, after every action was tried, when
    some failed.
    """
    judgement = judge(history, report, freshness, now, settings, partial=partial,
                      lines=resource_lines(texts, settings))
    if judgement.inconclusive_reason is not None:
        echo(f"inconclusive run ({judgement.inconclusive_reason}): no issue or PR is changed")
        return []
    issues, pulls = _state(github, settings)
    all_fixes = () if partial else plan_fixes(report, freshness, settings)
    refused = rejected_fix_ids(pulls)
    wanted = [fix for fix in all_fixes if fix.fix_id not in refused]
    fixes = fitting(tuple(wanted[: settings.max_pr_fixes]), context)  # the rest come later
    actions = plan(issues, pulls, judgement, fixes, fixed_files(texts, fixes, settings), now,
                   settings, context, fixable=frozenset(fix.old for fix in all_fixes),
                   pull=not partial)
    failures = apply(actions, github, settings.branch, dry_run=dry_run or github is None,
                     echo=echo)
    if not actions:
        echo("nothing to change on GitHub")
    if failures:
        raise failed_night(failures, len(actions))
    return actions
