"""Whole-flow nights: the simulated web + the fake GitHub, the real `run` pipeline, 24 h apart."""

from __future__ import annotations

import asyncio
import difflib
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.check.settings import CheckSettings
from bot.commands.run import RunOptions, nightly
from bot.curate.fingerprint import fingerprint_marker
from bot.curate.github_adapter import GitHubAdapter, GitHubSettings
from bot.curate.issue_text import Context
from bot.curate.plan import Action
from bot.curate.settings import CurateSettings
from bot.errors import GitHubError
from bot.freshness.settings import FreshnessSettings
from bot.model import Report, Status
from bot.roadmap.load import load_roadmap
from bot.roadmap.render import END_MARKER, START_MARKER, render_roadmap
from tests.fakes.github_api import FakeState, Fault, serve
from tests.fakes.providers import start_upstreams
from tests.simweb import Page, Redirect, SimHost, SimWeb
from tests.workflows.test_nightly_history import step as workflow_step

NIGHT0 = datetime(2026, 11, 1, 3, 0, tzinfo=UTC)
NOT_FOUND = Page("<html><title>Not Found</title><body>No such page</body></html>", status=404)
HOSTS = ("alpha", "beta", "gamma", "delta")

ROADMAP = """\
# The test roadmap: comments and quoting must survive the fixes PR.
title: Test Roadmap
sections:
  - number: "1"
    title: Basics
    items:
      - label: Reading
        resources:
          - id: alpha-guide
            title: Alpha Guide
            kind: article
            url: {alpha}   # a comment
          - id: beta-course
            title: Beta Course
            kind: course
            url: '{beta}'
      - label: More
        resources:
          - id: gamma-tutorial
            title: Gamma Tutorial
            kind: tutorial
            url: {gamma}
          - id: delta-article
            title: Delta Article
            kind: article
            url: {delta}
"""


@dataclass
class World:
    """One simulated web, one fake GitHub, and a checkout in a temporary directory."""

    web: SimWeb
    github: FakeState
    root: Path
    hosts: dict[str, SimHost]
    urls: dict[str, str]
    log: list[str] = field(default_factory=list)
    curate: CurateSettings = field(default_factory=CurateSettings)
    sleeps: list[float] = field(default_factory=list)  # the adapter's waits, recorded not slept

    def options(self, **changes: object) -> RunOptions:
        check = CheckSettings(allow_private=True, retries=0, connect_timeout=1.0,
                              first_byte_timeout=2.0, total_timeout=3.0, run_deadline=30.0)
        options = RunOptions(
            roadmap="roadmap.yaml", history_path="reports/history.json", reports_dir="reports",
            check=check, freshness=FreshnessSettings(timeout=1.0), curate=self.curate,
            context=Context(self.github.full_name, "main"),
        )
        return replace(options, **changes)  # type: ignore[arg-type]

    def adapter(self) -> GitHubAdapter:
        return GitHubAdapter(GitHubSettings(self.github.full_name, self.github.base,
                                            self.github.token, timeout=3,
                                            seconds_between_writes=0, backoff=0.01),
                             sleep=self.sleeps.append)

    async def night(self, n: float, **changes: object) -> tuple[Report, list[Action]]:
        clock = lambda: NIGHT0 + timedelta(days=n)  # noqa: E731
        self.github.calls.clear()
        return await asyncio.to_thread(nightly, self.options(**changes), self.adapter(), clock,
                                       self.log.append)

    def issues(self) -> list[dict]:
        return list(self.github.issues.values())


@pytest.fixture
def github() -> Iterator[FakeState]:
    with serve() as state:
        yield state


