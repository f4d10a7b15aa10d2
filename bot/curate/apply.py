"""Carrying out a plan through the GitHub adapter; `--dry-run` prints it and writes nothing.

One action that GitHub refuses (a 422, a label it will not create, a 502 past every retry)
must not cost the night's other actions: each failure is recorded with its action and the
rest go ahead; the caller decides what a failed night means (the CLI exits 3).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.curate.plan import Action, Verb
from bot.errors import GitHubError


class Writer(Protocol):
    """What `apply` needs of GitHub (the adapter, or a recording double in tests)."""

    def create_issue(self, title: str, body: str, labels: tuple[str, ...]) -> int: ...
    def edit_issue(self, number: int, **changes: object) -> None: ...
    def comment(self, number: int, body: str) -> None: ...
    def push_files(self, branch: str, files: dict[str, str], message: str) -> None: ...
    def open_pull(self, branch: str, title: str, body: str) -> int: ...
    def edit_pull(self, number: int, **changes: object) -> None: ...


COMMIT_MESSAGE = "roadmap-bot: mechanical link fixes\n\n{title}"


def _edits(action: Action) -> dict[str, object]:
    changes: dict[str, object] = {}
    if action.title is not None:
        changes["title"] = action.title
    if action.body is not None:
        changes["body"] = action.body
    if action.labels is not None:
        changes["labels"] = list(action.labels)
    return changes


def apply_action(action: Action, github: Writer, branch: str) -> None:
    number = action.number or 0
    if action.verb is Verb.CREATE_ISSUE:
        github.create_issue(action.title or "", action.body or "", action.labels or ())
    elif action.verb is Verb.UPDATE_ISSUE:
        github.edit_issue(number, **_edits(action))
    elif action.verb is Verb.COMMENT:
        github.comment(number, action.comment or "")
    elif action.verb is Verb.CLOSE_ISSUE:
        github.comment(number, action.comment or "")
        github.edit_issue(number, state="closed", state_reason="completed", **_edits(action))
    elif action.verb is Verb.REOPEN_ISSUE:
        github.edit_issue(number, state="open", **_edits(action))
        github.comment(number, action.comment or "")
    elif action.verb in (Verb.OPEN_PR, Verb.UPDATE_PR):
        github.push_files(branch, dict(action.files),
                          COMMIT_MESSAGE.format(title=action.title or ""))
        if action.verb is Verb.OPEN_PR:
            github.open_pull(branch, action.title or "", action.body or "")
        else:
            github.edit_pull(number, **_edits(action))
    elif action.verb is Verb.CLOSE_PR:
        github.comment(number, action.comment or "")
        github.edit_pull(number, state="closed", body=action.body)


@dataclass(frozen=True, slots=True)
class Failure:
    """An action GitHub did not carry out, and why."""

    action: Action
    error: str

    def describe(self) -> str:
        return f"{self.action.describe()}: {self.error}"


def apply(actions: Sequence[Action], github: Writer | None, branch: str, *, dry_run: bool,
          echo: Callable[[str], None] = print) -> tuple[Failure, ...]:
    """Run (or with `dry_run` only print) every action; the ones that failed, in order."""
    failures = []
    for action in actions:
        echo(("would " if dry_run else "") + action.describe())
        if dry_run or github is None:
            continue
        try:
            apply_action(action, github, branch)
        except GitHubError as exc:
            failures.append(Failure(action, str(exc)))
            echo(f"failed: {failures[-1].describe()}")
    return tuple(failures)


def failed_night(failures: Sequence[Failure], total: int) -> GitHubError:
    """One line for the CLI naming each failed action (the first few, then a count)."""
    shown = "; ".join(failure.describe() for failure in failures[:3])
    more = f"; and {len(failures) - 3} more" if len(failures) > 3 else ""
    return GitHubError(f"{len(failures)} of {total} GitHub actions failed: {shown}{more}")
