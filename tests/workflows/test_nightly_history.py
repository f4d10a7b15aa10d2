"""The nightly's history steps, run for real: their shell scripts against a local bare origin."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[2]
NIGHTLY = ROOT / ".github" / "workflows" / "nightly.yml"
BRANCH = "roadmap-bot-data"

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def step(name: str) -> dict[str, str]:
    workflow = YAML(typ="safe").load(NIGHTLY.read_text(encoding="utf-8"))
    found: dict[str, str] = next(s for s in workflow["jobs"]["run"]["steps"]
                                 if s.get("name") == name)
    return found


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True,
                          env=_env())
    return done.stdout


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update({"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
                "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid",
                "DATA_BRANCH": BRANCH, "GITHUB_RUN_ID": "42", "GIT_CONFIG_NOSYSTEM": "1"})
    return env


def run_step(name: str, repo: Path) -> subprocess.CompletedProcess[str]:
    """Run a step's script as Actions does (bash -e -o pipefail) in its working directory."""
    found = step(name)
    cwd = repo / found.get("working-directory", ".")
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", found["run"]],
                          cwd=cwd, capture_output=True, text=True, env=_env(), timeout=60,
                          check=False)


def fresh_clone(origin: Path, where: Path) -> Path:
    subprocess.run(["git", "clone", "-q", str(origin), str(where)], check=True, env=_env())
    return where


@pytest.fixture
def origin(tmp_path: Path) -> Path:
    bare = tmp_path / "origin.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(bare)], check=True,
                   env=_env())
    seed = tmp_path / "seed"
    subprocess.run(["git", "init", "-q", "-b", "main", str(seed)], check=True, env=_env())
    (seed / "roadmap.yaml").write_text("title: T\n", encoding="utf-8")
    git(seed, "add", "roadmap.yaml")
    git(seed, "commit", "-qm", "seed")
    git(seed, "push", "-q", str(bare), "main")
    return bare


def test_first_night_starts_an_empty_data_branch_and_saves_history(origin: Path,
                                                                   tmp_path: Path) -> None:
    repo = fresh_clone(origin, tmp_path / "night1")
    done = run_step("Check out the history into reports/", repo)
    assert done.returncode == 0, done.stderr
    assert list((repo / "reports").iterdir()) == [repo / "reports" / ".git"]
    (repo / "reports" / "history.json").write_text('{"urls": {}}\n', encoding="utf-8")
    (repo / "reports" / "latest.md").write_text("# report\n", encoding="utf-8")
    done = run_step("Save the history to the data branch", repo)
    assert done.returncode == 0, done.stderr
    files = git(origin, "ls-tree", "--name-only", BRANCH).split()
    assert files == ["history.json"]  # no report, and nothing of main
    assert git(origin, "log", "--format=%s", BRANCH).strip() == "history: run 42"
    assert git(repo, "status", "--porcelain").strip() == "?? reports/"  # main untouched


def test_next_night_reads_the_history_and_commits_only_changes(origin: Path,
                                                               tmp_path: Path) -> None:
    first = fresh_clone(origin, tmp_path / "night1")
    run_step("Check out the history into reports/", first)
    (first / "reports" / "history.json").write_text('{"n": 1}\n', encoding="utf-8")
    assert run_step("Save the history to the data branch", first).returncode == 0

    second = fresh_clone(origin, tmp_path / "night2")
    assert run_step("Check out the history into reports/", second).returncode == 0
    assert (second / "reports" / "history.json").read_text(encoding="utf-8") == '{"n": 1}\n'
    quiet = run_step("Save the history to the data branch", second)
    assert quiet.returncode == 0 and "history unchanged" in quiet.stdout
    (second / "reports" / "history.json").write_text('{"n": 2}\n', encoding="utf-8")
    assert run_step("Save the history to the data branch", second).returncode == 0
    assert git(origin, "show", f"{BRANCH}:history.json") == '{"n": 2}\n'
    assert len(git(origin, "log", "--format=%H", BRANCH).split()) == 2