@pytest.fixture
async def world(github: FakeState, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                ) -> AsyncIterator[World]:
    async with SimWeb() as web:
        hosts = {name: await web.add_host(name) for name in HOSTS}
        urls = {name: host.route(f"/{name}", Page(f"<title>{name}</title>"))
                for name, host in hosts.items()}
        text = ROADMAP.format(**urls)
        (tmp_path / "roadmap.yaml").write_text(text)
        rendered = render_roadmap(load_roadmap(str(tmp_path / "roadmap.yaml")).roadmap)
        readme = f"# Readme\n\n{START_MARKER}\n{rendered}{END_MARKER}\n\nMore text.\n"
        (tmp_path / "README.md").write_text(readme)
        github.seed({"roadmap.yaml": text, "README.md": readme})
        monkeypatch.chdir(tmp_path)
        yield World(web, github, tmp_path, hosts, urls)


def break_(world: World, name: str) -> None:
    world.hosts[name].route(f"/{name}", NOT_FOUND)


def heal(world: World, name: str) -> None:
    world.hosts[name].route(f"/{name}", Page(f"<title>{name}</title>"))


async def test_a_link_breaks_stays_broken_recovers_and_breaks_again(world: World) -> None:
    await world.night(0)
    assert world.issues() == [] and world.github.pulls == {}
    assert len(world.github.calls) == 2  # a quiet night: list issues, list pulls
    break_(world, "beta")
    await world.night(1)
    assert world.issues() == []  # one bad night is not proof
    await world.night(2)
    (issue,) = world.issues()
    assert issue["title"] == "Broken link: Beta Course"
    assert {label["name"] for label in issue["labels"]} == {"roadmap-bot", "roadmap-bot:broken-link"}
    assert "roadmap-bot:fingerprint=resource:beta-course" in issue["body"]
    assert "| HTTP status | 404 |" in issue["body"]
    await world.night(3)  # still broken: no duplicate, no comment, no edit
    assert len(world.issues()) == 1 and world.github.comments.get(issue["number"]) is None
    assert world.github.writes() == [] and len(world.github.calls) == 2
    heal(world, "beta")
    await world.night(4)
    assert issue["state"] == "closed" and len(world.github.comments[issue["number"]]) == 1
    break_(world, "beta")
    await world.night(5)
    await world.night(6)
    assert len(world.issues()) == 1 and issue["state"] == "open"  # reopened, not recreated
    assert "broke again" in world.github.comments[issue["number"]][-1]["body"]


def share_urls(world: World, **uses: str) -> dict[str, list[int]]:
    """Point resources at other resources' URLs (delta="beta": delta uses beta's URL);
    returns each URL's lines in roadmap.yaml."""
    roadmap = world.root / "roadmap.yaml"
    text = roadmap.read_text()
    for user, owner in uses.items():
        text = text.replace(world.urls[user], world.urls[owner])
    roadmap.write_text(text)
    lines = text.splitlines()
    return {name: [n for n, line in enumerate(lines, 1) if line.rstrip("'").endswith(url)]
            for name, url in world.urls.items()}


async def test_one_url_one_issue_listing_every_place(world: World) -> None:
    """A dead URL used twice and a walled URL used twice give one issue each, listing every
    place; the per-resource issues an older run opened converge into one, nothing new."""
    lines = share_urls(world, delta="beta", gamma="alpha")
    github = world.adapter()
    labels = ("roadmap-bot", "roadmap-bot:broken-link")
    old = {rid: github.create_issue(f"Broken link: {rid}", fingerprint_marker(
        f"resource:{rid}") + "\nwritten by an older roadmap-bot\n", labels)
        for rid in ("beta-course", "delta-article")}
    break_(world, "beta")
    world.hosts["alpha"].route("/alpha", Page("<title>Forbidden</title>", status=403))
    for n in range(5):
        await world.night(n)
    kept, merged = (world.github.issues[old[rid]] for rid in ("beta-course", "delta-article"))
    assert kept["state"] == "open" and merged["state"] == "closed"
    assert f"tracked in #{kept['number']}" in world.github.comments[merged["number"]][-1]["body"]
    assert "fingerprint=resource:beta-course" in kept["body"]
    assert "Used in 2 places" in kept["body"] and "Delta Article" in kept["body"]
    assert all(f"roadmap.yaml#L{line}" in kept["body"] for line in lines["beta"])
    (manual,) = [i for i in world.issues() if i["number"] not in old.values()]
    assert manual["title"] == "Needs a manual check: Alpha Guide"
    assert "Used in 2 places" in manual["body"] and "Gamma Tutorial" in manual["body"]
    assert all(f"roadmap.yaml#L{line}" in manual["body"] for line in lines["alpha"])
    await world.night(5)
    assert world.github.writes() == [] and len(world.issues()) == 3


