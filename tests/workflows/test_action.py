"""action.yml: its shape and scripts linted, and its steps run as a runner runs them, on a
fixture list served by the simulated web, against the fake GitHub.

The machine is offline, so pip is told so (PIP_NO_INDEX, no build isolation) and finds the
dependencies on PYTHONPATH; everything else (bash, git, the scripts, the environment
variables, the expressions) is what the runner does.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.fakes.github_api import FakeState, serve
from tests.simweb import Page, Redirect, SimWeb
from tests.workflows.action_runner import ActionRun, Context, load_action, run_action
from tests.workflows.test_workflows import PINNED, actionlint

ROOT = Path(__file__).resolve().parents[2]
ACTION = ROOT / "action.yml"
SHELLCHECK = shutil.which("shellcheck")
FAST_CONFIG = """\
check:
  allow_private: true
  retries: 0
  connect_timeout: 2
  first_byte_timeout: 3
  total_timeout: 5
"""


def run_steps() -> list[dict[str, Any]]:
    return [step for step in load_action(ACTION)["runs"]["steps"] if "run" in step]


def test_a_composite_action_with_pinned_actions_and_bash_steps() -> None:
    action = load_action(ACTION)
    assert action["runs"]["using"] == "composite"
    for step in action["runs"]["steps"]:
        if "uses" in step:
            line = ACTION.read_text().split(step["uses"], 1)[1].partition("\n")[0]
            comment = line.partition("#")[2]
            assert PINNED.match(step["uses"]), step["uses"]
            assert re.match(r"\s*v\d", comment), f"no version comment: {step['uses']}"
        else:
            assert step["shell"] == "bash"
    assert set(action["inputs"]) == {"files", "config", "mode", "changed-only", "dry-run", "token",
                                     "history-branch", "fail-on", "formats", "reports-dir",
                                     "upload-sarif", "python-version"}
    assert {"total", "ok", "broken", "report-json", "report-sarif"} <= set(action["outputs"])


def test_inputs_reach_scripts_only_through_env() -> None:
    # A glob or branch name spliced into a script would be shell injection.
    for step in run_steps():
        assert "${{" not in step["run"], step["name"]


def test_every_input_is_used_and_every_used_input_declared() -> None:
    text = ACTION.read_text()
    used = set(re.findall(r"inputs\.([\w-]+)", text))
    assert used == set(load_action(ACTION)["inputs"])


@pytest.mark.skipif(SHELLCHECK is None, reason="shellcheck is not installed (apt-get install "
                    "shellcheck; .ci/run does)")
@pytest.mark.parametrize("step", run_steps(), ids=lambda s: s["name"])
def test_shellcheck_is_clean(step: dict[str, Any], tmp_path: Path) -> None:
    script = tmp_path / "step.sh"
    script.write_text("#!/bin/bash\n" + step["run"])
    assert SHELLCHECK is not None
    done = subprocess.run([SHELLCHECK, "--shell=bash", "--severity=style", str(script)],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stdout


@pytest.mark.skipif(actionlint() is None, reason="actionlint is not installed")
def test_actionlint_accepts_a_workflow_using_the_action_with_every_input(tmp_path: Path) -> None:
    # actionlint reads a local action's action.yml and checks the inputs a workflow passes.
    shutil.copy(ACTION, tmp_path / "action.yml")
    (tmp_path / ".git").mkdir()  # actionlint finds the repository root, and `./`, by it
    inputs = "".join(f"          {name}: x\n" for name in load_action(ACTION)["inputs"])
    workflow = tmp_path / ".github" / "workflows" / "use.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text("on: push\npermissions: {}\njobs:\n  x:\n    runs-on: ubuntu-latest\n"
                        "    steps:\n      - uses: ./\n        with:\n" + inputs
                        + "          nope: 1\n")
    binary = actionlint()
    assert binary is not None
    done = subprocess.run([binary, "-no-color", str(workflow)], capture_output=True, text=True,
                          cwd=tmp_path, timeout=60, check=False)
    # The one complaint is the input that does not exist: the others are all declared.
    assert done.returncode == 1 and done.stdout.count("use.yml:") == 1, done.stdout
    assert 'input "nope" is not defined' in done.stdout


def test_the_expression_subset_the_runner_harness_evaluates() -> None:
    context = Context({"mode": "run", "dry-run": "false"}, {}, {},
                      {"run": {"outputs": {"broken": "2"}}})
    assert context.should_run("inputs.mode == 'run'")
    assert not context.should_run("inputs.mode == 'check'")
    assert context.should_run("always() && inputs.dry-run != 'true'")
    assert context.should_run("steps.run.outputs.broken != '' && steps.run.outputs.broken != '0'")
    assert context.substitute("${{ inputs.mode == 'run' && 'tok' || '' }}") == "tok"
    context.failed = True
    assert not context.should_run("inputs.mode == 'run'") and context.should_run("always()")


# ---- the steps, run ------------------------------------------------------------------------


def runner_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    shim = tmp_path / "shim"
    shim.mkdir(exist_ok=True)
    if not (shim / "python3").exists():  # what setup-python puts on PATH
        (shim / "python3").symlink_to(sys.executable)
    return {
        "PATH": f"{shim}:/usr/local/bin:/usr/bin:/bin", "HOME": str(tmp_path),
        "LANG": "C.UTF-8", "GITHUB_ACTIONS": "true", "CI": "true",
        "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull,
        # Offline pip: the dependencies are already there, the build backend too.
        "PYTHONPATH": sysconfig.get_path("purelib"), "PIP_NO_INDEX": "1",
        "PIP_NO_BUILD_ISOLATION": "0", "PIP_CONFIG_FILE": os.devnull,
        **extra,
    }


def run_in_thread(inputs: dict[str, str], workspace: Path, tmp_path: Path,
                  env: dict[str, str]) -> ActionRun:
    temp = tmp_path / "runner-temp"
    temp.mkdir(parents=True, exist_ok=True)
    return run_action(ACTION, inputs, workspace=workspace, temp=temp, env=env,
                      github={"run_id": "7", "token": "from-github-context"})


async def test_check_mode_on_a_markdown_list(tmp_path: Path) -> None:
    async with SimWeb() as web:
        host = await web.add_host("alpha")
        ok = host.route("/ok", Page("<title>Fine</title>"))
        gone = host.route("/gone", Page("<title>Not Found</title>", status=404))
        workspace = tmp_path / "list"
        (workspace / "docs").mkdir(parents=True)
        (workspace / "README.md").write_text(f"# Awesome\n\n- [Fine]({ok})\n")
        (workspace / "docs" / "more.md").write_text(f"# More\n\n\n- [Gone]({gone})\n")
        (workspace / ".roadmap-bot.yaml").write_text(FAST_CONFIG)
        env = runner_env(tmp_path)
        inputs = {"files": "README.md\ndocs/**/*.md", "formats": "sarif"}
        failing = await asyncio.to_thread(run_in_thread, inputs, workspace, tmp_path, env)
    assert failing.step("Install roadmap-bot at this action's ref").returncode == 0
    assert failing.step("Set up Python").uses and not failing.step("Check out the history").ran
    step = failing.step("Run roadmap-bot")
    assert step.returncode == 0, step.stderr
    assert failing.outputs["total"] == "2" and failing.outputs["broken"] == "1"
    assert failing.outputs["ok"] == "1" and failing.outputs["inconclusive"] == "false"
    assert failing.outputs["report-json"] == "roadmap-bot-reports/latest.json"
    assert failing.outputs["report-sarif"] == "roadmap-bot-reports/latest.sarif"
    assert failing.outputs["report-html"] == ""  # not asked for
    assert (workspace / "roadmap-bot-reports" / "latest.sarif").is_file()
    assert "::error file=docs/more.md,line=4" in step.stdout  # an annotation on the line
    assert "Not Found" in failing.summary or gone in failing.summary  # the job summary
    assert failing.failed and failing.step("Fail on broken links").returncode == 1
    # The same night with fail-on: none (or inconclusive) would not fail the job.
    fail_if = next(s["if"] for s in load_action(ACTION)["runs"]["steps"]
                   if s["name"] == "Fail on broken links")
    outputs = {"run": {"outputs": {"broken": "1", "inconclusive": "false"}}}
    assert Context({"fail-on": "broken"}, {}, {}, outputs).should_run(fail_if)
    assert not Context({"fail-on": "none"}, {}, {}, outputs).should_run(fail_if)
    outputs["run"]["outputs"]["inconclusive"] = "true"
    assert not Context({"fail-on": "broken"}, {}, {}, outputs).should_run(fail_if)


LIST = """\
# Awesome

