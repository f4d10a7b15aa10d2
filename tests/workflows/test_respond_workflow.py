"""The comment-command workflow: issue_comment only, least privilege, default branch only."""

from __future__ import annotations

from tests.workflows.test_workflows import ROOT, load, steps, triggers

RESPOND = ROOT / ".github" / "workflows" / "respond.yml"


def test_it_runs_on_new_comments_only() -> None:
    workflow = load(RESPOND)
    assert triggers(workflow) == {"issue_comment": {"types": ["created"]}}


def test_permissions_per_job_are_the_least_it_writes() -> None:
    workflow = load(RESPOND)
    assert workflow["permissions"] == {}
    (job,) = workflow["jobs"].values()
    assert job["permissions"] == {"contents": "write", "issues": "write",
                                  "pull-requests": "write"}
    assert "user.type != 'Bot'" in job["if"]


def test_it_runs_the_default_branch_and_reads_the_comment_from_the_event_file() -> None:
    workflow = load(RESPOND)
    for step in steps(workflow):
        if "actions/checkout" in step.get("uses", ""):
            assert "ref" not in step.get("with", {})  # never a pull request's head
            assert step["with"]["persist-credentials"] is False
        assert "github.event" not in step.get("run", "") + str(step.get("env", {}))
    runs = [step.get("run", "") for step in steps(workflow)]
    assert ".venv/bin/roadmap-bot respond --config roadmap-bot.yaml" in runs
