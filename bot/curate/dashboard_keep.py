"""Keeping the dashboard issue on GitHub: written after the night's other actions, when its
text changed, and pinned once when it is new (best effort)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from bot.curate.apply import Failure, apply
from bot.curate.dashboard import View, dashboard_body, dashboard_of, plan_dashboard
from bot.curate.github_adapter import GitHubAdapter
from bot.curate.plan import Action, IssueState, PullState, Verb
from bot.curate.settings import CurateSettings

OPENING = (Verb.CREATE_ISSUE, Verb.REOPEN_ISSUE, Verb.OPEN_PR)


def keep_dashboard(view: View, done: list[Action], github: GitHubAdapter | None,
                   settings: CurateSettings, state: tuple[list[IssueState], list[PullState]],
                   dry_run: bool, echo: Callable[[str], None]
                   ) -> tuple[list[Action], tuple[Failure, ...]]:
    """Write the dashboard when its text changed; pin it when it is new (best effort).

    GitHub is read again only when this run opened an issue or the PR, so the dashboard can
    link them by number; a quiet night costs no read.
    """
    issues, pulls = state
    if github is not None and any(a.verb in OPENING for a in done):
        issues, pulls = github.list_issues(settings.labels.bot), github.list_pulls(settings.branch)
    open_pr = max((p.number for p in pulls if p.open), default=None)
    view = replace(view, issues=tuple(issues), pull=open_pr if view.fixes else None)
    actions = plan_dashboard(dashboard_of(issues, settings), dashboard_body(view, settings),
                             settings)
    failures = apply(actions, github, settings.branch, dry_run=dry_run or github is None,
                     echo=echo)
    if github is not None and not dry_run and not failures and actions and \
            actions[0].verb is Verb.CREATE_ISSUE:
        board = dashboard_of(github.list_issues(settings.labels.bot), settings)
        if board is not None and not github.pin_issue(board.number):
            echo(f"could not pin the dashboard #{board.number} (pinning is best effort)")
    return actions, failures