- [Alpha]({moved}) - moved for good.
- [Beta][beta] - fine.

[beta]: <{ok}>
"""


def git(cwd: Path, *args: str, env: dict[str, str]) -> str:
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          check=True, timeout=60).stdout


@pytest.fixture
def github() -> Iterator[FakeState]:
    with serve() as state:
        yield state


async def test_run_mode_on_a_markdown_list_opens_the_fixes_pr_and_keeps_the_history(tmp_path: Path,
                                                                 github: FakeState) -> None:
    async with SimWeb() as web:
        host = await web.add_host("alpha")
        new, ok = host.route("/new", Page("<title>A</title>")), host.route("/b", Page())
        old = host.route("/old", Redirect(new, 301))
        files = {"README.md": LIST.format(moved=old, ok=ok), ".roadmap-bot.yaml": FAST_CONFIG}
        github.seed(files)
        env = runner_env(tmp_path, GITHUB_REPOSITORY=github.full_name,
                         GITHUB_API_URL=github.base, GITHUB_SHA="main",
                         GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.invalid",
                         GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.invalid")
        origin = tmp_path / "origin.git"
        git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin), env=env)
        seed = tmp_path / "seed"
        git(tmp_path, "init", "-q", "-b", "main", str(seed), env=env)
        for name, text in files.items():
            (seed / name).write_text(text)
        git(seed, "add", ".", env=env)
        git(seed, "commit", "-qm", "seed", env=env)
        git(seed, "push", "-q", str(origin), "main", env=env)
        workspace = tmp_path / "workspace"
        git(tmp_path, "clone", "-q", str(origin), str(workspace), env=env)
        inputs = {"mode": "run", "files": "*.md", "token": github.token, "fail-on": "none"}
        night = await asyncio.to_thread(run_in_thread, inputs, workspace, tmp_path, env)
    step = night.step("Run roadmap-bot")
    assert step.returncode == 0, step.stderr + step.stdout
    assert not night.failed and night.outputs["redirected"] == "1"
    (pull,) = github.pulls.values()
    assert pull["head_ref"] == "roadmap-bot/fixes"
    assert (github.file_at("roadmap-bot/fixes", "README.md") or "").splitlines()[2] == \
        f"- [Alpha]({new}) - moved for good."
    saved = night.step("Save the history")
    assert saved.returncode == 0, saved.stderr
    history = git(origin, "show", "roadmap-bot-data:history.json", env=env)
    assert old in history and ok in history
    assert git(origin, "log", "--format=%s", "roadmap-bot-data", env=env).strip() == \
        "history: run 7"
    assert night.outputs["report-html"].endswith("index.html")


async def test_changed_only_checks_what_the_pull_request_adds(tmp_path: Path) -> None:
    async with SimWeb() as web:
        host = await web.add_host("alpha")
        old_gone = host.route("/old-gone", Page(status=404))
        new_gone, new_ok = host.route("/new-gone", Page(status=404)), host.route("/new", Page())
        env = runner_env(tmp_path, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.invalid",
                         GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.invalid")
        origin, seed = tmp_path / "origin.git", tmp_path / "seed"
        git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin), env=env)
        git(tmp_path, "init", "-q", "-b", "main", str(seed), env=env)
        (seed / ".roadmap-bot.yaml").write_text(FAST_CONFIG)
        (seed / "README.md").write_text(f"# List\n\n- [Old]({old_gone})\n")
        git(seed, "add", ".", env=env)
        git(seed, "commit", "-qm", "base", env=env)
        base = git(seed, "rev-parse", "HEAD", env=env).strip()
        (seed / "README.md").write_text(f"# List\n\n- [Old]({old_gone})\n- [New]({new_gone})\n"
                                        f"- [Fine]({new_ok})\n")
        git(seed, "commit", "-qam", "head", env=env)
        git(seed, "push", "-q", str(origin), "main", env=env)
        workspace = tmp_path / "workspace"
        git(tmp_path, "clone", "-q", "--depth=1", f"file://{origin}", str(workspace), env=env)
        run = await asyncio.to_thread(
            run_action, ACTION, {"changed-only": "true", "files": "README.md"},
            workspace=workspace, temp=tmp_path, env=env,
            github={"run_id": "8", "event": {"pull_request": {"base": {"sha": base}}}})
    step = run.step("Run roadmap-bot")
    assert step.returncode == 0, step.stderr
    assert (run.outputs["total"], run.outputs["broken"]) == ("2", "1")  # the old link is known
    assert "::error file=README.md,line=4" in step.stdout and run.failed
