"""Benchmark runner: roadmap-bot and its peers on one generated roadmap over the simulated web.

Starts `simweb_bench.py`, writes the roadmap (`generate.py`), runs each tool on the same
file one after the other, and prints a Markdown table: wall time against the ideal bound,
CPU time (user+sys of the tool's process tree), peak RSS (largest process of the tree),
requests per link and the largest per-host concurrency seen by the server, and accuracy
(healthy links reported failed, known-broken links missed). Only loopback addresses are
ever contacted; every child has a hard time limit and the server stops by itself.

    .venv/bin/python benchmarks/run.py --links 10000 --hosts 200 --latency-ms 50 --cap 4
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import peers
from generate import Plan, make_plan, write_inputs
from simweb_bench import BROKEN_PREFIX, CONTROL_PREFIX, host_address

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PY_SPY = HERE / ".peers/venv/bin/py-spy"
PROBE_PREFIX = "/roadmap-bot-probe-"  # bot/check/app_shell.py: the made-up path it probes


@dataclass(frozen=True)
class Settings:
    """One benchmark configuration, resolved from the command line."""

    links: int
    hosts: int
    latency: float
    cap: int
    concurrency: int
    per_host: int
    timeout: float
    workers: int
    broken: int
    slow_hosts: int
    slow_latency: float
    drip_hosts: int
    shell_hosts: int
    tool_limit: float
    repeat: int
    tools: tuple[str, ...]
    out_dir: Path
    profile: bool
    nice: int
    caps: tuple[int, int] | None = None
    refuse: bool = False
    tls: bool = False  # the web serves https (the tools trust its CA through SSL_CERT_FILE)
    failing_hosts: int = 0  # hosts answering 502 to everything (after the shell hosts)
    moved_hosts: int = 0  # hosts whose pages moved to the last host (after the 502 hosts)

    @property
    def certificate(self) -> Path:
        """The web's certificate authority, which every tool is told to trust."""
        return self.out_dir / "tls" / "ca.pem"

    def cap_of(self, index: int) -> int:
        """Host `index`'s server-side cap (as simweb_bench.WorkerConfig.cap_of)."""
        if self.caps is None:
            return self.cap
        low, high = self.caps
        return low + index % (high - low + 1)


@dataclass(frozen=True)
class Measured:
    """What the operating system says about one tool run."""

    exit_code: int
    wall_s: float
    cpu_s: float
    sys_s: float
    max_rss_mb: float
    timed_out: bool
    load_before: float
    tree_rss_mb: float = 0.0  # largest sum of PSS over the tool's processes, sampled


@dataclass(frozen=True)
class Traffic:
    """What the simulated web saw during one tool run."""

    link_requests: int
    head_requests: int
    other_requests: int
    probe_requests: int  # roadmap-bot's app-shell probes (part of other_requests)
    links_reached: int
    connections: int
    max_inflight: int
    server_cpu_s: float
    refused: int
    hosts_refused_twice: int
    first_request_s: float | None
    fast_done_s: float | None
    slow_done_s: float | None


@dataclass(frozen=True)
class Row:
    """One line of the results table."""

    tool: str
    scenario: str
    measured: Measured
    traffic: Traffic
    failed_healthy: int
    errors_healthy: int
    missed_broken: int
    ideal_s: float
    fast_ideal_s: float
    walls: tuple[float, ...] = ()


