"""The example workflows `init` writes (and the README shows): actionlint-clean against this
repository's action.yml, pinned, least-privilege, and the README's copy word for word."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from bot.scaffold import scaffold
from tests.workflows.test_workflows import PINNED, actionlint, steps, triggers

ROOT = Path(__file__).resolve().parents[2]
SHA = "0123456789abcdef0123456789abcdef01234567"
EXAMPLES = {path: text for path, text in scaffold(["README.md", "docs/**/*.md"], SHA).items()
            if path.startswith(".github/")}
NIGHTLY = ".github/workflows/roadmap-bot-nightly.yml"
PULL_REQUEST = ".github/workflows/roadmap-bot-pr.yml"


@pytest.mark.skipif(actionlint() is None, reason="actionlint is not installed")
def test_actionlint_is_clean_with_the_action_resolved_locally(tmp_path: Path) -> None:
    # `uses: ./` makes actionlint read action.yml and check every input the examples pass.
    shutil.copy(ROOT / "action.yml", tmp_path / "action.yml")
    (tmp_path / ".git").mkdir()
    for path, text in EXAMPLES.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text.replace(f"marvelousmlops/mlops_roadmap_2024@{SHA}",
                                                  "./"))
    binary = actionlint()
    assert binary is not None
    done = subprocess.run([binary, "-no-color", *EXAMPLES], capture_output=True, text=True,
                          cwd=tmp_path, timeout=60, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("path", sorted(EXAMPLES))
def test_every_action_is_pinned_to_a_commit(path: str) -> None:
    uses = re.findall(r"uses: (\S+)", EXAMPLES[path])
    assert uses and all(PINNED.match(ref) for ref in uses), uses


def test_the_pull_request_check_is_read_only_and_safe_for_forks() -> None:
    workflow = YAML(typ="safe").load(EXAMPLES[PULL_REQUEST])
    assert set(triggers(workflow)) == {"pull_request"}
    assert workflow["permissions"] == {"contents": "read"}
    assert all("permissions" not in job for job in workflow["jobs"].values())
    assert "secrets." not in EXAMPLES[PULL_REQUEST] and "token" not in EXAMPLES[PULL_REQUEST]
    checkout, bot = steps(workflow)
    assert checkout["with"]["persist-credentials"] is False
    assert bot["with"]["mode"] == "check" and bot["with"]["fail-on"] == "broken"


def test_the_nightly_asks_for_exactly_what_it_writes() -> None:
    workflow = YAML(typ="safe").load(EXAMPLES[NIGHTLY])
    assert workflow["permissions"] == {}
    assert workflow["concurrency"]["cancel-in-progress"] is False
    (job,) = workflow["jobs"].values()
    assert job["permissions"] == {"contents": "write", "issues": "write",
                                  "pull-requests": "write"}
    assert steps(workflow)[-1]["with"]["mode"] == "run"


@pytest.mark.parametrize("path", sorted(EXAMPLES))
def test_the_readme_shows_what_init_writes(path: str) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert scaffold(["README.md"], "<commit-sha>")[path] in readme, f"README.md lacks {path}"
