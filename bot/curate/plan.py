"""Planning, pure: the state on GitHub + this run's findings and fixes -> a list of actions.

The rules are the maintainers' contract: one issue per URL (or link-less resource), found
again by its fingerprint, into which older issues about the same URL converge; a comment only
when the state changes; a human's close or the ignore label stands; a bot-closed issue that
breaks again soon is reopened; one fixes PR, whose rejected changes are never proposed again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType

from bot.curate.fingerprint import (
    CLOSED_BY_BOT,
    DASHBOARD_KEY,
    DIGEST_KEY,
    UNVERIFIED_KEY,
    fingerprint_of,
    fix_ids,
    snoozed_until,
    state_of,
    with_state,
)
from bot.curate.issue_text import (
    HEADLINE,
    Context,
    digest_body,
    digest_title,
    issue_body,
    issue_labels,
    issue_title,
)
from bot.curate.model import LIST_LINK_PREFIX, Finding, FindingKind, Fix, Judgement
from bot.curate.pr_text import pr_body, pr_title
from bot.curate.settings import CurateSettings
from bot.curate.unverified_text import unverified_body, unverified_title
from bot.history.streaks import parse_time


class Verb(StrEnum):
    CREATE_ISSUE = "create issue"
    UPDATE_ISSUE = "update issue"
    COMMENT = "comment on issue"
    CLOSE_ISSUE = "close issue"
    REOPEN_ISSUE = "reopen issue"
    OPEN_PR = "open pull request"
    UPDATE_PR = "update pull request"
    CLOSE_PR = "close pull request"


@dataclass(frozen=True, slots=True)
class IssueState:
    """A bot issue as GitHub has it now."""

    number: int
    title: str
    body: str
    labels: frozenset[str]
    open: bool
    closed_at: str | None = None

    @property
    def key(self) -> str | None:
        return fingerprint_of(self.body)

    @property
    def closed_by_bot(self) -> bool:
        return state_of(self.body) == CLOSED_BY_BOT

    def left_alone(self, now: datetime, ignore_label: str) -> bool:
        """The maintainers said "leave this alone": the ignore label, or a snooze not over."""
        until = snoozed_until(self.body)
        return ignore_label in self.labels or (until is not None and parse_time(until) > now)


@dataclass(frozen=True, slots=True)
class PullState:
    """A pull request from the bot's branch."""

    number: int
    title: str
    body: str
    open: bool
    merged: bool = False

    @property
    def rejected(self) -> bool:
        """Closed unmerged by someone else than the bot: its changes were turned down."""
        return not self.open and not self.merged and state_of(self.body) != CLOSED_BY_BOT


def _no_files() -> Mapping[str, str]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Action:
    """One write to GitHub; `describe()` is what `--dry-run` prints."""

    verb: Verb
    number: int | None = None
    key: str | None = None
    title: str | None = None
    body: str | None = None
    labels: tuple[str, ...] | None = None
    comment: str | None = None
    files: Mapping[str, str] = field(default_factory=_no_files)

    def describe(self) -> str:
        target = f" #{self.number}" if self.number is not None else ""
        parts = [f"{self.verb.value}{target}"]
        if self.title:
            parts.append(repr(self.title))
        if self.labels:
            parts.append("labels=" + ",".join(self.labels))
        if self.files:
            parts.append("files=" + ",".join(sorted(self.files)))
        if self.comment:
            parts.append(f"comment={self.comment.splitlines()[0]!r}")
        return " ".join(parts)


COMMENT_REOPEN = "This broke again: reopening. The evidence above is from the latest run."
COMMENT_RECOVERED = "The link answers again on the latest run, so this is fixed. Closing."
COMMENT_FRESH = "The latest run found this resource up to date. Closing."
COMMENT_LEFT = "This resource is no longer in roadmap.yaml. Closing."
COMMENT_LEFT_LIST = ("This link is no longer in the list (removed, or its URL, heading or text "
                     "changed). Closing.")
COMMENT_DUPLICATE = "Duplicate of #{number} (same fingerprint). Closing."
COMMENT_MERGED = (
    "This link is now tracked in #{number}, one issue for the URL that lists every place it "
    "is used. Closing."
)
COMMENT_PR_DONE = "None of these fixes is needed any more. Closing."
COMMENT_ALL_CONFIRMED = (
    "Every link is confirmed again (or gone from the roadmap): nothing left to check by hand. "
    "Closing."
)
COMMENT_VOUCHED = (
    "The bot still cannot see this link, but a second opinion (a public page, a provider or "
    "the Internet Archive) saw it alive lately: nothing to do. Closing."
)
COMMENT_LISTED = (
    "This link is now listed in the one issue of links no source could confirm. Closing."
)


def comment_kind_changed(finding: Finding) -> str:
    return f"The finding changed: it is now **{HEADLINE[finding.kind]}**. The body is updated."


