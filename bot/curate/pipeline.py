"""One curation pass: judge, find the fixes, read GitHub's state, plan, then apply or print."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from bot.curate.apply import apply, failed_night
from bot.curate.dashboard import UNVERIFIED, Box, View, dashboard_of, ticked
from bot.curate.dashboard_keep import keep_dashboard
from bot.curate.fixes import plan_fixes
from bot.curate.github_adapter import GitHubAdapter
from bot.curate.issue_text import Context
from bot.curate.judge import judge
from bot.curate.model import Fix
from bot.curate.plan import Action, IssueState, PullState, issue_worthy, plan, rejected_fix_ids
from bot.curate.pr_text import fitting
from bot.curate.requested import requested_in, still_wanted, with_requested
from bot.curate.settings import CurateSettings
from bot.curate.yaml_edit import edit_urls
from bot.errors import InputError
from bot.history.model import History
from bot.model import Report
from bot.roadmap.load import load_roadmap_text
from bot.roadmap.render import render_roadmap, splice


class Editable(Protocol):
    """The source of truth as curation sees it: roadmap.yaml (`Texts`) or a Markdown list."""

    def owns(self, file: str) -> bool:
        """Whether a report source's file is one the fixes PR edits."""
        ...

    def resource_lines(self) -> Mapping[str, int]:
        """Resource id -> its line, for the issues' links to resources without a link."""
        ...

    def resource_files(self) -> Mapping[str, str]:
        """Resource id -> its file, where it is not the roadmap."""
        ...

    def edit(self, fixes: tuple[Fix, ...]) -> tuple[tuple[Fix, ...], dict[str, str]]:
        """The fixes it could make (proven) and the edited files, path -> text."""
        ...


@dataclass(frozen=True, slots=True)
class Texts:
    """roadmap.yaml and README.md as in the working tree (None when the file is not there)."""

    roadmap: str | None = None
    readme: str | None = None
    roadmap_path: str = "roadmap.yaml"  # their paths in the repository
    readme_path: str = "README.md"

    def owns(self, file: str) -> bool:
        return file.endswith(self.roadmap_path)

    def edit(self, fixes: tuple[Fix, ...]) -> tuple[tuple[Fix, ...], dict[str, str]]:
        """roadmap.yaml with the fixes spliced in, and README.md re-rendered from it."""
        if not fixes or self.roadmap is None:
            return fixes, {}
        path = self.roadmap_path
        edited = edit_urls(self.roadmap, {fix.old: fix.new for fix in fixes}, path)
        files = {path: edited}
        if self.readme is not None:
            roadmap = load_roadmap_text(path, edited).roadmap
            # A README without the roadmap markers is not the bot's to rewrite.
            with suppress(InputError):
                files[self.readme_path] = splice(self.readme, render_roadmap(roadmap),
                                                 self.readme_path)
        return fixes, files

    def resource_lines(self) -> Mapping[str, int]:
        """Resource id -> its line in roadmap.yaml, for the issues' line links."""
        if self.roadmap is None:
            return {}
        try:
            return load_roadmap_text(self.roadmap_path, self.roadmap).lines
        except InputError:  # the run checked this file already; a stranger's text has no lines
            return {}

    def resource_files(self) -> Mapping[str, str]:
        return {}


def _state(github: GitHubAdapter | None, settings: CurateSettings
           ) -> tuple[list[IssueState], list[PullState]]:
    if github is None:
        return [], []
    return github.list_issues(settings.labels.bot), github.list_pulls(settings.branch)


def requested_fixes(report: Report, pulls: list[PullState]) -> tuple[Fix, ...]:
    """The replacements maintainers asked for in the open fixes PR, still applicable."""
    open_pr = max((p for p in pulls if p.open), key=lambda p: p.number, default=None)
    if open_pr is None:
        return ()
    return still_wanted(requested_in(open_pr.body), {r.url: r.sources for r in report.links})


def curate(report: Report, history: History, freshness: Mapping[str, Mapping[str, Any]] | None,
           texts: Editable, now: datetime, settings: CurateSettings, context: Context,
           github: GitHubAdapter | None, *, dry_run: bool, partial: bool = False,
           echo: Callable[[str], None] = print) -> list[Action]:
    """Plan from the report and GitHub's current state; apply unless `dry_run` (or no GitHub).

    `history` must already hold this report (the run folds before it curates). Raises
    GitHubError when GitHub's state cannot be read, or, after every action was tried, when
    some failed.
    """
    judgement = judge(history, report, freshness, now, settings, partial=partial,
                      lines=texts.resource_lines(), files=texts.resource_files())
    if judgement.inconclusive_reason is not None:
        echo(f"inconclusive run ({judgement.inconclusive_reason}): no issue or PR is changed")
        return []
    issues, pulls = _state(github, settings)
    board = dashboard_of(issues, settings) if settings.dashboard and not partial else None
    boxes = ticked(board.body) if board is not None else frozenset()
    if boxes:
        echo("dashboard: " + ", ".join(sorted(boxes)) + " asked for")
    all_fixes = () if partial else with_requested(requested_fixes(report, pulls),
                                                  plan_fixes(report, freshness, settings,
                                                             owns=texts.owns))
    refused = rejected_fix_ids(pulls)
    wanted = [fix for fix in all_fixes if fix.fix_id not in refused]
    fitted = fitting(tuple(wanted[: settings.max_pr_fixes]), context)  # the rest come later
    fixes, files = texts.edit(fitted)
    actions = plan(issues, pulls, judgement, fixes, files, now,
                   settings, context, fixable=frozenset(fix.old for fix in all_fixes),
                   pull=not partial, rebase=Box.REBASE in boxes)
    failures = apply(actions, github, settings.branch, dry_run=dry_run or github is None,
                     echo=echo)
    if settings.dashboard and not partial:
        view = View(issue_worthy(judgement, frozenset(f.old for f in all_fixes)), (),
                    tuple(r for r in report.links if r.status in UNVERIFIED and r.sources),
                    fixes, None, now)
        board_actions, board_failures = keep_dashboard(view, actions, github, settings,
                                                       (issues, pulls), dry_run, echo)
        actions, failures = [*actions, *board_actions], (*failures, *board_failures)
    if not actions:
        echo("nothing to change on GitHub")
    if failures:
        raise failed_night(failures, len(actions))
    return actions
