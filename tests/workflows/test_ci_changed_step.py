"""ci.yml's "Did roadmap.yaml change?" step, run for real in a scratch repository."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[2]
CI = ROOT / ".github" / "workflows" / "ci.yml"

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def script() -> str:
    workflow = YAML(typ="safe").load(CI.read_text(encoding="utf-8"))
    steps = workflow["jobs"]["changed-links"]["steps"]
    found: str = next(s["run"] for s in steps if s.get("id") == "diff")
    return found


def env(tmp: Path, base: str) -> dict[str, str]:
    values = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    values.update({"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
                   "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid",
                   "BASE_SHA": base, "RUNNER_TEMP": str(tmp / "temp"),
                   "GITHUB_OUTPUT": str(tmp / "output")})
    return values


def commit(repo: Path, files: dict[str, str], message: str) -> str:
    for name, text in files.items():
        (repo / name).write_text(text, encoding="utf-8")
    subprocess.run(["git", "add", *files], cwd=repo, check=True, env=env(repo, ""))
    subprocess.run(["git", "commit", "-qm", message], cwd=repo, check=True, env=env(repo, ""))
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, check=True, text=True,
                          capture_output=True).stdout
    return head.strip()


@pytest.mark.parametrize(
    ("base_files", "head_files", "changed", "base_copy"),
    [
        ({"roadmap.yaml": "a\n"}, {"README.md": "x\n"}, "false", None),
        ({"roadmap.yaml": "a\n"}, {"roadmap.yaml": "b\n"}, "true", "a\n"),
        ({"README.md": "x\n"}, {"roadmap.yaml": "new\n"}, "true", None),  # added by the PR
    ],
    ids=["untouched", "edited", "added"],
)
def test_changed_output_and_base_copy(tmp_path: Path, base_files: dict[str, str],
                                      head_files: dict[str, str], changed: str,
                                      base_copy: str | None) -> None:
    repo = tmp_path / "repo"
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    base = commit(repo, base_files, "base")
    commit(repo, head_files, "head")
    (tmp_path / "repo" / "temp").mkdir()
    values = env(repo, base)
    done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script()],
                          cwd=repo, env=values, capture_output=True, text=True, timeout=60,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert Path(values["GITHUB_OUTPUT"]).read_text(encoding="utf-8") == f"changed={changed}\n"
    copy = Path(values["RUNNER_TEMP"]) / "base-roadmap.yaml"
    assert (copy.read_text(encoding="utf-8") if copy.exists() else None) == base_copy
