"""Answering one comment: who may command, which command, what it changes, and one reply.

The order is the contract: a comment that is not a command, or not on the bot's issue or
fixes PR, is not answered at all; a comment already answered (a rerun of the event) is left;
a non-maintainer gets no action and at most one polite reply per issue; a bad command gets
the help text; a good one gets a reaction and one reply. A command whose effect is already
in place (ignore twice, the same snooze, the same replacement) gets a reaction only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.curate.escape import code
from bot.curate.fingerprint import (
    CLOSED_BY_BOT,
    fingerprint_of,
    snoozed_until,
    with_snooze,
    with_state,
    without_snooze,
)
from bot.curate.github_adapter import GitHubAdapter
from bot.curate.issue_text import Context
from bot.curate.model import Fix, FixKind, finding_key
from bot.curate.plan import IssueState
from bot.curate.pr_text import PR_MARKER
from bot.curate.settings import CurateSettings
from bot.extract.collect import group
from bot.extract.roadmap import occurrences
from bot.model import Reason, Source, Status
from bot.respond import replies
from bot.respond.event import CommentEvent
from bot.respond.parse import Command, Refusal, Verb, parse
from bot.respond.probe import Probe
from bot.respond.pull_edit import add_to_pull, already_requested
from bot.roadmap.load import load_roadmap_text

MAINTAINERS = frozenset({"OWNER", "MEMBER", "COLLABORATOR"})
DONE, PUZZLED = "+1", "confused"  # the reactions


@dataclass(frozen=True, slots=True)
class Setup:
    """What every command needs besides GitHub and the checker."""

    curate: CurateSettings
    context: Context
    now: datetime


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the bot did about one comment: its reaction, its reply, a note for the log."""

    note: str
    reaction: str | None = None
    reply: str | None = None


def place_kind(event: CommentEvent, settings: CurateSettings) -> str | None:
    """"issue" (one link's issue), "pull" (the fixes PR), "other" (another bot issue), or
    None when the comment is not on anything the bot owns."""
    if event.is_pull:
        return "pull" if PR_MARKER in event.issue_body else None
    key = fingerprint_of(event.issue_body)
    if key is None or settings.labels.bot not in event.issue_labels:
        return None
    return "issue" if key.startswith(("resource:", "url:")) else "other"


def respond(event: CommentEvent, github: GitHubAdapter, probe: Probe, setup: Setup) -> Outcome:
    command = parse(event.comment_body)
    if command is None or event.author_is_bot:
        return Outcome("not a command")
    where = place_kind(event, setup.curate)
    if where is None:
        return Outcome("not on the bot's issue or pull request")
    bot_bodies = [c.body for c in github.list_comments(event.number) if c.by_bot]
    if event.comment_id in replies.answered(bot_bodies):
        return Outcome("already answered")
    outcome = _decide(event, command, where, bot_bodies, github, probe, setup)
    if outcome.reaction is not None:
        github.react(event.number, event.comment_id, outcome.reaction)
    if outcome.reply is not None:
        github.comment(event.number, outcome.reply)
    return outcome


def _decide(event: CommentEvent, command: Command | Refusal, where: str, bot_bodies: list[str],
            github: GitHubAdapter, probe: Probe, setup: Setup) -> Outcome:
    cid = event.comment_id
    if event.association not in MAINTAINERS:
        if any(replies.NOT_A_MAINTAINER in body for body in bot_bodies):
            return Outcome("not a maintainer (told already)")
        return Outcome("not a maintainer", reply=replies.not_a_maintainer(cid))
    if isinstance(command, Refusal):
        return Outcome(command.reason, PUZZLED, replies.help_reply(cid, command.reason))
    if where != "issue":
        what = "the fixes pull request" if where == "pull" else "not a link's issue"
        return Outcome(f"{command.verb} on {what}", PUZZLED, replies.not_here(cid, what))
    return HANDLERS[command.verb](Request(event, command, github, probe, setup))


@dataclass(frozen=True, slots=True)
class Request:
    """One maintainer's command on one link's issue."""

    event: CommentEvent
    command: Command
    github: GitHubAdapter
    probe: Probe
    setup: Setup

    @property
    def settings(self) -> CurateSettings:
        return self.setup.curate

    def issue(self) -> IssueState:
        return self.github.get_issue(self.event.number)

    def reply(self, text: str) -> str:
        return replies.reply(self.event.comment_id, text)

    def roadmap(self) -> Mapping[str, tuple[Source, ...]]:
        """URL -> where roadmap.yaml uses it, on the default branch as it is now."""
        settings = self.setup.curate
        text = self.github.read_file(self.github.default_branch(), settings.roadmap_path)
        if text is None:
            return {}
        links = group(occurrences(load_roadmap_text(settings.roadmap_path, text)))
        return {link.url: link.sources for link in links}

    def url(self, sources: Mapping[str, tuple[Source, ...]]) -> str | None:
        """The URL this issue is about (its fingerprint names the first resource using it)."""
        key = fingerprint_of(self.event.issue_body)
        return next((url for url, places in sources.items()
                     if key == finding_key(None, url)
                     or any(key == finding_key(s.resource_id, url) for s in places)), None)


