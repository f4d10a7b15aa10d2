"""Comment commands end to end: issue_comment payloads through `respond`, against the fake
GitHub and the simulated web, then the real nightly run to see the commands honoured."""

from __future__ import annotations

import difflib

from tests.curate.nights import World, heal
from tests.respond.harness import (
    PRIVATE,
    bot_replies,
    broken_issue,
    deliver,
    labels,
    say,
    write_event,
)
from tests.simweb import Page, Redirect


async def test_ignore_reacts_replies_once_and_twice_does_nothing_twice(world: World) -> None:
    number = await broken_issue(world)
    comment, _ = await say(world, number, "/roadmap-bot ignore\nThis one is a classic.")
    assert "roadmap-bot:ignore" in labels(world, number)
    assert world.github.reactions(comment["id"]) == ["+1"]
    (reply,) = bot_replies(world, number)
    assert f"reply-to={comment['id']}" in reply and "Ignored" in reply
    # The same event again (a re-run workflow): nothing at all is written.
    path = world.root / f"event-{comment['id']}.json"
    assert (await deliver(world, path)).note == "already answered"
    assert world.github.writes() == []
    # The same command in a new comment: already in place, so a reaction and nothing else.
    again, outcome = await say(world, number, "/roadmap-bot ignore")
    assert outcome.note == "already ignored" and world.github.reactions(again["id"]) == ["+1"]
    assert len(bot_replies(world, number)) == 1
    assert [call for call in world.github.writes() if "reactions" not in call[1]] == []
    # Honoured by the nightly: the link heals, yet the ignored issue is left as it is.
    heal(world, "beta")
    await world.night(2)
    assert world.github.issues[number]["state"] == "open" and world.github.writes() == []


async def test_snooze_is_honoured_by_the_nightly_until_it_ends(world: World) -> None:
    number = await broken_issue(world)
    _, outcome = await say(world, number, "/roadmap-bot snooze 2w", day=1.5)
    assert outcome.note == "snoozed until 2026-11-16T00:00:00Z"
    assert "snoozed-until=2026-11-16T00:00:00Z" in world.github.issues[number]["body"]
    assert "2026-11-16 00:00 UTC" in bot_replies(world, number)[-1]
    _, again = await say(world, number, "/roadmap-bot snooze 14d", day=1.6)
    assert again.note == "already snoozed"  # the same day: one snooze, not two
    heal(world, "beta")
    for night in (2, 3, 14):
        await world.night(night)
        assert world.github.issues[number]["state"] == "open" and world.github.writes() == []
    await world.night(16)  # the snooze is over: the healed link's issue is closed
    assert world.github.issues[number]["state"] == "closed"


async def test_unignore_ends_an_ignore_and_a_snooze(world: World) -> None:
    number = await broken_issue(world)
    await say(world, number, "/roadmap-bot snooze 30d")
    await say(world, number, "/roadmap-bot ignore")
    _, outcome = await say(world, number, "/roadmap-bot unignore")
    assert outcome.note == "unignored" and "roadmap-bot:ignore" not in labels(world, number)
    assert "snoozed-until" not in world.github.issues[number]["body"]
    _, twice = await say(world, number, "/roadmap-bot unignore")
    assert twice.note == "not ignored"
    heal(world, "beta")
    await world.night(2)
    assert world.github.issues[number]["state"] == "closed"


async def test_recheck_closes_a_healed_link_and_keeps_a_broken_one(world: World) -> None:
    number = await broken_issue(world)
    _, outcome = await say(world, number, "/roadmap-bot recheck")
    assert outcome.note == "still broken" and world.github.issues[number]["state"] == "open"
    assert "`broken` (`http_404`, HTTP 404)" in bot_replies(world, number)[-1]
    heal(world, "beta")
    _, outcome = await say(world, number, "/roadmap-bot recheck")
    assert outcome.note == "healthy: closed"
    assert world.github.issues[number]["state"] == "closed"
    assert "The link works: closing." in bot_replies(world, number)[-1]
    await world.night(2)  # the bot closed it: the nightly agrees and writes nothing
    assert world.github.writes() == []