def parse_args(argv: list[str] | None = None) -> Settings:
    """Command-line options into frozen settings."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--links", type=int, default=10_000)
    p.add_argument("--hosts", type=int, default=200)
    p.add_argument("--latency-ms", type=float, default=50.0)
    p.add_argument("--cap", type=int, default=4, help="server-side concurrency cap per host")
    p.add_argument("--caps", default="", help="LO-HI: server caps spread over hosts (e.g. 2-8)")
    p.add_argument("--refuse", action="store_true", help="the server answers 429 above a cap")
    p.add_argument("--concurrency", type=int, default=0, help="tools' global limit (0: hosts*cap)")
    p.add_argument("--per-host", type=int, default=0, help="tools' per-host limit (0: cap)")
    p.add_argument("--timeout", type=float, default=20.0, help="per-request timeout, seconds")
    p.add_argument("--workers", type=int, default=2, help="simulated-web processes")
    p.add_argument("--broken", type=int, default=20, help="known-broken (404) links")
    p.add_argument("--slow-hosts", type=int, default=0, help="hosts with the slow latency")
    p.add_argument("--slow-latency-ms", type=float, default=5000.0)
    p.add_argument("--drip-hosts", type=int, default=0, help="hosts whose bodies never end")
    p.add_argument("--shell-hosts", type=int, default=0, help="app-shell hosts (catch-all 200)")
    p.add_argument("--failing-hosts", type=int, default=0, help="hosts answering 502")
    p.add_argument("--moved-hosts", type=int, default=0,
                   help="hosts whose pages moved to the last host (301 to /moved/...)")
    p.add_argument("--tool-limit", type=float, default=900.0, help="kill a tool after this")
    p.add_argument("--repeat", type=int, default=1, help="runs per tool (best one reported)")
    p.add_argument("--tools", default=",".join(peers.TOOLS), help="comma-separated")
    p.add_argument("--out-dir", type=Path, default=None, help="keep inputs/outputs here")
    p.add_argument("--profile", action="store_true", help="run Python tools under py-spy")
    p.add_argument("--tls", action="store_true", help="https, under a certificate authority "
                   "the tools trust through SSL_CERT_FILE")
    p.add_argument(
        "--nice", type=int, default=0, help="niceness for the web and the tools (root: <0)"
    )
    a = p.parse_args(argv)
    out = (a.out_dir or Path(tempfile.mkdtemp(prefix="rb-bench-"))).resolve()
    caps = parse_caps(a.caps)
    # With spread caps the tools keep the contract's default per-host limit (4) unless told.
    per_host = a.per_host or (4 if caps else a.cap)
    return Settings(
        a.links, a.hosts, a.latency_ms / 1000, a.cap, a.concurrency or a.hosts * a.cap,
        per_host, a.timeout, a.workers, a.broken, a.slow_hosts,
        a.slow_latency_ms / 1000, a.drip_hosts, a.shell_hosts, a.tool_limit, a.repeat, tuple(a.tools.split(",")), out,
        a.profile, a.nice, caps, a.refuse, a.tls, a.failing_hosts, a.moved_hosts,
    )  # fmt: skip


def parse_caps(text: str) -> tuple[int, int] | None:
    """`LO-HI` -> (lo, hi); empty -> None."""
    if not text:
        return None
    low, _, high = text.partition("-")
    return int(low), int(high or low)


class SimWeb:
    """The simulated web as a child process, with its control endpoints."""

    def __init__(self, s: Settings) -> None:
        cmd = [
            sys.executable, str(HERE / "simweb_bench.py"), f"--hosts={s.hosts}",
            f"--latency-ms={s.latency * 1000}", f"--cap={s.cap}", f"--workers={s.workers}",
            f"--slow-hosts={s.slow_hosts}", f"--slow-latency-ms={s.slow_latency * 1000}",
            f"--drip-hosts={s.drip_hosts}", f"--shell-hosts={s.shell_hosts}",
            f"--failing-hosts={s.failing_hosts}", f"--moved-hosts={s.moved_hosts}",
            f"--max-seconds={s.tool_limit * (len(s.tools) * s.repeat + 1)}",
        ]  # fmt: skip
        if s.caps:
            cmd.append(f"--caps={s.caps[0]}-{s.caps[1]}")
        if s.refuse:
            cmd.append("--refuse")
        if s.tls:
            cmd.append(f"--tls-dir={s.certificate.parent}")
        self.process = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
        line = self.process.stdout.readline() if self.process.stdout else ""
        if not line:
            raise SystemExit("simweb did not start")
        self.port = int(json.loads(line)["port"])
        self.workers = s.workers
        self.scheme = "https" if s.tls else "http"
        handlers: list[urllib.request.BaseHandler] = [urllib.request.ProxyHandler({})]
        if s.tls:
            trusted = ssl.create_default_context(cafile=str(s.certificate))
            handlers.append(urllib.request.HTTPSHandler(context=trusted))
        self.opener = urllib.request.build_opener(*handlers)

    def _call(self, worker: int, name: str, method: str) -> dict[str, Any]:
        url = f"{self.scheme}://{host_address(worker)}:{self.port}{CONTROL_PREFIX}{name}"
        request = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
        with self.opener.open(request, timeout=30) as response:
            data: dict[str, Any] = json.loads(response.read())
            return data

    def reset(self) -> None:
        """Zero every worker's counters."""
        for worker in range(self.workers):
            self._call(worker, "reset", "POST")

    def wait_idle(self, limit: float = 120.0) -> None:
        """Wait (bounded) until no host still serves an earlier tool's requests."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            busy = sum(h["inflight"] for w in self.stats() for h in w["hosts"])
            if not busy:
                return
            time.sleep(0.5)
        print("simweb: hosts still busy from the previous run", file=sys.stderr)

    def stats(self) -> list[dict[str, Any]]:
        """Every worker's counters (host worker w belongs to worker w)."""
        return [self._call(worker, "stats", "GET") for worker in range(self.workers)]

    def stop(self) -> None:
        """Terminate the server (it also stops by itself after --max-seconds)."""
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def run_measured(cmd: list[str], cwd: Path, limit: float) -> Measured:
    """Run one tool, wait4() it for its own rusage, kill its process group after `limit`."""
    load = os.getloadavg()[0]  # the machine is shared: a busy one slows every tool
    started = time.monotonic()
    with (cwd / "stdout.txt").open("wb") as out, (cwd / "stderr.txt").open("wb") as err:
        child = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=err, start_new_session=True)
    timed_out = threading.Event()

    def kill() -> None:
        timed_out.set()
        os.killpg(child.pid, signal.SIGKILL)

    timer = threading.Timer(limit, kill)
    timer.start()
    sampler = TreeRss(child.pid)
    sampler.start()
    _, status, usage = os.wait4(child.pid, 0)
    sampler.stop()
    timer.cancel()
    child.returncode = os.waitstatus_to_exitcode(status)
    wall = time.monotonic() - started
    # ru_maxrss is in KiB on Linux: the largest process of the tree, not their sum.
    return Measured(
        child.returncode, wall, usage.ru_utime + usage.ru_stime, usage.ru_stime,
        usage.ru_maxrss / 1024,
        timed_out.is_set(), load, sampler.peak_mb,
    )  # fmt: skip


