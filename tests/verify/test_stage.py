"""The second-opinion stage against real local servers: walled sites, the fake archive, the
provider fakes; a quiet second night that asks nothing; bad answers that stay `unknown`."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot.check.engine import check_links
from bot.check.settings import CheckSettings, Remap
from bot.model import Link, LinkResult, Method, Opinion, Report, Source, Status
from bot.verify.settings import VerifySettings
from bot.verify.stage import Verified, verify
from tests.check.conftest import FAST
from tests.fakes.archive import FakeArchive, cdx_row
from tests.fakes.providers import Upstreams
from tests.simweb import Page, SimWeb

NOW = datetime(2026, 12, 4, 3, 0, tzinfo=UTC)
CF_CHALLENGE = Page(
    "<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>"
    "<script src='/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1'></script></body></html>",
    status=403, headers={"cf-mitigated": "challenge", "Server": "cloudflare"})
COURSE = Page("<html><head><title>MLflow course</title></head><body><h1>MLflow</h1>"
              + "<p>Learn MLflow end to end.</p>" * 50 + "</body></html>")


def ago(days: int) -> datetime:
    return NOW - timedelta(days=days)


async def night(links: list[Link], check: CheckSettings, archive: FakeArchive,
                memory: Verified | None = None, now: datetime = NOW,
                upstreams: Upstreams | None = None) -> Verified:
    report = await check_links(links, check, clock=lambda: now)
    return await verify(report, VerifySettings(archive=archive.base), check,
                        upstreams.settings() if upstreams else None, now=now,
                        memory=memory.memory if memory else None)


def settings_for(web: SimWeb, **changes: object) -> CheckSettings:
    extra = changes.pop("resolve", {})
    resolve = {**web.resolve_table(), **extra}  # type: ignore[dict-item]
    return replace(FAST, resolve=resolve, **changes)  # type: ignore[arg-type]


def one(verified: Verified) -> LinkResult:
    assert len(verified.report.links) == 1
    return verified.report.links[0]


async def test_walled_course_seen_alive_by_the_archive(web: SimWeb, archive: FakeArchive) -> None:
    udemy = await web.add_host("udemy")
    url = udemy.route("/course/mlflow-course/", CF_CHALLENGE)
    archive.captures[url] = [cdx_row(ago(400), 200, url), cdx_row(ago(32), 200, url)]
    verified = await night([Link(url)], settings_for(web), archive)
    result = one(verified)
    assert (result.status, result.reason) == (Status.BLOCKED, "bot_protection")
    assert result.verification is not None
    assert (result.verification.method, result.verification.verdict) == (Method.ARCHIVE,
                                                                         Opinion.ALIVE)
    assert result.verification.seen_alive == "2026-11-02"
    assert verified.report.summary.unverified == 0
    assert archive.hits["cdx"] == 1 and archive.hits["available"] == 0


async def test_archive_404_newest_is_gone_but_never_broken(web: SimWeb,
                                                           archive: FakeArchive) -> None:
    udemy = await web.add_host("udemy")
    url = udemy.route("/course/withdrawn/", CF_CHALLENGE)
    archive.captures[url] = [cdx_row(ago(200), 200, url), cdx_row(ago(40), 404, url),
                             cdx_row(ago(10), 404, url)]
    result = one(await night([Link(url)], settings_for(web), archive))
    assert result.status is Status.BLOCKED
    assert result.verification is not None and result.verification.verdict is Opinion.GONE
    assert "probably withdrawn since 2026-10-25" in result.verification.evidence


async def test_redirect_to_home_newest_reads_the_replay(web: SimWeb, archive: FakeArchive) -> None:
    udemy = await web.add_host("udemy")
    url = udemy.route("/course/old/", CF_CHALLENGE)
    archive.captures[url] = [cdx_row(ago(100), 200, url), cdx_row(ago(15), 301, url)]
    archive.replays[url] = udemy.url("/")
    result = one(await night([Link(url)], settings_for(web), archive))
    assert result.status is Status.BLOCKED
    assert result.verification is not None and result.verification.verdict is Opinion.GONE
    assert "front or search page" in result.verification.evidence
    assert archive.hits["replay"] == 1


async def test_alive_long_ago_and_no_capture_stay_unverified(web: SimWeb,
                                                             archive: FakeArchive) -> None:
    udemy = await web.add_host("udemy")
    old = udemy.route("/course/old-one/", CF_CHALLENGE)
    never = udemy.route("/course/never-archived/", CF_CHALLENGE)
    archive.captures[old] = [cdx_row(ago(300), 200, old)]
    verified = await night([Link(old), Link(never)], settings_for(web), archive)
    opinions = {r.url: r.verification for r in verified.report.links}
    assert opinions[old] is not None and opinions[old].verdict is Opinion.UNKNOWN
    assert opinions[old].seen_alive == "2026-02-07"
    assert opinions[never] is not None and opinions[never].verdict is Opinion.UNKNOWN
    assert verified.report.summary.unverified == 2
    assert all(r.status is Status.BLOCKED for r in verified.report.links)


async def test_bad_archive_answers_are_unknown_never_broken(web: SimWeb,
                                                            archive: FakeArchive) -> None:
    udemy = await web.add_host("udemy")
    urls = {how: udemy.route(f"/course/{how}/", CF_CHALLENGE)
            for how in ("garbage", "huge", "slow", "html", "everything")}
    for how, url in urls.items():
        archive.bad[url] = how
    archive.snapshots[urls["garbage"]] = {"status": "200", "timestamp": "20261120000000"}
    archive.snapshots[urls["huge"]] = {"status": "200", "timestamp": "29991120000000"}
    verified = await night([Link(u) for u in urls.values()], settings_for(web), archive)
    opinions = {r.url: r.verification for r in verified.report.links}
    assert not verified.report.has_broken
    assert all(r.status is Status.BLOCKED for r in verified.report.links)
    assert opinions[urls["garbage"]] is not None
    assert opinions[urls["garbage"]].verdict is Opinion.ALIVE  # availability API fell back
    for how in ("huge", "slow", "html", "everything"):
        found = opinions[urls[how]]
        assert found is not None and found.verdict is Opinion.UNKNOWN, how
    # A CDX answer that could not be read falls back on the availability API; no answer at
    # all (the slow one timed out) does not.
    assert archive.hits["available"] == 4


async def test_captures_dated_in_the_future_vouch_for_nothing(web: SimWeb,
                                                              archive: FakeArchive) -> None:
    udemy = await web.add_host("udemy")
    url = udemy.route("/course/from-the-future/", CF_CHALLENGE)
    archive.captures[url] = [cdx_row(datetime(2099, 1, 1, tzinfo=UTC), 200, url),
                             cdx_row(datetime(2098, 6, 1, tzinfo=UTC), 404, url)]
    result = one(await night([Link(url)], settings_for(web), archive))
    assert result.status is Status.BLOCKED
    assert result.verification is not None and result.verification.verdict is Opinion.UNKNOWN


async def test_an_archive_that_does_not_answer_is_asked_three_times_only(
        web: SimWeb, archive: FakeArchive) -> None:
    udemy = await web.add_host("udemy")
    links = [Link(udemy.route(f"/course/{n}/", CF_CHALLENGE)) for n in range(6)]
    check = settings_for(web, concurrency=1)
    report = await check_links(links, check, clock=lambda: NOW)
    down = web.closed_port_url().rstrip("/")
    verified = await verify(report, VerifySettings(archive=down), check, None, now=NOW)
    assert verified.requests == 3
    assert all(r.verification is not None and r.verification.verdict is Opinion.UNKNOWN
               and r.status is Status.BLOCKED for r in verified.report.links)
    assert verified.memory == {}  # nothing answered: asked again next night


async def test_datacamp_track_verified_on_its_public_page(web: SimWeb,
                                                          archive: FakeArchive) -> None:
    app, www = await web.add_host("app"), await web.add_host("www")
    walled = app.route("/learn/skill-tracks/python-programming", Page(
        "<title>Sign in</title><form>login</form>", status=401))
    www.route("/tracks/python-programming", COURSE)
    remap = Remap("test-skill-track", re.compile(re.escape(app.url("/learn/skill-tracks/"))
                                                 + r"([^/?#]+).*$"), www.url("/tracks/") + r"\1")
    check = settings_for(web, remaps=(remap,))
    verified = await night([Link(walled)], check, archive)
    result = one(verified)
    assert result.status is Status.OK
    assert result.verification is not None
    assert result.verification.method is Method.PUBLIC_PAGE
    assert result.verification.verdict is Opinion.ALIVE
    assert result.verification.source == www.url("/tracks/python-programming")
    assert app.requests == 0 and archive.requests == 0


async def test_quiet_second_night_asks_the_archive_nothing(web: SimWeb,
                                                           archive: FakeArchive) -> None:
    udemy = await web.add_host("udemy")
    url = udemy.route("/course/mlflow-course/", CF_CHALLENGE)
    archive.captures[url] = [cdx_row(ago(20), 200, url)]
    check = settings_for(web)
    first = await night([Link(url)], check, archive)
    assert archive.requests == 1 and first.asked == 1
    second = await night([Link(url)], check, archive, first, NOW + timedelta(days=1))
    assert archive.requests == 1, "a quiet night must not ask the archive again"
    assert (second.asked, second.reused, second.requests) == (0, 1, 0)
    assert second.memory == first.memory
    assert one(second).verification == one(first).verification


async def test_archive_asked_again_after_a_week_or_when_the_check_changes(
        web: SimWeb, archive: FakeArchive) -> None:
    udemy = await web.add_host("udemy")
    url = udemy.route("/course/mlflow-course/", CF_CHALLENGE)
    archive.captures[url] = [cdx_row(ago(20), 200, url)]
    check = settings_for(web)
    first = await night([Link(url)], check, archive)
    await night([Link(url)], check, archive, first, NOW + timedelta(days=7))
    assert archive.requests == 2
    udemy.route("/course/mlflow-course/", Page("no", status=403))  # http_403, not the challenge
    changed = await night([Link(url)], check, archive, first, NOW + timedelta(days=1))
    assert archive.requests == 3 and changed.asked == 1


async def test_error_links_wait_for_a_streak(web: SimWeb, archive: FakeArchive) -> None:
    flaky = await web.add_host("flaky")
    url = flaky.route("/down", Page("down", status=503))
    archive.captures[url] = [cdx_row(ago(3), 200, url)]
    check = settings_for(web, retries=0)
    report = await check_links([Link(url)], check, clock=lambda: NOW)
    alone = await verify(report, VerifySettings(archive=archive.base), check, None, now=NOW)
    assert one(alone).verification is None and archive.requests == 0
    streak = await verify(report, VerifySettings(archive=archive.base), check, None, now=NOW,
                          failing_before=frozenset({url}))
    assert one(streak).verification is not None
    assert one(streak).verification.verdict is Opinion.ALIVE  # type: ignore[union-attr]
    assert streak.report.summary.unverified == 0


async def test_a_youtube_provider_vouches_before_the_archive(
        web: SimWeb, archive: FakeArchive, upstreams: Upstreams) -> None:
    youtube = await web.add_host("youtube")
    youtube.route("/watch", Page("consent", status=403))
    check = settings_for(web, resolve={"www.youtube.com": (youtube.address,)})
    url = f"http://www.youtube.com:{youtube.port}/watch?v=gxPykhPxRW0"
    gone = f"http://www.youtube.com:{youtube.port}/watch?v=XXXXXXXXXXX"
    verified = await night([Link(url, (Source("roadmap.yaml", 3, "Terraform video"),)),
                            Link(gone)], check, archive, upstreams=upstreams)
    opinions = {r.url: r.verification for r in verified.report.links}
    assert opinions[url] is not None and opinions[url].method is Method.PROVIDER
    assert opinions[url].verdict is Opinion.ALIVE and opinions[url].source == "youtube"
    assert opinions[gone] is not None and opinions[gone].verdict is Opinion.GONE
    assert archive.requests == 0 and upstreams.count("other", "/oembed") == 2
    assert verified.requests == 2
    assert all(r.status is Status.BLOCKED for r in verified.report.links)
    assert set(verified.memory) == {url, gone}  # oEmbed's 404 is an answer worth keeping


async def test_an_inconclusive_run_is_not_verified(archive: FakeArchive) -> None:
    report = Report(("x",), NOW, (LinkResult("http://127.0.0.1:9/x", Status.BLOCKED, "http_403"),),
                    inconclusive=True, inconclusive_reason="offline")
    verified = await verify(report, VerifySettings(archive=archive.base), FAST, None, now=NOW)
    assert verified.report is report and archive.requests == 0