async def test_replace_lands_in_the_fixes_pr_the_same_day_and_stays(world: World) -> None:
    """gamma moved (a mechanical fix, so the PR is open); beta broke and a maintainer names its
    new home: the change joins the PR at once, and later nights keep it without a write."""
    gamma = world.hosts["gamma"]
    gamma.route("/gamma", Redirect(gamma.route("/gamma-new", Page("<title>g</title>")), 301))
    new = world.hosts["alpha"].route("/beta-new-home", Page("<title>Beta, moved</title>"))
    number = await broken_issue(world)
    (pull,) = world.github.pulls.values()
    comment, outcome = await say(world, number, f"/roadmap-bot replace {new}")
    assert outcome.note == f"added to #{pull['number']}"
    assert world.github.reactions(comment["id"]) == ["+1"]
    assert f"#{pull['number']}" in bot_replies(world, number)[-1]
    before = world.github.file_at("main", "roadmap.yaml") or ""
    after = world.github.file_at("roadmap-bot/fixes", "roadmap.yaml") or ""
    changed = [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(),
                                                     lineterm="", n=0)
               if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert f"+            url: '{new}'" in changed and len(changed) == 4  # beta's and gamma's
    assert f"]({new})" in (world.github.file_at("roadmap-bot/fixes", "README.md") or "")
    assert pull["title"] == "roadmap-bot: update 2 links (mechanical fixes)"
    assert "replacement asked for by a maintainer" in pull["body"]
    for night in (2, 3):  # kept by the nightly rebuild; a quiet night writes nothing
        await world.night(night)
        assert world.github.writes() == []
    assert f"url: '{new}'" in (world.github.file_at("roadmap-bot/fixes", "roadmap.yaml") or "")
    _, twice = await say(world, number, f"/roadmap-bot replace {new}")
    assert twice.note == f"already in #{pull['number']}"


async def test_replace_opens_the_fixes_pr_when_none_is_open(world: World) -> None:
    new = world.hosts["alpha"].route("/beta-new-home", Page("<title>Beta, moved</title>"))
    number = await broken_issue(world)
    assert world.github.pulls == {}
    _, outcome = await say(world, number, f"/roadmap-bot replace {new}")
    (pull,) = world.github.pulls.values()
    assert outcome.note == f"added to #{pull['number']}"
    assert pull["title"] == "roadmap-bot: update 1 link (mechanical fixes)"
    await world.night(2)
    assert world.github.writes() == []


async def test_replace_refuses_what_is_not_ok(world: World) -> None:
    gone = world.hosts["alpha"].route("/gone", Page("<title>Not Found</title>", status=404))
    number = await broken_issue(world)
    cases = {
        f"/roadmap-bot replace {gone}": ("new URL broken", "`broken` (`http_404`, HTTP 404)"),
        f"/roadmap-bot replace {PRIVATE}": ("private address", "private or internal address"),
        "/roadmap-bot replace ftp://files.example/x": ("NEW_URL must start with http:// or "
                                                        "https://", "NEW_URL must start"),
        "/roadmap-bot replace http://[::1/x": ("NEW_URL is not a valid URL: invalid IPv6 "
                                               "literal '[::1'", "invalid IPv6"),
        f"/roadmap-bot replace {world.urls['beta']}": ("same URL", "the URL roadmap.yaml has"),
    }
    for body, (note, text) in cases.items():
        comment, outcome = await say(world, number, body)
        assert outcome.note == note
        assert text in bot_replies(world, number)[-1]
        assert world.github.reactions(comment["id"]) == ["confused"]
    assert world.github.pulls == {}
    assert world.web.host("alpha").hits["/gone"] == 1


async def test_explain_posts_the_checks_steps_bounded_in_a_code_block(world: World) -> None:
    number = await broken_issue(world)
    _, outcome = await say(world, number, "/roadmap-bot explain")
    reply = bot_replies(world, number)[-1]
    assert outcome.note == "explained"
    assert "```text\n" in reply and "-> 404" in reply and reply.count("```") == 2