class TreeRss(threading.Thread):
    """Samples the summed memory (PSS) of every process in a session (the tool started with
    start_new_session, so its workers share the session id) every 50 ms."""

    def __init__(self, session: int) -> None:
        super().__init__(daemon=True)
        self.session = session
        self.peak_mb = 0.0
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.wait(0.05):
            self.peak_mb = max(self.peak_mb, session_rss_mb(self.session))

    def stop(self) -> None:
        """Stop sampling (the tool has exited)."""
        self._done.set()
        self.join()


def session_rss_mb(session: int) -> float:
    """Memory of the live processes of `session`, summed as PSS (Linux /proc): pages shared
    by forked workers are counted once in all, not once per process as RSS would."""
    total_kb = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            if int(fields[3]) != session:  # field 6 of stat: the session id
                continue
            with open(f"/proc/{entry.name}/smaps_rollup", encoding="ascii") as f:
                total_kb += next(int(line.split()[1]) for line in f if line.startswith("Pss:"))
        except (OSError, IndexError, ValueError, StopIteration):
            continue
    return total_kb / 1024


def server_cpu(stats: list[dict[str, Any]]) -> float:
    """CPU seconds used so far by all the simulated web's workers."""
    return sum(float(worker["cpu_s"]) for worker in stats)


def traffic(stats: list[dict[str, Any]], links: set[str], started: float, cpu0: float) -> Traffic:
    """Fold the server's counters into request totals and per-host completion times."""
    link_req = head = other = probe = max_inflight = connections = refused = twice = 0
    reached: set[str] = set()
    fast_done: list[float] = []
    slow_done: list[float] = []
    arrivals: list[float] = []
    for worker in stats:
        for host in worker["hosts"]:
            max_inflight = max(max_inflight, host["max_inflight"])
            connections += host["connections"]
            refused += host.get("refused", 0)
            twice += host.get("refused", 0) > 1
            for method, path, count in host["requests"]:
                key = f"{host['index']}{path}"
                if key in links:
                    link_req += count
                    reached.add(key)
                else:
                    other += count
                    probe += count if path.startswith(PROBE_PREFIX) else 0
                head += count if method == "HEAD" else 0
            if host["first_arrival"] is not None:
                arrivals.append(host["first_arrival"] - started)
            if host["last_done"] is not None:
                done = host["last_done"] - started
                (fast_done if host["kind"] in ("fast", "shell") else slow_done).append(done)
    cpu = server_cpu(stats) - cpu0
    return Traffic(
        link_req, head, other, probe, len(reached), connections, max_inflight, cpu, refused,
        twice,
        min(arrivals, default=None), max(fast_done, default=None), max(slow_done, default=None),
    )  # fmt: skip