def rejected_fix_ids(pulls: Iterable[PullState]) -> frozenset[str]:
    """Fix ids of every change a maintainer turned down by closing the PR unmerged."""
    return frozenset(fid for pull in pulls if pull.rejected for fid in fix_ids(pull.body))


def _kind_labels(settings: CurateSettings) -> dict[str, FindingKind]:
    labels = settings.labels
    return {
        labels.broken: FindingKind.BROKEN,
        labels.manual: FindingKind.MANUAL,
        labels.moved: FindingKind.MOVED,
        labels.stale: FindingKind.STALE,
    }


def _wanted_labels(
    issue: IssueState, new: tuple[str, ...], settings: CurateSettings
) -> tuple[str, ...]:
    ours = set(_kind_labels(settings)) | {settings.labels.low_priority, settings.labels.bot}
    kept = sorted(label for label in issue.labels if label not in ours)  # humans' labels stay
    return (*new, *kept)


def _kind_of(issue: IssueState, settings: CurateSettings) -> FindingKind | None:
    kinds = _kind_labels(settings)
    return next((kinds[label] for label in sorted(issue.labels) if label in kinds), None)


@dataclass(frozen=True, slots=True)
class Desired:
    """What one issue should look like."""

    key: str
    title: str
    body: str
    labels: tuple[str, ...]
    kind: FindingKind | None
    finding: Finding | None = None
    aliases: frozenset[str] = frozenset()  # keys whose issues are about the same URL


def _for_existing(issue: IssueState, want: Desired, settings: CurateSettings) -> list[Action]:
    labels = _wanted_labels(issue, want.labels, settings)
    actions = []
    if issue.title != want.title or issue.body != want.body or set(labels) != issue.labels:
        actions.append(
            Action(Verb.UPDATE_ISSUE, issue.number, want.key, want.title, want.body, labels)
        )
    old_kind = _kind_of(issue, settings)
    if want.finding is not None and old_kind is not None and old_kind != want.kind:
        actions.append(
            Action(Verb.COMMENT, issue.number, want.key, comment=comment_kind_changed(want.finding))
        )
    return actions


def _recent(issue: IssueState, now: datetime, settings: CurateSettings) -> bool:
    if issue.closed_at is None:
        return False
    return (now - parse_time(issue.closed_at)).total_seconds() <= settings.reopen_days * 86400


def _issue_actions(
    want: Desired, issues: list[IssueState], now: datetime, settings: CurateSettings
) -> list[Action]:
    """`issues` are those under the wanted key and under its aliases: the one kept is the
    oldest open one under the key, else the oldest open alias (its body takes the key)."""
    if any(issue.left_alone(now, settings.labels.ignore) for issue in issues):
        return []  # the maintainers said: leave this alone (for now)
    open_ = sorted((i for i in issues if i.open), key=lambda i: (i.key != want.key, i.number))
    if open_:
        duplicates = [
            Action(
                Verb.CLOSE_ISSUE,
                d.number,
                want.key,
                body=with_state(d.body, CLOSED_BY_BOT),
                comment=(COMMENT_DUPLICATE if d.key == want.key else COMMENT_MERGED).format(
                    number=open_[0].number
                ),
            )
            for d in open_[1:]
        ]
        return _for_existing(open_[0], want, settings) + duplicates
    latest = max(issues, key=lambda i: i.number, default=None)
    create = Action(Verb.CREATE_ISSUE, None, want.key, want.title, want.body, want.labels)
    if latest is None:
        return [create]
    if not latest.closed_by_bot:
        return []  # a human closed it: that decision stands
    if _recent(latest, now, settings):
        return [
            Action(
                Verb.REOPEN_ISSUE,
                latest.number,
                want.key,
                want.title,
                want.body,
                _wanted_labels(latest, want.labels, settings),
                comment=COMMENT_REOPEN,
            )
        ]
    return [create]


def _close_reason(issue: IssueState, judgement: Judgement, settings: CurateSettings) -> str | None:
    key = issue.key or ""
    if judgement.present is not None and key != DIGEST_KEY and key not in judgement.present:
        return COMMENT_LEFT_LIST if key.startswith(f"resource:{LIST_LINK_PREFIX}") else COMMENT_LEFT
    kind = _kind_of(issue, settings)
    if kind is FindingKind.STALE:
        return COMMENT_FRESH if key in judgement.fresh else None
    if kind is FindingKind.MANUAL and key in judgement.vouched:
        return COMMENT_VOUCHED
    if kind is FindingKind.MANUAL and key in judgement.listed:
        return COMMENT_LISTED
    return COMMENT_RECOVERED if key in judgement.reachable else None


def _desired(
    findings: tuple[Finding, ...], settings: CurateSettings, context: Context
) -> list[Desired]:
    if settings.digest:
        if not findings:
            return []
        labels = (settings.labels.bot,)
        return [
            Desired(
                DIGEST_KEY, digest_title(findings), digest_body(findings, context), labels, None
            )
        ]
    return [
        Desired(
            f.key,
            issue_title(f),
            issue_body(f, settings, context),
            issue_labels(f, settings),
            f.kind,
            f,
            f.aliases,
        )
        for f in findings
    ]


