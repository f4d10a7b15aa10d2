"""The cgroup CPU limit, read from a made-up /proc and /sys under a temporary root: a
container's `--cpus`, a runner's nested groups, cgroup v1 and v2, and no limit at all."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cpu_limit import cgroup_cpus, cpus_of, group_paths, v1_cpus, v2_cpus


def machine(root: Path, proc_cgroup: str, files: dict[str, str]) -> Path:
    """A root with /proc/self/cgroup and the given files under /sys/fs/cgroup."""
    (root / "proc/self").mkdir(parents=True)
    (root / "proc/self/cgroup").write_text(proc_cgroup, encoding="ascii")
    for name, text in files.items():
        path = root / "sys/fs/cgroup" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="ascii")
    return root


@pytest.mark.parametrize(
    ("text", "cpus"),
    [
        ("200000 100000\n", 2),
        ("150000 100000", 2),  # a CPU and a half still runs two processes, in turns
        ("50000 100000", 1),
        ("max 100000\n", None),
        ("0 100000", None),
        ("100000", None),
        ("lots 100000", None),
        ("", None),
    ],
)
def test_cgroup_v2_cpu_max(text: str, cpus: int | None) -> None:
    assert v2_cpus(text) == cpus


@pytest.mark.parametrize(
    ("quota", "period", "cpus"),
    [("400000\n", "100000\n", 4), ("-1", "100000", None), ("x", "100000", None),
     ("100000", "0", None)],
)
def test_cgroup_v1_quota_and_period(quota: str, period: str, cpus: int | None) -> None:
    assert v1_cpus(quota, period) == cpus


def test_no_limit_from_an_endless_quota() -> None:
    assert cpus_of(float("inf"), 100000.0) is None


def test_the_groups_of_a_hybrid_machine() -> None:
    text = "12:pids:/a\n4:cpu,cpuacct:/docker/abc\n0::/user.slice/job\n"
    assert group_paths(text) == ("/user.slice/job", "/docker/abc")


def test_a_container_with_its_own_cgroup_namespace(tmp_path: Path) -> None:
    root = machine(tmp_path, "0::/\n", {"cpu.max": "200000 100000\n"})
    assert cgroup_cpus(root) == 2


def test_the_smallest_limit_of_the_group_and_its_ancestors(tmp_path: Path) -> None:
    root = machine(tmp_path, "0::/runner/job\n", {
        "runner/job/cpu.max": "400000 100000\n",
        "runner/cpu.max": "100000 100000\n",
        "cpu.max": "max 100000\n",
    })
    assert cgroup_cpus(root) == 1


def test_a_limit_set_only_above_the_group(tmp_path: Path) -> None:
    root = machine(tmp_path, "0::/runner/job\n", {
        "runner/job/cpu.max": "max 100000\n", "runner/cpu.max": "300000 100000\n"})
    assert cgroup_cpus(root) == 3


def test_cgroup_v1_where_the_group_is_mounted_as_the_root(tmp_path: Path) -> None:
    # Docker on cgroup v1 mounts the container's own group at /sys/fs/cgroup/cpu, while
    # /proc/self/cgroup still names it by its path on the host.
    root = machine(tmp_path, "4:cpu,cpuacct:/docker/abc\n", {
        "cpu,cpuacct/cpu.cfs_quota_us": "150000\n", "cpu,cpuacct/cpu.cfs_period_us": "100000\n"})
    assert cgroup_cpus(root) == 2


@pytest.mark.parametrize(
    "files",
    [
        {"cpu.max": "max 100000\n"},
        {"cpu/cpu.cfs_quota_us": "-1\n", "cpu/cpu.cfs_period_us": "100000\n"},
        {},
    ],
    ids=["v2 max", "v1 -1", "no files"],
)
def test_no_limit(tmp_path: Path, files: dict[str, str]) -> None:
    root = machine(tmp_path, "1:cpu:/\n0::/\n", files)
    assert cgroup_cpus(root) is None


def test_no_cgroup_at_all(tmp_path: Path) -> None:
    assert cgroup_cpus(tmp_path) is None