def link_keys(plan: Plan, hosts: int) -> set[str]:
    """`<host index><path>` for every link, the way the server's counters name them."""
    return {f"{i % hosts}/{url.split('/', 3)[3]}" for i, url in enumerate(plan.urls)}


def ideal_bounds(s: Settings, plan: Plan) -> tuple[float, float]:
    """Largest per-host (links x latency / cap) over all hosts, and over the fast hosts only."""
    per_host = [0] * s.hosts
    for i in range(len(plan.urls)):
        per_host[i % s.hosts] += 1
    bound = [n * (s.slow_latency if h < s.slow_hosts else s.latency) / s.cap_of(h)
             for h, n in enumerate(per_host)]  # fmt: skip
    # A drip host's head comes as fast as any; its endless body is each tool's own choice.
    return max(bound), max(bound[s.slow_hosts + s.drip_hosts :], default=0.0)


def accuracy(failed: dict[str, str] | None, plan: Plan) -> tuple[int, int, int]:
    """Healthy links reported broken, healthy links reported inconclusive, broken ones missed.

    An unreadable output counts every link as unverified (-1 in each column).
    """
    if failed is None:
        return -1, -1, -1
    healthy = [kind for url, kind in failed.items() if url not in plan.broken]
    missed = sum(1 for url in plan.broken if failed.get(url) != "broken")
    return healthy.count("broken"), len(healthy) - healthy.count("broken"), missed


def run_tool(tool: peers.Tool, s: Settings, web: SimWeb, plan: Plan, run_dir: Path) -> Row:
    """One measured run of one tool, with the server's view of it."""
    inputs = peers.Inputs(run_dir / "roadmap.md", run_dir / "roadmap.html", run_dir / tool.name)
    inputs.work.mkdir(exist_ok=True)
    inputs.work.chmod(0o777)  # LinkChecker drops root privileges to `nobody`
    cmd = tool.command(inputs, peers.Limits(s.concurrency, s.per_host, s.timeout))
    if s.profile and tool.name.startswith("roadmap-bot"):
        # Sampling costs some CPU: profiled runs show where time goes, not the figures.
        cmd = [str(PY_SPY), "record", "--format", "raw", "--rate", "250", "--nonblocking",
               "--subprocesses",
               "-o", str(inputs.work / "profile.txt"), "--", *cmd]  # fmt: skip
    web.wait_idle()
    web.reset()
    cpu0 = server_cpu(web.stats())
    started = time.time()
    measured = run_measured(cmd, inputs.work, s.tool_limit)
    seen = traffic(web.stats(), link_keys(plan, s.hosts), started, cpu0)
    failed = read_failures(tool, inputs)
    ideal, fast_ideal = ideal_bounds(s, plan)
    caps = f"caps {s.caps[0]}-{s.caps[1]}{' (429 above)' if s.refuse else ''}" if s.caps else ""
    scenario = ", ".join(
        [f"{s.slow_hosts} slow host(s)"] * bool(s.slow_hosts)
        + [f"{s.drip_hosts} drip host(s)"] * bool(s.drip_hosts)
        + [f"{s.shell_hosts} app-shell host(s)"] * bool(s.shell_hosts)
        + [f"{s.failing_hosts} 502 host(s)"] * bool(s.failing_hosts)
        + [f"{s.moved_hosts} moved host(s)"] * bool(s.moved_hosts)
        + [caps] * bool(caps)
    ) or "healthy"
    if s.tls:
        scenario += ", https"
    return Row(tool.name, scenario, measured, seen, *accuracy(failed, plan), ideal, fast_ideal)