def issue_worthy(judgement: Judgement, fixable: frozenset[str]) -> tuple[Finding, ...]:
    """Findings that need a person; a move the PR fixes (or fixed, or was refused) is not one."""
    return tuple(
        f for f in judgement.findings if not (f.kind is FindingKind.MOVED and f.url in fixable)
    )


def plan_issues(
    issues: Iterable[IssueState],
    judgement: Judgement,
    fixable: frozenset[str],
    now: datetime,
    settings: CurateSettings,
    context: Context,
) -> list[Action]:
    if judgement.inconclusive_reason is not None:
        return []
    by_key: dict[str, list[IssueState]] = defaultdict(list)
    for issue in issues:
        if issue.key and settings.labels.bot in issue.labels and issue.key != DASHBOARD_KEY:
            by_key[issue.key].append(issue)
    actions = _unverified_actions(by_key.get(UNVERIFIED_KEY, []), judgement, now, settings,
                                  context)
    wanted = _desired(issue_worthy(judgement, fixable), settings, context)
    handled = {want.key for want in wanted} | {UNVERIFIED_KEY}
    for want in wanted:
        # An alias that is some other issue's own key stays that issue's.
        aliases = sorted(want.aliases - {w.key for w in wanted})
        candidates = [issue for key in (want.key, *aliases) for issue in by_key.get(key, [])]
        actions += _issue_actions(want, candidates, now, settings)
        handled.update(aliases)
    for key in sorted(set(by_key) - handled):
        for issue in by_key[key]:
            if not issue.open or issue.left_alone(now, settings.labels.ignore):
                continue
            reason = (
                COMMENT_RECOVERED
                if key == DIGEST_KEY
                else _close_reason(issue, judgement, settings)
            )
            if reason is not None:
                actions.append(
                    Action(
                        Verb.CLOSE_ISSUE,
                        issue.number,
                        key,
                        body=with_state(issue.body, CLOSED_BY_BOT),
                        comment=reason,
                    )
                )
    return actions


def _unverified_actions(
    issues: list[IssueState], judgement: Judgement, now: datetime, settings: CurateSettings,
    context: Context,
) -> list[Action]:
    """The one issue listing links no source could confirm: kept up to date while the list
    has links, closed when it is empty, left alone by a partial run."""
    found = judgement.unverified
    if found is None:
        return []
    if not found:
        return [
            Action(Verb.CLOSE_ISSUE, issue.number, UNVERIFIED_KEY,
                   body=with_state(issue.body, CLOSED_BY_BOT), comment=COMMENT_ALL_CONFIRMED)
            for issue in issues if issue.open and settings.labels.ignore not in issue.labels
        ]
    labels = (settings.labels.bot, settings.labels.manual, settings.labels.low_priority)
    want = Desired(UNVERIFIED_KEY, unverified_title(found),
                   unverified_body(found, settings, context), labels, FindingKind.MANUAL)
    return _issue_actions(want, issues, now, settings)


def plan_pull(
    pulls: Iterable[PullState], fixes: tuple[Fix, ...], files: Mapping[str, str], context: Context,
    rebase: bool = False,
) -> list[Action]:
    """Open, refresh or close the one fixes PR; `rebase` rebuilds it even when unchanged."""
    open_pr = max((p for p in pulls if p.open), key=lambda p: p.number, default=None)
    if not fixes:
        if open_pr is None:
            return []
        return [
            Action(
                Verb.CLOSE_PR,
                open_pr.number,
                body=with_state(open_pr.body, CLOSED_BY_BOT),
                comment=COMMENT_PR_DONE,
            )
        ]
    title, body = pr_title(fixes), pr_body(fixes, context)
    if open_pr is None:
        return [Action(Verb.OPEN_PR, title=title, body=body, files=files)]
    if open_pr.title == title and open_pr.body == body and not rebase:
        return []
    return [Action(Verb.UPDATE_PR, open_pr.number, title=title, body=body, files=files)]


def plan(
    issues: Iterable[IssueState],
    pulls: Iterable[PullState],
    judgement: Judgement,
    fixes: tuple[Fix, ...],
    files: Mapping[str, str],
    now: datetime,
    settings: CurateSettings,
    context: Context,
    *,
    fixable: frozenset[str] = frozenset(),
    pull: bool = True,
    rebase: bool = False,
) -> list[Action]:
    """Every action for this run; nothing at all when the run was inconclusive.

    `fixes` already exclude rejected changes; `fixable` are the URLs some fix covers (rejected
    or not), which therefore need no "moved" issue. `pull=False` (a partial run) leaves the PR.
    """
    if judgement.inconclusive_reason is not None:
        return []
    pulls = tuple(pulls)
    return [
        *plan_issues(issues, judgement, fixable | {f.old for f in fixes}, now, settings, context),
        *(plan_pull(pulls, fixes, files, context, rebase) if pull else []),
    ]