BOOK = """\
          - id: terraform-book
            title: "Terraform: Up and Running, 3rd Edition"
            kind: book
            authors: [Yevgeniy Brikman]
            edition: 3
"""


async def test_issue_text_says_only_what_is_known_and_links_the_line(world: World) -> None:
    """Nothing dated the broken course and article: their issues say only what is known (the
    course is gone). The book has a newer edition (the fake Open Library): its stale issue
    links its line of roadmap.yaml."""
    roadmap = world.root / "roadmap.yaml"
    roadmap.write_text(roadmap.read_text() + BOOK)
    book_line = roadmap.read_text().splitlines().index("          - id: terraform-book") + 1
    break_(world, "beta")
    break_(world, "delta")
    upstreams = await start_upstreams()
    try:
        for n in range(3):
            await world.night(n, freshness=upstreams.settings(timeout=1.0))
    finally:
        await upstreams.close()
    issues = {issue["title"]: issue for issue in world.issues()}
    assert set(issues) == {"Broken link: Beta Course", "Broken link: Delta Article",
                           "Stale resource: Terraform: Up and Running, 3rd Edition"}
    broken = issues["Broken link: Beta Course"]["body"]
    for unknown in ("`unknown`", "updated unknown", "from unknown", "| unknown |"):
        assert unknown not in broken
    assert "- **Verdict:** `broken`" in broken  # the course is gone: that much is known
    assert "#### Freshness" not in issues["Broken link: Delta Article"]["body"]
    stale = issues["Stale resource: Terraform: Up and Running, 3rd Edition"]["body"]
    assert f"/blob/main/roadmap.yaml#L{book_line})" in stale
    assert "Fourth Edition" in stale and "- **Verdict:** `stale`" in stale


async def test_a_maintainers_close_stands(world: World) -> None:
    break_(world, "beta")
    await world.night(0)
    await world.night(1)
    (issue,) = world.issues()
    world.github.human_close(issue["number"])
    for n in (2, 3, 4):
        await world.night(n)
    assert len(world.issues()) == 1 and issue["state"] == "closed"
    assert world.github.comments.get(issue["number"]) is None


