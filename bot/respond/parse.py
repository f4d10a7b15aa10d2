"""The comment command grammar, strict and pure: text in, a `Command` or a refusal out.

    /roadmap-bot recheck | ignore | unignore | explain
    /roadmap-bot snooze N(d|w)        N days or weeks, at most MAX_SNOOZE_DAYS
    /roadmap-bot replace NEW_URL      one http(s) URL, validated like every checked URL

The command is the comment's first line; the lines after it are the maintainer's prose and
are never read. Nothing parsed here reaches a shell, a file path or the YAML structure: a
URL ends up as one scalar value spliced by `yaml_edit`, which re-reads the file to prove it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.check.http import checked_url

PREFIX = "/roadmap-bot"
MAX_SNOOZE_DAYS = 180
MAX_URL = 2000
_DURATION = re.compile(r"^([1-9][0-9]{0,3})([dw])$")


class Verb(StrEnum):
    RECHECK = "recheck"
    IGNORE = "ignore"
    UNIGNORE = "unignore"
    SNOOZE = "snooze"
    REPLACE = "replace"
    EXPLAIN = "explain"


ARGUMENTS = {Verb.SNOOZE: "N(d|w)", Verb.REPLACE: "NEW_URL"}  # the others take none


@dataclass(frozen=True, slots=True)
class Command:
    verb: Verb
    days: int | None = None
    url: str | None = None

    @property
    def text(self) -> str:
        """The command as one canonical line (what a reply quotes)."""
        argument = f" {self.days}d" if self.days is not None else f" {self.url}" if self.url else ""
        return f"{self.verb.value}{argument}"


@dataclass(frozen=True, slots=True)
class Refusal:
    """A comment addressed to the bot that is not a valid command, and why."""

    reason: str


def addressed(body: str) -> bool:
    """Whether the comment's first line is a `/roadmap-bot` command line."""
    first = body.lstrip().split("\n", 1)[0]
    return first == PREFIX or first.startswith((PREFIX + " ", PREFIX + "\t"))


def parse(body: str) -> Command | Refusal | None:
    """The command in `body`; None when the comment does not address the bot."""
    if not addressed(body):
        return None
    words = body.lstrip().split("\n", 1)[0].split()[1:]
    if not words:
        return Refusal("no command given")
    verb = next((v for v in Verb if v.value == words[0]), None)
    if verb is None:
        return Refusal("unknown command")
    wants = 1 if verb in ARGUMENTS else 0
    if len(words) - 1 != wants:
        usage = f" {ARGUMENTS[verb]}" if verb in ARGUMENTS else ""
        return Refusal(f"usage: {PREFIX} {verb.value}{usage}")
    if verb is Verb.SNOOZE:
        return _snooze(words[1])
    if verb is Verb.REPLACE:
        return _replace(words[1])
    return Command(verb)


def _snooze(duration: str) -> Command | Refusal:
    match = _DURATION.match(duration)
    if match is None:
        return Refusal("snooze takes a number of days or weeks, like 30d or 2w")
    days = int(match.group(1)) * (7 if match.group(2) == "w" else 1)
    if days > MAX_SNOOZE_DAYS:
        return Refusal(f"snooze is limited to {MAX_SNOOZE_DAYS} days")
    return Command(Verb.SNOOZE, days=days)


def url_refusal(url: str) -> str | None:
    """Why `url` may not go into roadmap.yaml, or None (the address guard comes at check time)."""
    if len(url) > MAX_URL or not url.isprintable() or not url.isascii():
        return f"NEW_URL must be printable ASCII of at most {MAX_URL} characters"
    if not url.lower().startswith(("http://", "https://")):
        return "NEW_URL must start with http:// or https://"
    problem = checked_url(url)[1]
    return f"NEW_URL is not a valid URL: {problem}" if problem else None


def _replace(url: str) -> Command | Refusal:
    refusal = url_refusal(url)
    return Refusal(refusal) if refusal else Command(Verb.REPLACE, url=url)