def read_failures(tool: peers.Tool, inputs: peers.Inputs) -> dict[str, str] | None:
    """The tool's failures, or None when its output is missing or unreadable."""
    try:
        return tool.failures(inputs)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        print(f"{tool.name}: cannot read its output: {exc}", file=sys.stderr)
        return None


def best_row(rows: list[Row]) -> Row:
    """The fastest run (least disturbed by the shared machine), with every run's wall time."""
    best = min(rows, key=lambda r: r.measured.wall_s)
    return replace(best, walls=tuple(r.measured.wall_s for r in rows))


def ratios_to(runs: list[Row], reference: str) -> str:
    """Each tool's CPU and wall time over the reference tool's in the same round, and their
    medians: the terms issue 12's targets are stated in. Empty without the reference."""
    by_tool: dict[str, list[Row]] = {}
    for run in runs:
        by_tool.setdefault(run.tool, []).append(run)
    base = by_tool.get(reference)
    if not base:
        return ""
    lines = []
    for tool, rows in by_tool.items():
        if tool == reference:
            continue
        cpu = [row.measured.cpu_s / ref.measured.cpu_s for row, ref in zip(rows, base, strict=True)]
        wall = [row.measured.wall_s / ref.measured.wall_s for row, ref in zip(rows, base, strict=True)]
        lines.append(
            f"{tool}: CPU {statistics.median(cpu):.2f}x {reference}'s, wall "
            f"{statistics.median(wall):.2f}x (medians of {len(cpu)} rounds; CPU per round "
            f"{', '.join(f'{ratio:.2f}' for ratio in cpu)})")
    return "\n".join(lines)


def fmt(value: float | None, digits: int = 2) -> str:
    """A number for the table, `-` when unknown."""
    return "-" if value is None else f"{value:.{digits}f}"


def table(rows: list[Row], s: Settings) -> str:
    """The Markdown results table."""
    head = (
        "| tool | scenario | wall s | median wall s | x ideal | CPU s (sys) | server CPU s | "
        "peak RSS MB | all processes MB | req/link | HEAD | 429s | hosts >1 429 | "
        "other req | probe req/link | links reached | connections | max per-host conc. | first request s | "
        "fast hosts done s | "
        "healthy->broken | healthy->error | broken missed | exit | load |\n"
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:"
        "|--:|--:|--:|"
    )
    lines = [head]
    for r in rows:
        m, t = r.measured, r.traffic
        lines.append(
            f"| {r.tool} | {r.scenario} | {fmt(m.wall_s)}{' (killed)' if m.timed_out else ''} | "
            f"{fmt(statistics.median(r.walls) if r.walls else None)} | "
            f"{fmt(m.wall_s / r.ideal_s, 1)} | {fmt(m.cpu_s)} ({fmt(m.sys_s)}) | "
            f"{fmt(t.server_cpu_s)} | "
            f"{fmt(m.max_rss_mb, 0)} | {fmt(m.tree_rss_mb, 0)} | "
            f"{fmt(t.link_requests / s.links)} | {t.head_requests} | {t.refused} | "
            f"{t.hosts_refused_twice} | {t.other_requests} | "
            f"{fmt(t.probe_requests / s.links, 4)} | "
            f"{t.links_reached}/{s.links} | {t.connections} | {t.max_inflight} | "
            f"{fmt(t.first_request_s)} | {fmt(t.fast_done_s)} | "
            f"{r.failed_healthy} | {r.errors_healthy} | {r.missed_broken} | {m.exit_code} | "
            f"{fmt(m.load_before, 1)} |"
        )
    return "\n".join(lines)