async def test_a_permanent_redirect_becomes_one_pr_with_a_one_line_yaml_diff(world: World) -> None:
    gamma = world.hosts["gamma"]
    new = gamma.route("/gamma-new", Page("<title>gamma</title>"))
    gamma.route("/gamma", Redirect(new, 301))
    await world.night(0)
    (pull,) = world.github.pulls.values()
    assert pull["head_ref"] == "roadmap-bot/fixes" and pull["state"] == "open"
    before = world.github.file_at("main", "roadmap.yaml") or ""
    after = world.github.file_at("roadmap-bot/fixes", "roadmap.yaml") or ""
    diff = [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(),
                                                  lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert diff == [f"-            url: {world.urls['gamma']}", f"+            url: {new}"]
    readme = world.github.file_at("roadmap-bot/fixes", "README.md") or ""
    assert f"]({new})" in readme and readme.endswith("More text.\n")
    assert "permanent redirect" in pull["body"] and world.issues() == []
    await world.night(1)  # same fix: nothing to write
    assert world.github.writes() == []
    world.github.human_close_pull(pull["number"])  # rejected
    await world.night(2)
    assert len(world.github.pulls) == 1 and world.github.writes() == []


async def test_a_front_page_leading_into_its_own_site_is_not_a_move(world: World) -> None:
    """gamma's front page redirects permanently to its /book/index.html: ok, with the hop in
    the report, and no fix; delta's front page moved to another site: that one is fixed."""
    gamma, delta = world.hosts["gamma"], world.hosts["delta"]
    book = gamma.route("/book/index.html", Page("<title>The book</title>"))
    gamma.route("/", Redirect(book, 301))
    elsewhere = world.hosts["alpha"].route("/delta-home", Page("<title>Delta</title>"))
    delta.route("/", Redirect(elsewhere, 301))
    roadmap = world.root / "roadmap.yaml"
    roadmap.write_text(roadmap.read_text().replace(world.urls["gamma"], gamma.url("/"))
                       .replace(world.urls["delta"], delta.url("/")))
    for n in range(3):
        report, _ = await world.night(n)
        front = next(r for r in report.links if r.url == gamma.url("/"))
        assert (front.status, front.final_url) == (Status.OK, book)
        assert [hop.status for hop in front.redirects] == [301]
    (pull,) = world.github.pulls.values()
    fixed = world.github.file_at("roadmap-bot/fixes", "roadmap.yaml") or ""
    assert f"url: {elsewhere}" in fixed and f"url: {gamma.url('/')}" in fixed
    assert book not in fixed and book not in pull["body"] and world.issues() == []


async def test_the_pr_closes_when_its_fix_is_no_longer_needed(world: World) -> None:
    gamma = world.hosts["gamma"]
    gamma.route("/gamma", Redirect(gamma.route("/gamma-new", Page()), 301))
    await world.night(0)
    heal(world, "gamma")
    await world.night(1)
    (pull,) = world.github.pulls.values()
    assert pull["state"] == "closed" and not pull["merged"]


async def test_a_502_in_the_middle_of_a_run_converges_next_night(world: World) -> None:
    break_(world, "beta")
    break_(world, "delta")
    await world.night(0)
    world.github.faults.append(Fault(at=2, status=502, method="POST", path_contains="/issues",
                                     times=20))
    with pytest.raises(GitHubError, match="502"):
        await world.night(1)
    assert len(world.issues()) == 1
    world.github.faults.clear()
    await world.night(2)
    titles = sorted(issue["title"] for issue in world.issues())
    assert titles == ["Broken link: Beta Course", "Broken link: Delta Article"]
    await world.night(3)
    assert len(world.issues()) == 2 and world.github.writes() == []


async def test_a_create_that_keeps_failing_backs_off_and_counts_its_attempts(world: World
                                                                          ) -> None:
    break_(world, "beta")
    await world.night(0)
    world.github.faults.append(Fault(at=1, status=502, method="POST", path_contains="/issues",
                                     times=4))
    with pytest.raises(GitHubError, match=r"creating an issue: GitHub answered 502 "
                                          r"\(Server Error \(injected\)\) after 4 attempts"):
        await world.night(1)
    assert world.sleeps == [0.01, 0.02, 0.04]  # github_backoff, doubling
    assert world.issues() == []
    world.github.faults.clear()
    await world.night(2)
    assert [issue["title"] for issue in world.issues()] == ["Broken link: Beta Course"]


async def test_a_write_github_always_refuses_does_not_stop_the_night(world: World) -> None:
    """GitHub refuses to create one issue, every night: the other issue and the fixes PR
    that come after it are still made, each failure is reported with its action, and the
    night ends in an error; once GitHub accepts it, the night is clean."""
    break_(world, "beta")
    break_(world, "delta")
    await world.night(0)
    gamma = world.hosts["gamma"]
    gamma.route("/gamma", Redirect(gamma.route("/gamma-new", Page()), 301))
    refuse = Fault(at=1, status=422, method="POST", path_contains="/issues",
                   body_contains="fingerprint=resource:beta-course", times=1000)
    world.github.faults.append(refuse)
    for n in (1, 2):
        mark = len(world.log)
        with pytest.raises(GitHubError, match=r"^1 of \d GitHub actions failed: create issue "
                                              r"'Broken link: Beta Course'.*422"):
            await world.night(n)
        assert [issue["title"] for issue in world.issues()] == ["Broken link: Delta Article"]
        assert len(world.github.pulls) == 1
        failed = [line for line in world.log[mark:] if line.startswith("failed:")]
        assert failed == [
            "failed: create issue 'Broken link: Beta Course' "
            "labels=roadmap-bot,roadmap-bot:broken-link: creating an issue: GitHub answered "
            "422 (Server Error (injected)) after 1 attempt"]
    world.github.faults.clear()
    await world.night(3)
    assert sorted(issue["title"] for issue in world.issues()) == [
        "Broken link: Beta Course", "Broken link: Delta Article"]


async def test_the_run_command_tries_every_action_then_exits_3(
        world: World, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli import main

    (world.root / "roadmap-bot.yaml").write_text(CONFIG)
    for name, value in (("GITHUB_TOKEN", world.github.token), ("GITHUB_API_URL", world.github.base),
                        ("GITHUB_REPOSITORY", world.github.full_name)):
        monkeypatch.setenv(name, value)
    break_(world, "beta")
    await world.night(0)
    await world.night(1)
    (issue,) = world.issues()
    heal(world, "beta")  # the issue is to be closed ...
    gamma = world.hosts["gamma"]  # ... and the fixes PR opened after it
    gamma.route("/gamma", Redirect(gamma.route("/gamma-new", Page()), 301))
    world.github.faults.append(Fault(at=1, status=422, method="POST", times=1000,
                                     path_contains=f"/issues/{issue['number']}/comments"))
    assert await asyncio.to_thread(main, ["run", "--allow-private"]) == 3
    assert issue["state"] == "open" and len(world.github.pulls) == 1
    out, err = capsys.readouterr()
    assert f"failed: close issue #{issue['number']}" in out
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1].startswith(
        "roadmap-bot run: 1 of 2 GitHub actions failed: close issue #")


STEP_CONFIG = """\
check: {allow_private: true, retries: 0, connect_timeout: 1, first_byte_timeout: 2,
        total_timeout: 3}
freshness: {timeout: 1}
curate: {github_backoff: 0.01, github_write_interval: 0}
"""


def nightly_step(world: World) -> subprocess.CompletedProcess[str]:
    """The nightly workflow's "Run roadmap-bot" step, its script as Actions runs it, with the
    installed roadmap-bot as the checkout's .venv/bin/roadmap-bot (and the real clock)."""
    script = workflow_step("Run roadmap-bot")["run"]
    env = {**os.environ, "GITHUB_TOKEN": world.github.token, "DRY_RUN": "false",
           "GITHUB_REPOSITORY": world.github.full_name, "GITHUB_API_URL": world.github.base,
           "SECTION": "", "ONLY_URL": ""}
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
                          cwd=world.root, capture_output=True, text=True, env=env, timeout=120,
                          check=False)


