"""The bot's replies to comment commands, built purely; hidden markers make them idempotent.

Every reply carries `reply-to=<comment id>`: a rerun of the same event finds it and does
nothing. The polite refusal to a non-maintainer carries its own marker, so an issue gets at
most one. Nothing a commenter wrote is echoed except through `escape` (code spans, no
mentions, no links, capped), and the comment's text is never quoted back as Markdown.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.curate.escape import code
from bot.curate.fingerprint import PREFIX
from bot.curate.issue_text import when
from bot.model import LinkResult
from bot.respond.parse import PREFIX as COMMAND

NOT_A_MAINTAINER = f"<!-- {PREFIX}:not-a-maintainer -->"
_REPLY_TO = re.compile(r"<!-- roadmap-bot:reply-to=(\d+) -->")
EXPLAIN_LINES = 40
EXPLAIN_WIDTH = 200

HELP = (
    f"Commands, one per comment, on its first line:\n"
    f"- `{COMMAND} recheck`: check this link now; closes the issue if the link works\n"
    f"- `{COMMAND} ignore` / `{COMMAND} unignore`: the same as the ignore label\n"
    f"- `{COMMAND} snooze 30d` (or `2w`): leave this issue alone until then\n"
    f"- `{COMMAND} replace NEW_URL`: check NEW_URL now and, if it works, put it in the "
    f"fixes pull request\n"
    f"- `{COMMAND} explain`: show how the bot checks this link\n"
)


def reply_marker(comment_id: int) -> str:
    return f"<!-- {PREFIX}:reply-to={comment_id} -->"


def answered(bodies: Iterable[str]) -> frozenset[int]:
    """The comment ids the bot already replied to, from its own comments' bodies."""
    return frozenset(int(found) for body in bodies for found in _REPLY_TO.findall(body))


def reply(comment_id: int, text: str) -> str:
    return f"{reply_marker(comment_id)}\n{text.rstrip()}\n"


def not_a_maintainer(comment_id: int) -> str:
    return reply(comment_id, f"{NOT_A_MAINTAINER}\nThanks for the note! Only the "
                 "repository's owners, members and collaborators can give roadmap-bot "
                 "commands, so I am leaving this issue as it is. A maintainer will have a look.")


def help_reply(comment_id: int, reason: str) -> str:
    return reply(comment_id, f"I did not act on that ({reason}).\n\n{HELP}")


def not_here(comment_id: int, where: str) -> str:
    return reply(comment_id, f"Commands work on the issue of one link; this is {where}. "
                 "Comment on the link's issue instead.\n\n" + HELP)


def verdict(result: LinkResult) -> str:
    http = f", HTTP {result.http_status}" if result.http_status else ""
    return f"{code(result.status.value, 20)} ({code(result.reason, 40)}{http})"


def explained(comment_id: int, url: str, lines: list[str]) -> str:
    """`explain`'s output in a code block: bounded, one line each, no backtick to break out."""
    shown = ["".join(ch if ch.isprintable() else " " for ch in line)[:EXPLAIN_WIDTH]
             .replace("`", "'") for line in lines[:EXPLAIN_LINES]]
    if len(lines) > EXPLAIN_LINES:
        shown.append(f"... {len(lines) - EXPLAIN_LINES} more lines")
    block = "\n".join(["```text", *shown, "```"])
    return reply(comment_id, f"How the bot sees {code(url)} right now:\n\n{block}")


def snoozed(comment_id: int, until: str) -> str:
    return reply(comment_id, f"Snoozed: the bot leaves this issue alone until {when(until)}. "
                 f"`{COMMAND} unignore` ends it early; a new `snooze` replaces it.")
