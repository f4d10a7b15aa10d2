"""The "Link health" dashboard over real nights: created once, edited only when what it
shows changes, a ticked box honoured and unticked, never closed, pinned when GitHub allows."""

from __future__ import annotations

from dataclasses import replace

from bot.curate.fingerprint import fingerprint_of
from tests.curate.nights import World, break_, heal
from tests.simweb import Page, Redirect


def dashboards(world: World) -> list[dict]:
    return [i for i in world.issues() if fingerprint_of(i["body"]) == "dashboard"]


def tick(issue: dict, box: str) -> None:
    issue["body"] = issue["body"].replace(f"- [ ] <!-- roadmap-bot:box={box} -->",
                                          f"- [x] <!-- roadmap-bot:box={box} -->")


async def test_the_dashboard_is_created_once_and_edited_only_on_change(world: World) -> None:
    world.curate = replace(world.curate, dashboard=True)
    await world.night(0)
    (board,) = dashboards(world)
    assert board["title"] == "Link health" and board["state"] == "open"
    assert {label["name"] for label in board["labels"]} == {"roadmap-bot"}
    assert "#### Open findings (0)" in board["body"]
    assert any("could not pin the dashboard" in line for line in world.log)  # no GraphQL here
    await world.night(1)  # quiet: the same two reads as without a dashboard, no write
    assert world.github.writes() == [] and len(world.github.calls) == 2
    break_(world, "beta")
    world.hosts["alpha"].route("/alpha", Page("<title>Forbidden</title>", status=403))
    await world.night(2)
    assert "#### Blocked or unverified links (1)" in board["body"]
    assert f"`{world.urls['alpha']}` is `blocked`: Alpha Guide, 1\\. Basics" in board["body"]
    await world.night(3)
    (issue,) = [i for i in world.issues() if i is not board]
    assert "#### Open findings (1)" in board["body"]
    assert f"- Broken link: Beta Course: #{issue['number']}" in board["body"]
    await world.night(4)
    assert world.github.writes() == [] and len(dashboards(world)) == 1
    heal(world, "beta")
    heal(world, "alpha")
    await world.night(5)  # everything heals: the finding's issue closes, the dashboard stays
    assert issue["state"] == "closed" and board["state"] == "open"
    assert "#### Open findings (0)" in board["body"] and len(dashboards(world)) == 1


async def test_a_ticked_rebase_box_is_honoured_and_unticked(world: World) -> None:
    world.curate = replace(world.curate, dashboard=True)
    gamma = world.hosts["gamma"]
    new = gamma.route("/gamma-new", Page("<title>gamma</title>"))
    gamma.route("/gamma", Redirect(new, 301))
    await world.night(0)
    (board,) = dashboards(world)
    (pull,) = world.github.pulls.values()
    assert f"#### Pending fixes in #{pull['number']} (1)" in board["body"]
    github = world.github
    main = github.refs["heads/main"]
    files = {**github.trees[github.commits[main]["tree"]], "NOTES.md": "new on main\n"}
    github.refs["heads/main"] = github.commit_files(files, parent=main, message="later")
    await world.night(1)  # the PR's text is unchanged: nothing to write
    assert github.writes() == [] and github.file_at("roadmap-bot/fixes", "NOTES.md") is None
    tick(board, "rebase")
    await world.night(2)
    assert github.file_at("roadmap-bot/fixes", "NOTES.md") == "new on main\n"
    head = github.refs["heads/roadmap-bot/fixes"]
    assert github.commits[head]["parents"] == [github.refs["heads/main"]]
    assert "- [ ] <!-- roadmap-bot:box=rebase -->" in board["body"]
    assert any("dashboard: rebase asked for" in line for line in world.log)
    await world.night(3)
    assert github.writes() == []


async def test_a_ticked_recheck_box_is_unticked_and_a_closed_dashboard_stays_closed(
        world: World) -> None:
    world.curate = replace(world.curate, dashboard=True)
    await world.night(0)
    (board,) = dashboards(world)
    tick(board, "recheck")
    await world.night(1)
    assert "- [ ] <!-- roadmap-bot:box=recheck -->" in board["body"]
    assert [method for method, _ in world.github.writes()] == ["PATCH"]
    world.github.human_close(board["number"])
    break_(world, "beta")
    for night in (2, 3):
        await world.night(night)
    assert board["state"] == "closed" and len(dashboards(world)) == 1


async def test_off_means_no_dashboard(world: World) -> None:
    await world.night(0)
    assert dashboards(world) == [] and world.github.writes() == []


async def test_pinned_through_graphql_where_github_offers_it(world: World) -> None:
    world.curate = replace(world.curate, dashboard=True)
    world.github.graphql = True
    await world.night(0)
    (board,) = dashboards(world)
    assert world.github.pinned == [f"I_{board['number']}"]
    assert not any("could not pin" in line for line in world.log)
    await world.night(1)  # pinned once, when it was created
    assert world.github.pinned == [f"I_{board['number']}"] and world.github.writes() == []