async def test_the_nightly_step_fails_when_the_run_fails_not_for_broken_links(world: World
                                                                             ) -> None:
    """nightly.yml says what `run`'s exit status means; the step's script, run for real,
    agrees: broken links (confirmed, with their issue) pass, a GitHub failure fails, and so
    does a crash (Python's status 1, which the step once took for "broken links found")."""
    (world.root / "roadmap-bot.yaml").write_text(STEP_CONFIG)
    (world.root / ".venv/bin").mkdir(parents=True)
    (world.root / ".venv/bin/roadmap-bot").symlink_to(Path(sys.executable).parent / "roadmap-bot")
    break_(world, "beta")
    await world.night(0)
    await world.night(1)
    (issue,) = world.issues()
    done = await asyncio.to_thread(nightly_step, world)
    assert done.returncode == 0, done.stderr
    assert "broken=1" in done.stderr and issue["state"] == "open"
    heal(world, "beta")
    world.github.faults.append(Fault(at=1, status=422, method="POST", times=1000,
                                     path_contains=f"/issues/{issue['number']}/comments"))
    done = await asyncio.to_thread(nightly_step, world)
    assert done.returncode == 3 and "GitHub actions failed" in done.stderr
    world.github.faults.clear()
    (world.root / "reports/latest.json").unlink()
    (world.root / "reports/latest.json").mkdir()  # writing the report crashes the run
    done = await asyncio.to_thread(nightly_step, world)
    assert "Traceback" in done.stderr and done.returncode == 1  # not "broken links found"


