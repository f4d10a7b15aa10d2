"""The link checkers under test: how to run each one fairly and how to read its failures.

Every tool gets the same global concurrency, per-host limit (where it has one), request
timeout and loopback permission; no cache between runs. Each `failures()` returns the
URLs a tool reported as failed, as `broken` (an HTTP 4xx answer) or `error` (anything
else: timeouts, refused connections, skipped). Peers live in `benchmarks/.peers/`
(`install_peers.sh`); a tool whose executable is missing is skipped.
"""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PEERS = HERE / ".peers"


@dataclass(frozen=True)
class Inputs:
    """The files of one run: the roadmap in Markdown and HTML, and the tool's own folder."""

    markdown: Path
    html: Path
    work: Path

    @property
    def stdout(self) -> Path:
        """Where the tool's standard output is kept."""
        return self.work / "stdout.txt"


@dataclass(frozen=True)
class Limits:
    """The limits every tool is given."""

    concurrency: int
    per_host: int
    timeout: float


@dataclass(frozen=True)
class Tool:
    """One checker: its executable, its command line, and its failure reader."""

    name: str
    executable: Path
    build: Callable[[Path, Inputs, Limits], list[str]]
    read: Callable[[Inputs], dict[str, str]]

    def command(self, inputs: Inputs, limits: Limits) -> list[str]:
        """The exact command line of one run."""
        return self.build(self.executable, inputs, limits)

    def failures(self, inputs: Inputs) -> dict[str, str]:
        """URL -> `broken` | `error` for every link the tool did not pass."""
        return self.read(inputs)


def kind_of(code: object) -> str:
    """An HTTP 4xx answer proves a link broken; anything else failed inconclusively."""
    return "broken" if isinstance(code, int) and 400 <= code < 500 else "error"


# roadmap-bot --------------------------------------------------------------------------


def roadmap_bot_command(exe: Path, inputs: Inputs, limits: Limits) -> list[str]:
    """The contract's command line."""
    return [
        str(exe), "check", str(inputs.markdown), "--allow-private", "--no-progress",
        "--format", "json", "--output", str(inputs.work / "report.json"),
        "--concurrency", str(limits.concurrency), "--per-host", str(limits.per_host),
        "--timeout", str(limits.timeout), "--no-verify",  # peers ask no second opinion
    ]  # fmt: skip


def roadmap_bot_one_process_command(exe: Path, inputs: Inputs, limits: Limits) -> list[str]:
    """The same with one process (`--jobs 1`); the default is one per CPU, at most 8."""
    return [*roadmap_bot_command(exe, inputs, limits), "--jobs", "1"]


def roadmap_bot_aiohttp_command(exe: Path, inputs: Inputs, limits: Limits) -> list[str]:
    """One process through aiohttp's ClientSession (`check.http_client: aiohttp`), the client
    the wire client replaced on the request path: what the replacement saves."""
    config = inputs.work / "roadmap-bot-aiohttp.yaml"
    config.write_text("check:\n  http_client: aiohttp\n", encoding="utf-8")
    return [*roadmap_bot_one_process_command(exe, inputs, limits), "--config", str(config)]


def roadmap_bot_failures(inputs: Inputs) -> dict[str, str]:
    """Every link whose status is not ok/redirected, by the JSON report."""
    report = json.loads((inputs.work / "report.json").read_text(encoding="utf-8"))
    return {
        link["url"]: "broken" if link["status"] == "broken" else "error"
        for link in report["links"]
        if link["status"] not in ("ok", "redirected")
    }


# lychee -------------------------------------------------------------------------------


def lychee_command(exe: Path, inputs: Inputs, limits: Limits) -> list[str]:
    """lychee with its per-host limit and no minimum interval between requests to a host."""
    return [
        str(exe), "--no-progress", "--max-concurrency", str(limits.concurrency),
        "--host-concurrency", str(limits.per_host), "--host-request-interval", "0s",
        "--timeout", str(max(1, round(limits.timeout))), "--format", "json",
        "--output", str(inputs.work / "lychee.json"), str(inputs.markdown),
    ]  # fmt: skip


def lychee_failures(inputs: Inputs) -> dict[str, str]:
    """The error and timeout maps of lychee's JSON report."""
    report = json.loads((inputs.work / "lychee.json").read_text(encoding="utf-8"))
    failed: dict[str, str] = {}
    for key in ("error_map", "timeout_map"):
        for entries in report.get(key, {}).values():
            for entry in entries:
                failed[entry["url"]] = kind_of(entry.get("status", {}).get("code"))
    return failed


# linkinator ---------------------------------------------------------------------------


def linkinator_command(exe: Path, inputs: Inputs, limits: Limits) -> list[str]:
    """linkinator on the Markdown file (it has no per-host limit)."""
    return [
        str(exe), str(inputs.markdown), "--markdown", "--concurrency", str(limits.concurrency),
        "--timeout", str(round(limits.timeout * 1000)), "--format", "json",
    ]  # fmt: skip