def _ignore(request: Request) -> Outcome:
    issue, label = request.issue(), request.settings.labels.ignore
    if label in issue.labels:
        return Outcome("already ignored", DONE)
    request.github.edit_issue(issue.number, labels=sorted(issue.labels | {label}))
    return Outcome("ignored", DONE, request.reply(
        f"Ignored: the bot leaves this issue alone (no update, comment or close), as with the "
        f"`{label}` label. `/roadmap-bot unignore` undoes it."))


def _unignore(request: Request) -> Outcome:
    issue, label = request.issue(), request.settings.labels.ignore
    if label not in issue.labels and snoozed_until(issue.body) is None:
        return Outcome("not ignored", DONE)
    request.github.edit_issue(issue.number, labels=sorted(issue.labels - {label}),
                              body=without_snooze(issue.body))
    return Outcome("unignored", DONE, request.reply(
        "Unignored: the next nightly run updates (or closes) this issue again."))


def _snooze(request: Request) -> Outcome:
    issue, days = request.issue(), request.command.days or 0
    day = (request.setup.now + timedelta(days=days)).date()
    until = f"{day.isoformat()}T00:00:00Z"  # a day, so the same command twice is one snooze
    if snoozed_until(issue.body) == until:
        return Outcome("already snoozed", DONE)
    request.github.edit_issue(issue.number, body=with_snooze(issue.body, until))
    return Outcome(f"snoozed until {until}", DONE, replies.snoozed(request.event.comment_id, until))


def _gone(request: Request) -> Outcome:
    return Outcome("no URL", PUZZLED, request.reply(
        "This issue's resource is no longer in roadmap.yaml (or has no link): nothing to check."))


def _recheck(request: Request) -> Outcome:
    url = request.url(request.roadmap())
    if url is None:
        return _gone(request)
    result = request.probe.check(url)
    seen = f"Rechecked {code(url)} now: {replies.verdict(result)}."
    issue = request.issue()
    healable = issue.labels & {request.settings.labels.broken, request.settings.labels.manual}
    if result.status is Status.OK and healable and issue.open:
        request.github.edit_issue(issue.number, state="closed", state_reason="completed",
                                  body=with_state(issue.body, CLOSED_BY_BOT))
        return Outcome("healthy: closed", DONE, request.reply(f"{seen} The link works: closing."))
    if result.status is Status.BROKEN:
        after = ("It stays open." if issue.open else "The nightly run confirms a break over two "
                 "runs at least 20 hours apart before it opens an issue again.")
        return Outcome("still broken", DONE, request.reply(f"{seen} {after}"))
    return Outcome(f"rechecked: {result.status.value}", DONE, request.reply(
        f"{seen} The nightly run keeps watching it."))


def _explain(request: Request) -> Outcome:
    url = request.url(request.roadmap())
    if url is None:
        return _gone(request)
    lines = request.probe.explain(url)
    return Outcome("explained", DONE, replies.explained(request.event.comment_id, url, lines))


def _replace(request: Request) -> Outcome:
    sources = request.roadmap()
    old, new = request.url(sources), request.command.url or ""
    if old is None:
        return _gone(request)
    if new == old:
        return Outcome("same URL", PUZZLED, request.reply("NEW_URL is the URL roadmap.yaml has."))
    fix = Fix(old, new, (FixKind.REQUESTED,), (f"asked for in #{request.event.number}",))
    pending = already_requested(request.github, request.setup.curate, fix)
    if pending is not None:
        return Outcome(f"already in #{pending}", DONE)
    result = request.probe.check(new)
    if result.status is Status.SKIPPED and result.reason == Reason.PRIVATE_ADDRESS:
        return Outcome("private address", PUZZLED, request.reply(
            f"Not added: {code(new)} points to a private or internal address, which the bot "
            "never requests."))
    if result.status is not Status.OK:
        return Outcome(f"new URL {result.status.value}", PUZZLED, request.reply(
            f"Not added: {code(new)} is {replies.verdict(result)} right now; only a link that "
            "answers `ok` goes into the fixes pull request."))
    evidence = (*fix.evidence, f"{code(new)} answered {replies.verdict(result)} on "
                f"{request.setup.now.date().isoformat()}")
    edit = add_to_pull(request.github, request.setup.curate, request.setup.context,
                       Fix(old, new, fix.kinds, evidence), sources)
    if edit.number is None:
        return Outcome(f"not added: {edit.problem}", PUZZLED,
                       request.reply(f"Not added: {edit.problem}."))
    return Outcome(f"added to #{edit.number}", DONE, request.reply(
        f"{code(new)} answers {replies.verdict(result)}: added to the fixes pull request "
        f"#{edit.number} (one line in roadmap.yaml, README.md re-rendered). It stays there on "
        "later nights until the pull request is merged or closed."))


HANDLERS: dict[Verb, Callable[[Request], Outcome]] = {
    Verb.IGNORE: _ignore,
    Verb.UNIGNORE: _unignore,
    Verb.SNOOZE: _snooze,
    Verb.RECHECK: _recheck,
    Verb.EXPLAIN: _explain,
    Verb.REPLACE: _replace,
}
