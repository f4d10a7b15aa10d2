"""Nights when GitHub fails or refuses: every action is still tried, retries back off, the
run and the nightly step end in the right exit status, and the next night converges."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.errors import GitHubError
from tests.curate.nights import World, break_, heal
from tests.fakes.github_api import FakeState, Fault, serve
from tests.simweb import Page, Redirect
from tests.workflows.test_nightly_history import step as workflow_step


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