def describe(s: Settings, plan: Plan) -> str:
    """The configuration line printed above the table."""
    ideal, fast = ideal_bounds(s, plan)
    return (
        f"{s.links} links over {s.hosts} hosts, latency {s.latency * 1000:.0f} ms, server cap "
        f"{f'{s.caps[0]}-{s.caps[1]}' if s.caps else s.cap}/host"
        f"{' (429 above it)' if s.refuse else ''}; tools: concurrency {s.concurrency}, per-host {s.per_host}, timeout "
        f"{s.timeout:.0f} s; slow hosts {s.slow_hosts} at {s.slow_latency:.1f} s; "
        f"drip hosts {s.drip_hosts}; app-shell hosts {s.shell_hosts}; "
        f"502 hosts {s.failing_hosts}; moved hosts {s.moved_hosts}; "
        f"{'https; ' if s.tls else ''}"
        f"ideal bound {ideal:.3f} s (fast hosts {fast:.3f} s); {os.cpu_count()} CPUs"
    )


def benchmark(s: Settings, selected: list[peers.Tool], on_row: Callable[[Row], None]) -> list[Row]:
    """Start the web, write the inputs, run every selected tool `repeat` times, in rounds."""
    web = SimWeb(s)
    try:
        plan = make_plan(s.links, s.hosts, web.port, s.broken, web.scheme)
        if s.tls:  # every tool started from here trusts the web's certificate
            os.environ["SSL_CERT_FILE"] = str(s.certificate)
        s.out_dir.mkdir(parents=True, exist_ok=True)
        s.out_dir.chmod(0o755)
        write_inputs(plan, s.out_dir)
        print(describe(s, plan), file=sys.stderr)
        runs: dict[str, list[Row]] = {tool.name: [] for tool in selected}
        for _ in range(s.repeat):  # round by round: a change of load touches every tool alike
            for tool in selected:
                run = run_tool(tool, s, web, plan, s.out_dir)
                on_row(run)
                runs[tool.name].append(run)
        return [best_row(runs[tool.name]) for tool in selected]
    finally:
        web.stop()


def main(argv: list[str] | None = None) -> None:
    """CLI entry point."""
    s = parse_args(argv)
    if s.nice:
        # On a shared machine a higher priority keeps others' test runs from skewing the figures.
        os.nice(s.nice)
    peers.compile_bytecode()
    selected = [t for t in peers.available() if t.name in s.tools]
    missing = sorted(set(s.tools) - {t.name for t in selected})
    if missing:
        print(f"not installed (skipped): {', '.join(missing)}", file=sys.stderr)
    all_runs: list[Row] = []

    def on_row(row: Row) -> None:
        all_runs.append(row)
        print(f"{row.tool}: {row.measured.wall_s:.2f} s", file=sys.stderr)

    rows = benchmark(s, selected, on_row)
    plan_note = describe(s, make_plan(s.links, s.hosts, 0, s.broken))
    (s.out_dir / "results.json").write_text(
        json.dumps({"settings": plan_note, "runs": [asdict(r) for r in all_runs]}, default=str)
    )
    print(plan_note)
    print()
    print(table(rows, s))
    if ratios := ratios_to(all_runs, "lychee"):
        print(f"\n{ratios}")
    print(f"\n(outputs in {s.out_dir}; known-broken prefix {BROKEN_PREFIX})")


if __name__ == "__main__":
    main()
