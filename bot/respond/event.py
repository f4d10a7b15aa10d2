"""The `issue_comment` event as Actions hands it over, read into one frozen record."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.errors import InputError
from bot.fileio import read_json

EVENT_NAME = "issue_comment"
# Only a new comment is a command: an edited one would run the command again.
ACTIONS = frozenset({"created"})
KIND_NAMES = {int: "number", str: "string"}


@dataclass(frozen=True, slots=True)
class CommentEvent:
    """Who commented what, on which issue (or PR: on GitHub every PR is an issue)."""

    repository: str
    number: int
    is_pull: bool
    issue_body: str
    issue_labels: frozenset[str]
    comment_id: int
    comment_body: str
    author: str
    association: str
    author_is_bot: bool


def _field(data: Any, path: str, kind: type, where: str) -> Any:
    value = data
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
        raise InputError(f"not an issue_comment payload: {path} is missing or not a "
                         f"{KIND_NAMES[kind]}", where)
    return value


def parse_event(data: Any, where: str) -> CommentEvent:
    """The record from a decoded payload; InputError naming the first missing field."""
    labels = data.get("issue", {}).get("labels") if isinstance(data, dict) else None
    return CommentEvent(
        repository=_field(data, "repository.full_name", str, where),
        number=_field(data, "issue.number", int, where),
        is_pull=isinstance(data["issue"].get("pull_request"), dict),
        issue_body=data["issue"].get("body") or "",
        issue_labels=frozenset(str(label.get("name")) for label in labels or []
                               if isinstance(label, dict)),
        comment_id=_field(data, "comment.id", int, where),
        comment_body=_field(data, "comment.body", str, where),
        author=_field(data, "comment.user.login", str, where),
        association=_field(data, "comment.author_association", str, where),
        author_is_bot=data["comment"]["user"].get("type") == "Bot",
    )


def read_event(name: str, path: str) -> CommentEvent | None:
    """The comment event in the file at `path`, or None when the event is not one to answer
    (another event, or a comment edited or deleted)."""
    if name != EVENT_NAME:
        return None
    data = read_json(path, "the event")
    if not isinstance(data, dict) or data.get("action") not in ACTIONS:
        return None
    return parse_event(data, path)
