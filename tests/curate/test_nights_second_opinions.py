"""Whole nights with second opinions: the simulated web, the fake archive, the fake GitHub and
the real `run` pipeline. A walled link the archive saw alive never becomes an issue, a quiet
night asks the archive nothing and leaves history.json byte-identical, a "gone" opinion gets
its own issue, and the list of unconfirmed links is kept and closed when empty."""

from __future__ import annotations

import json
from datetime import timedelta

from bot.verify.settings import VerifySettings
from tests.curate.nights import NIGHT0, World, heal
from tests.fakes.archive import FakeArchive, cdx_row
from tests.simweb import Page

CHALLENGE = Page("<html><head><title>Just a moment...</title></head><body><script src="
                 "'/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1'></script></body>"
                 "</html>", status=403, headers={"cf-mitigated": "challenge"})


def wall(world: World, name: str) -> str:
    world.hosts[name].route(f"/{name}", CHALLENGE)
    return world.urls[name]


def verifying(archive: FakeArchive) -> dict[str, object]:
    return {"verify": VerifySettings(archive=archive.base)}


async def test_seen_alive_no_issue_and_quiet_nights_ask_nothing(world: World,
                                                                archive: FakeArchive) -> None:
    url = wall(world, "alpha")
    archive.captures[url] = [cdx_row(NIGHT0 - timedelta(days=d), 200, url) for d in (90, 12)]
    history = world.root / "reports/history.json"
    await world.night(0, **verifying(archive))
    assert archive.requests == 1
    stored = json.loads(history.read_text())["verifications"][url]
    assert (stored["verdict"], stored["direct"]) == ("alive", "blocked/bot_protection")
    await world.night(1, **verifying(archive))
    before = history.read_bytes()
    for n in range(2, 7):
        mark = len(world.log)
        await world.night(n, **verifying(archive))
        assert history.read_bytes() == before, f"night {n} rewrote the history"
        assert "history unchanged: reports/history.json" in world.log[mark:]
    assert archive.requests == 1, "quiet nights must not ask the archive again"
    assert world.issues() == []  # seven nights behind a wall, and no issue
    await world.night(7, **verifying(archive))
    assert archive.requests == 2  # a week later: asked once more
    assert world.issues() == []


async def test_a_gone_opinion_gets_its_own_issue_with_the_evidence(world: World,
                                                                   archive: FakeArchive) -> None:
    url = wall(world, "beta")
    archive.captures[url] = [cdx_row(NIGHT0 - timedelta(days=200), 200, url),
                             cdx_row(NIGHT0 - timedelta(days=30), 404, url),
                             cdx_row(NIGHT0 - timedelta(days=3), 404, url)]
    await world.night(0, **verifying(archive))
    assert world.issues() == []  # one night is not proof
    await world.night(1, **verifying(archive))
    (issue,) = world.issues()
    assert issue["title"] == "Needs a manual check: Beta Course"
    labels = {label["name"] for label in issue["labels"]}
    assert labels == {"roadmap-bot", "roadmap-bot:needs-manual-check"}  # normal priority
    assert "probably withdrawn since 2026\\-10\\-02" in issue["body"]
    report, _ = await world.night(2, **verifying(archive))
    assert [r.status.value for r in report.links if r.url == url] == ["blocked"]  # never broken
    assert world.github.writes() == []


async def test_unconfirmed_links_share_one_issue_closed_when_empty(world: World,
                                                                   archive: FakeArchive) -> None:
    for name in ("alpha", "gamma"):
        wall(world, name)  # the archive has no capture of either
    for n in range(5):
        await world.night(n, **verifying(archive))
    (listing,) = world.issues()
    assert listing["title"] == "Links no source could confirm (2)"
    assert "Alpha Guide" in listing["body"] and "Gamma Tutorial" in listing["body"]
    assert "no usable capture in the Internet Archive" in listing["body"]
    heal(world, "gamma")
    await world.night(5, **verifying(archive))
    assert listing["title"] == "Links no source could confirm (1)"
    assert "Gamma Tutorial" not in listing["body"] and listing["state"] == "open"
    heal(world, "alpha")
    await world.night(6, **verifying(archive))
    assert listing["state"] == "closed"
    assert "Every link is confirmed again" in world.github.comments[listing["number"]][-1]["body"]