def linkinator_failures(inputs: Inputs) -> dict[str, str]:
    """Links in state BROKEN in linkinator's JSON output."""
    report = json.loads(inputs.stdout.read_text(encoding="utf-8"))
    return {
        link["url"]: kind_of(link.get("status"))
        for link in report["links"]
        if link.get("state") == "BROKEN"
    }


# markdown-link-check ------------------------------------------------------------------

MLC_FAILURE = re.compile(r"\[✖\] (\S+) → Status: (\d+)")


def mlc_command(exe: Path, inputs: Inputs, limits: Limits) -> list[str]:
    """markdown-link-check (fixed concurrency of 2, no per-host limit) with our timeout."""
    config = inputs.work / "mlc.json"
    config.write_text(json.dumps({"timeout": f"{round(limits.timeout)}s", "retryOn429": False}))
    return [str(exe), "-q", "-c", str(config), str(inputs.markdown)]


def mlc_failures(inputs: Inputs) -> dict[str, str]:
    """The `[✖] url → Status: N` lines."""
    text = inputs.stdout.read_text(encoding="utf-8", errors="replace")
    return {m[1]: kind_of(int(m[2])) for m in MLC_FAILURE.finditer(text)}


# LinkChecker --------------------------------------------------------------------------


def linkchecker_command(exe: Path, inputs: Inputs, limits: Limits) -> list[str]:
    """LinkChecker on the HTML twin; it has no per-host concurrency, only a rate limit.

    Its rate limit above 10 requests/s per host needs the server's consent (a `LinkChecker`
    response header, which the simulated web sends); robots.txt is not fetched, as by
    the other tools.
    """
    config = inputs.work / "linkcheckerrc"
    config.write_text(
        "[checking]\n"
        f"threads={limits.concurrency}\ntimeout={round(limits.timeout)}\n"
        "maxrequestspersecond=100000\n"
        "[filtering]\ncheckextern=1\n"
    )
    config.chmod(0o644)
    return [
        str(exe), "-f", str(config), "--check-extern", "-r", "1", "--no-robots",
        "--no-status", "-o", "csv", str(inputs.html),
    ]  # fmt: skip


def linkchecker_failures(inputs: Inputs) -> dict[str, str]:
    """Rows of LinkChecker's CSV output whose `valid` column is False."""
    lines = inputs.stdout.read_text(encoding="utf-8", errors="replace").splitlines()
    rows = csv.DictReader((ln for ln in lines if not ln.startswith("#")), delimiter=";")
    failed: dict[str, str] = {}
    for row in rows:
        if row.get("valid") == "False" and row.get("url"):
            code = re.match(r"(\d{3}) ", row.get("result") or "")
            failed[row["url"]] = kind_of(int(code[1]) if code else None)
    return failed


# the floor: a minimal raw-socket client (not a link checker) -----------------------------


def floor_command(exe: Path, inputs: Inputs, limits: Limits) -> list[str]:
    """The floor client with the same per-host limit."""
    return [str(exe), str(HERE / "floor_client.py"), str(inputs.markdown),
            "--per-host", str(limits.per_host)]  # fmt: skip


def aiohttp_floor_command(exe: Path, inputs: Inputs, limits: Limits) -> list[str]:
    """The floor client going through one aiohttp session."""
    return [*floor_command(exe, inputs, limits), "--aiohttp"]


def floor_failures(inputs: Inputs) -> dict[str, str]:
    """The floor client's non-200 answers."""
    report = json.loads(inputs.stdout.read_text(encoding="utf-8"))
    return {url: kind_of(code) for url, code in report["failed"].items()}


TOOLS: dict[str, Tool] = {
    tool.name: tool
    for tool in (
        Tool("roadmap-bot", REPO / ".venv/bin/roadmap-bot", roadmap_bot_command,
             roadmap_bot_failures),
        Tool("roadmap-bot-j1", REPO / ".venv/bin/roadmap-bot", roadmap_bot_one_process_command,
             roadmap_bot_failures),
        Tool("roadmap-bot-aiohttp", REPO / ".venv/bin/roadmap-bot", roadmap_bot_aiohttp_command,
             roadmap_bot_failures),
        Tool("lychee", PEERS / "venv/bin/lychee", lychee_command, lychee_failures),
        Tool("linkinator", PEERS / "node/node_modules/.bin/linkinator", linkinator_command,
             linkinator_failures),
        Tool("markdown-link-check", PEERS / "node/node_modules/.bin/markdown-link-check",
             mlc_command, mlc_failures),
        Tool("linkchecker", PEERS / "venv/bin/linkchecker", linkchecker_command,
             linkchecker_failures),
        Tool("floor", Path(sys.executable), floor_command, floor_failures),
        Tool("aiohttp-floor", Path(sys.executable), aiohttp_floor_command, floor_failures),
    )
}  # fmt: skip


def compile_bytecode() -> None:
    """Compile roadmap-bot's modules ahead, as installing a package does: an editable
    checkout under PYTHONDONTWRITEBYTECODE (set on some machines) would otherwise compile
    every module again on every run and time that."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "bot")], check=True)


def available() -> list[Tool]:
    """The tools whose executable is installed, in table order."""
    return [tool for tool in TOOLS.values() if tool.executable.exists()]
