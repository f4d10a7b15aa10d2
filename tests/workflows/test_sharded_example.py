"""The example sharded nightly (docs/examples/sharded-nightly.yml): actionlint-clean, pinned,
least-privilege, and wired as documented: N check shards, then one merge-and-curate job."""

from __future__ import annotations

import subprocess

from tests.workflows.test_workflows import PINNED, ROOT, actionlint, load, needs_actionlint

EXAMPLE = ROOT / "docs" / "examples" / "sharded-nightly.yml"


@needs_actionlint
def test_the_example_is_actionlint_clean() -> None:
    binary = actionlint()
    assert binary is not None
    done = subprocess.run([binary, "-no-color", str(EXAMPLE)], capture_output=True, text=True,
                          cwd=ROOT, timeout=60, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_actions_are_pinned_and_permissions_are_per_job() -> None:
    workflow = load(EXAMPLE)
    assert workflow["permissions"] == {}
    for job in workflow["jobs"].values():
        assert "permissions" in job
        for step in job["steps"]:
            if "uses" in step:
                assert PINNED.match(step["uses"]), step["uses"]


def test_shards_fan_out_and_one_job_merges_and_curates() -> None:
    jobs = load(EXAMPLE)["jobs"]
    shards = jobs["check"]["strategy"]["matrix"]["shard"]
    assert shards == list(range(1, len(shards) + 1))
    check_script = "\n".join(step.get("run", "") for step in jobs["check"]["steps"])
    assert f'--shard "$SHARD/{len(shards)}"' in check_script
    assert jobs["check"]["permissions"] == {"contents": "read"}  # checking writes nothing
    assert jobs["curate"]["needs"] == "check"
    curate_script = "\n".join(step.get("run", "") for step in jobs["curate"]["steps"])
    assert "roadmap-bot merge shards/shard-*.json --output merged.json" in curate_script
    assert "--checked merged.json" in curate_script
