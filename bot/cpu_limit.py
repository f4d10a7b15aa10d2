"""How many CPUs' worth of time this process may use: a container's CPU limit (the cgroup's
quota over its period), which neither the CPU count nor the affinity mask shows. A runner
started with `docker run --cpus 2` on a 64-core host sees 64 CPUs; a worker per CPU there
takes turns in two CPUs' time, each paying for the others' cache and context switches.

cgroup v2 (`cpu.max`: "QUOTA PERIOD", or "max PERIOD" without a limit) applies the smallest
limit of the process's group and its ancestors; cgroup v1 has `cpu.cfs_quota_us` (-1 without
a limit) over `cpu.cfs_period_us`. The parsers are pure; `cgroup_cpus` reads the files.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

V2_MOUNT = "sys/fs/cgroup"
V1_MOUNTS = ("sys/fs/cgroup/cpu", "sys/fs/cgroup/cpu,cpuacct")


def cpus_of(quota: float, period: float) -> int | None:
    """Whole CPUs for a quota over a period, rounded up (half a CPU still runs a process);
    None when either is not a positive limit."""
    if quota <= 0 or period <= 0 or not (math.isfinite(quota) and math.isfinite(period)):
        return None
    return max(1, math.ceil(quota / period))


def v2_cpus(cpu_max: str) -> int | None:
    """The CPUs a cgroup v2 `cpu.max` text allows; None for "max" or what it cannot read."""
    parts = cpu_max.split()
    if len(parts) != 2 or parts[0] == "max":
        return None
    try:
        return cpus_of(float(parts[0]), float(parts[1]))
    except ValueError:
        return None


def v1_cpus(quota: str, period: str) -> int | None:
    """The CPUs cgroup v1's `cpu.cfs_quota_us` and `cpu.cfs_period_us` allow; None for -1."""
    try:
        return cpus_of(float(quota), float(period))
    except ValueError:
        return None


def group_paths(proc_cgroup: str) -> tuple[str | None, str | None]:
    """This process's cgroup v2 path and its v1 path for the cpu controller, from the text of
    /proc/self/cgroup ("0::/path" for v2, "N:cpu,cpuacct:/path" for v1)."""
    unified = cpu = None
    for line in proc_cgroup.splitlines():
        number, _, rest = line.partition(":")
        controllers, _, path = rest.partition(":")
        if number == "0" and controllers == "":
            unified = path
        elif "cpu" in controllers.split(","):
            cpu = path
    return unified, cpu


def _upward(mount: Path, group: str) -> Iterator[Path]:
    """The group's directory under `mount`, then each ancestor's up to the mount itself."""
    parts = PurePosixPath(group).parts[1:]  # without the leading "/"
    for depth in range(len(parts), -1, -1):
        yield mount.joinpath(*parts[:depth])


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="ascii", errors="replace")
    except OSError:
        return None


def cgroup_cpus(root: Path = Path("/")) -> int | None:
    """The smallest CPU limit over this process's cgroup and its ancestors, v2 or v1 (`root`:
    where /proc and /sys are, for tests); None where there is none, or no cgroup at all."""
    proc_cgroup = _read(root / "proc/self/cgroup")
    if proc_cgroup is None:
        return None
    unified, cpu = group_paths(proc_cgroup)
    limits: list[int] = []
    if unified is not None:
        for directory in _upward(root / V2_MOUNT, unified):
            text = _read(directory / "cpu.max")
            limit = v2_cpus(text) if text is not None else None
            if limit is not None:
                limits.append(limit)
    if cpu is not None:
        for mount in V1_MOUNTS:
            for directory in _upward(root / mount, cpu):
                quota = _read(directory / "cpu.cfs_quota_us")
                period = _read(directory / "cpu.cfs_period_us")
                limit = v1_cpus(quota, period) if quota and period else None
                if limit is not None:
                    limits.append(limit)
    return min(limits, default=None)
