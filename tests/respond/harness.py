"""Comment commands as GitHub delivers them: a human comment in the fake GitHub, the
issue_comment payload (from the fixture GitHub's shape) on disk, and `respond` run on it."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bot.cli import build_parser
from bot.commands.respond import answer
from bot.respond.answer import Outcome
from tests.curate.nights import NIGHT0, World, break_

FIXTURE = Path(__file__).parent / "fixtures" / "issue_comment.created.json"
# The simulated web lives on 127.0.0.2-127.0.0.5: trusted. Any other private address (the
# tests use 127.0.0.200, which nothing answers) is refused by the address guard.
CONFIG = """\
check:
  trusted_networks: ['127.0.0.0/29']
  retries: 0
  connect_timeout: 1
  first_byte_timeout: 2
  total_timeout: 3
curate:
  github_backoff: 0.01
  github_write_interval: 0
"""
PRIVATE = "http://127.0.0.200:9/elsewhere"


def payload(world: World, number: int, comment: dict[str, Any]) -> dict[str, Any]:
    """The fixture payload, about issue (or PR) `number` and `comment`, as GitHub sends it."""
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    github = world.github
    item = github.pulls.get(number) or github.issues[number]
    issue = data["issue"]
    issue.update(number=number, title=item["title"], body=item["body"], state=item["state"],
                 labels=[{"id": 1, "name": label["name"], "color": "ededed", "default": False}
                         for label in item.get("labels", [])])
    if number in github.pulls:
        issue["pull_request"] = {"url": f"https://api.github.com/repos/owner/repo/pulls/{number}",
                                 "merged_at": None}
    data["comment"].update(id=comment["id"], body=comment["body"],
                           author_association=comment["author_association"])
    data["comment"]["user"].update(login=comment["user"]["login"], type=comment["user"]["type"])
    data["repository"]["full_name"] = github.full_name
    return data


def env(world: World, path: Path) -> dict[str, str]:
    return {"GITHUB_EVENT_NAME": "issue_comment", "GITHUB_EVENT_PATH": str(path),
            "GITHUB_TOKEN": world.github.token, "GITHUB_REPOSITORY": world.github.full_name,
            "GITHUB_API_URL": world.github.base, "GITHUB_SHA": "main"}


def write_event(world: World, number: int, body: str, association: str = "MEMBER",
                login: str = "maintainer") -> tuple[dict[str, Any], Path]:
    comment = world.github.human_comment(number, body, login, association)
    path = world.root / f"event-{comment['id']}.json"
    path.write_text(json.dumps(payload(world, number, comment)), encoding="utf-8")
    return comment, path


async def deliver(world: World, path: Path, day: float = 1.5) -> Outcome:
    """Run `respond` on the event at `path`, `day` days after the first night."""
    (world.root / "roadmap-bot.yaml").write_text(CONFIG, encoding="utf-8")
    args = build_parser(["respond"]).parse_args(
        ["respond", "--config", str(world.root / "roadmap-bot.yaml")])
    now: datetime = NIGHT0 + timedelta(days=day)
    world.github.calls.clear()
    return await asyncio.to_thread(answer, args, env(world, path), now)


async def say(world: World, number: int, body: str, association: str = "MEMBER",
              login: str = "maintainer", day: float = 1.5) -> tuple[dict[str, Any], Outcome]:
    """A comment on `number` and the bot's answer to it."""
    comment, path = write_event(world, number, body, association, login)
    return comment, await deliver(world, path, day)


async def broken_issue(world: World) -> int:
    """Beta's link breaks for two nights: its issue is open. Returns the issue's number."""
    break_(world, "beta")
    await world.night(0)
    await world.night(1)
    (issue,) = [i for i in world.issues() if "fingerprint=resource:beta-course" in i["body"]]
    return int(issue["number"])


def bot_replies(world: World, number: int) -> list[str]:
    """The bot's answers to commands (the nightly's own comments and other bots' left out)."""
    return [c["body"] for c in world.github.comments.get(number, [])
            if c["user"]["type"] == "Bot" and "roadmap-bot:reply-to=" in c["body"]]


def labels(world: World, number: int) -> set[str]:
    return {label["name"] for label in world.github.issues[number]["labels"]}