async def test_a_non_member_gets_no_action_and_one_polite_reply(world: World) -> None:
    number = await broken_issue(world)
    first, outcome = await say(world, number, "/roadmap-bot ignore", association="NONE",
                               login="passer-by")
    assert outcome.note == "not a maintainer"
    assert "roadmap-bot:ignore" not in labels(world, number)
    assert world.github.reactions(first["id"]) == []
    _, again = await say(world, number, "/roadmap-bot close", association="CONTRIBUTOR",
                         login="someone-else")
    assert again.note == "not a maintainer (told already)"
    (reply,) = bot_replies(world, number)
    assert "owners, members and collaborators" in reply


async def test_unknown_commands_get_the_help(world: World) -> None:
    number = await broken_issue(world)
    for body, note in (("/roadmap-bot", "no command given"),
                       ("/roadmap-bot merge", "unknown command"),
                       ("/roadmap-bot snooze forever", "snooze takes a number of days or weeks"),
                       ("/roadmap-bot snooze 1000w", "snooze is limited to 180 days"),
                       ("/roadmap-bot ignore now", "usage: /roadmap-bot ignore")):
        comment, outcome = await say(world, number, body)
        assert outcome.note.startswith(note)
        assert world.github.reactions(comment["id"]) == ["confused"]
        assert "`/roadmap-bot replace NEW_URL`" in bot_replies(world, number)[-1]


async def test_a_hostile_comment_reaches_nothing(world: World) -> None:
    """Mentions, images, HTML, links and a URL built to break out of the reply's Markdown:
    the reply echoes none of it as Markdown, and no file or shell sees any of it."""
    number = await broken_issue(world)
    hostile = ("/roadmap-bot @everyone <img src=x onerror=alert(1)> [click](https://evil.test)"
               " $(touch pwned) #1\n@maintainers please")
    _, outcome = await say(world, number, hostile)
    assert outcome.note == "unknown command"
    reply = bot_replies(world, number)[-1]
    for bad in ("@everyone", "<img", "evil.test", "$(touch", "@maintainers"):
        assert bad not in reply
    sneaky = world.hosts["alpha"].url("/x") + "?q=`](javascript:alert(1))@admin"
    _, outcome = await say(world, number, f"/roadmap-bot replace {sneaky}")
    reply = bot_replies(world, number)[-1]
    assert outcome.note == "new URL broken" and "`](javascript" not in reply
    assert "%60" in reply  # the backtick is escaped inside the code span
    assert not (world.root / "pwned").exists() and world.github.pulls == {}


async def test_comments_elsewhere_or_by_bots_are_not_answered(world: World) -> None:
    number = await broken_issue(world)
    other = world.github.issues.setdefault(99, {**world.github.issues[number], "number": 99,
                                               "body": "A human's issue", "labels": []})
    _, outcome = await say(world, other["number"], "/roadmap-bot ignore")
    assert outcome.note == "not on the bot's issue or pull request"
    _, outcome = await say(world, number, "/roadmap-bot ignore", login="some-app[bot]")
    assert outcome.note == "not a command"  # a bot's comment never commands the bot
    _, outcome = await say(world, number, "Thanks! /roadmap-bot ignore")
    assert outcome.note == "not a command"
    assert world.github.writes() == [] and bot_replies(world, number) == []


async def test_commands_on_the_fixes_pr_point_to_the_issue(world: World) -> None:
    gamma = world.hosts["gamma"]
    gamma.route("/gamma", Redirect(gamma.route("/gamma-new", Page("<title>g</title>")), 301))
    await world.night(0)
    (pull,) = world.github.pulls.values()
    comment, path = write_event(world, pull["number"], "/roadmap-bot recheck")
    outcome = await deliver(world, path)
    assert outcome.note == "recheck on the fixes pull request"
    assert "Comment on the link's issue" in world.github.comments[pull["number"]][-1]["body"]
    assert world.github.reactions(comment["id"]) == ["confused"]