async def test_dry_run_writes_nothing(world: World) -> None:
    break_(world, "beta")
    await world.night(0)
    history = (world.root / "reports/history.json").read_bytes()
    reports = sorted(os.listdir(world.root / "reports"))
    _, actions = await world.night(1, dry_run=True)
    assert [a.verb.value for a in actions] == ["create issue"]
    assert any(line.startswith("would create issue") for line in world.log)
    assert world.github.writes() == [] and world.issues() == []
    assert (world.root / "reports/history.json").read_bytes() == history
    assert sorted(os.listdir(world.root / "reports")) == reports


async def test_network_down_is_inconclusive_and_changes_nothing(world: World) -> None:
    break_(world, "beta")
    await world.night(0)
    await world.night(1)
    (issue,) = world.issues()
    history = (world.root / "reports/history.json").read_bytes()
    await world.web.close()  # every host now refuses connections
    report, actions = await world.night(2)
    assert report.inconclusive and actions == []
    assert world.github.writes() == [] and issue["state"] == "open"
    assert (world.root / "reports/history.json").read_bytes() == history
    assert any("inconclusive" in line for line in world.log)


async def test_quiet_night_history_is_byte_identical(world: World) -> None:
    await world.night(0)
    first = (world.root / "reports/history.json").read_bytes()
    await world.night(1)
    assert (world.root / "reports/history.json").read_bytes() == first
    assert "history unchanged: reports/history.json" in world.log
    extra = (world.root / "reports/latest.json").read_text()
    assert '"previous_summary": {' in extra and '"history": {' in extra


async def test_a_quiet_night_with_failing_links_leaves_the_history_byte_identical(
        world: World) -> None:
    """Blocked, erroring and newly broken links present, nothing changed in the world:
    history.json keeps every byte, night after night."""
    await world.night(0)
    world.hosts["alpha"].route("/alpha", Page("<title>Forbidden</title>", status=403))
    world.hosts["beta"].route("/beta", Page("try later", status=503))
    for n in range(1, 6):
        await world.night(n)
    break_(world, "gamma")  # newly broken on night 6
    report, _ = await world.night(6)
    assert {r.status.value for r in report.links} == {"blocked", "error", "broken", "ok"}
    path = world.root / "reports/history.json"
    before = path.read_bytes()
    for n in (7, 8):
        mark = len(world.log)
        await world.night(n)
        assert path.read_bytes() == before, f"night {n} rewrote the history"
        assert "history unchanged: reports/history.json" in world.log[mark:]
    titles = sorted(issue["title"] for issue in world.issues())
    assert titles == ["Broken link: Gamma Tutorial", "Needs a manual check: Alpha Guide",
                      "Needs a manual check: Beta Course"]
    assert [method for method, _ in world.github.calls] == ["GET", "GET"]  # night 8: two reads


async def test_a_second_run_the_same_day_does_not_count_toward_a_streak(world: World) -> None:
    """manual_check_runs counts runs at least confirm_hours apart: a manual dispatch two hours
    after each nightly does not bring the needs-manual-check issue forward."""
    world.hosts["alpha"].route("/alpha", Page("<title>Forbidden</title>", status=403))
    for n in range(4):
        await world.night(n)
        await world.night(n + 2 / 24)
        assert world.issues() == [], f"an issue after {2 * (n + 1)} runs on {n + 1} days"
    await world.night(4)
    (issue,) = world.issues()
    assert issue["title"] == "Needs a manual check: Alpha Guide"
    assert "| Consecutive failing runs | 5+ |" in issue["body"]


async def test_a_broken_link_needs_a_second_run_confirm_hours_later(world: World) -> None:
    break_(world, "beta")
    await world.night(0)
    await world.night(2 / 24)
    await world.night(19 / 24)
    assert world.issues() == []
    await world.night(20 / 24)
    (issue,) = world.issues()
    assert issue["title"] == "Broken link: Beta Course"


CONFIG = """\
check: {retries: 0, connect_timeout: 1, first_byte_timeout: 2, total_timeout: 3}
freshness: {timeout: 1}
curate: {github_backoff: 0.01, github_write_interval: 0}
"""


async def test_the_run_command_reads_argv_config_and_env(
        world: World, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli import main

    (world.root / "roadmap-bot.yaml").write_text(CONFIG)
    monkeypatch.setenv("GITHUB_TOKEN", world.github.token)
    monkeypatch.setenv("GITHUB_REPOSITORY", world.github.full_name)
    monkeypatch.setenv("GITHUB_API_URL", world.github.base)
    break_(world, "beta")
    argv = ["run", "--allow-private", "--only-url", world.urls["beta"]]
    assert await asyncio.to_thread(main, argv) == 0
    assert await asyncio.to_thread(main, [*argv, "--dry-run"]) == 0
    out, err = capsys.readouterr()
    assert "total=1" in err and world.github.token not in out + err
    history = (world.root / "reports/history.json").read_text()
    assert world.urls["beta"] in history and world.urls["alpha"] not in history
    assert world.github.writes() == []  # one night only: nothing is confirmed yet


def _outcome(state: FakeState) -> tuple[object, ...]:
    issues = sorted((i["title"], i["state"]) for i in state.issues.values())
    pulls = sorted((p["title"], p["state"]) for p in state.pulls.values())
    return issues, pulls, state.file_at("roadmap-bot/fixes", "roadmap.yaml")


@pytest.mark.parametrize("after", [False, True], ids=["before-acting", "after-acting"])
async def test_a_failure_at_any_step_converges_on_the_next_night(world: World, after: bool
                                                                 ) -> None:
    """GitHub fails (502s past every retry) at the Nth call of a busy night, for every N,
    before or after doing the work: the next night ends exactly where a night without
    failures would have: no duplicate issue or PR, nothing lost."""
    break_(world, "beta")
    gamma = world.hosts["gamma"]
    gamma.route("/gamma", Redirect(gamma.route("/gamma-new", Page()), 301))
    await world.night(0)
    history = (world.root / "reports/history.json").read_bytes()
    await world.night(1)  # the busy night, undisturbed: one issue and the fixes PR
    expected, busy = _outcome(world.github), len(world.github.calls)
    assert expected[0] == [("Broken link: Beta Course", "open")] and len(expected[1]) == 1
    for step in range(1, busy + 1):
        with serve() as state:
            state.seed({name: (world.root / name).read_text()
                        for name in ("roadmap.yaml", "README.md")})
            world.github = state
            (world.root / "reports/history.json").write_bytes(history)
            state.faults.append(Fault(at=step, status=502, times=1000, after=after))
            with pytest.raises(GitHubError):
                await world.night(1)
            state.faults.clear()
            await world.night(2)
            assert _outcome(state) == expected, f"failure at call {step}"


async def test_changed_evidence_edits_in_place_and_leaving_the_roadmap_closes(world: World) -> None:
    break_(world, "beta")
    await world.night(0)
    await world.night(1)
    (issue,) = world.issues()
    world.hosts["beta"].route("/beta", Page("<title>Gone</title>", status=410))
    await world.night(2)
    assert "| HTTP status | 410 |" in issue["body"] and issue["state"] == "open"
    assert world.github.comments.get(issue["number"]) is None  # an edit, not a comment
    roadmap = world.root / "roadmap.yaml"
    text = roadmap.read_text()
    start = text.index("          - id: beta-course")
    roadmap.write_text(text[:start] + text[text.index("      - label: More"):])
    await world.night(3)
    assert issue["state"] == "closed"
    assert "no longer in roadmap.yaml" in world.github.comments[issue["number"]][-1]["body"]
