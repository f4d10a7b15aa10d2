"""Runs a composite action's steps as the Actions runner does, on this machine, for tests.

Each step gets its `if:` evaluated (the part of the expression language that action.yml
uses), its `env:` and `with:` expressions substituted, and its script run by `bash --noprofile
--norc -eo pipefail {0}` (the runner's `shell: bash`) with the runner's variables:
GITHUB_OUTPUT and GITHUB_STEP_SUMMARY (a fresh file per step), RUNNER_TEMP, GITHUB_* and
whatever the test adds. Outputs are read back from GITHUB_OUTPUT, `name=value` and
`name<<DELIMITER` forms both. Steps that `uses:` another action are recorded, not run
(setup-python: the test's Python is already there; upload-sarif: no code scanning here).
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

_TOKEN = re.compile(r"""\s*(?:
    (?P<str>'(?:[^']|'')*')
  | (?P<op>==|!=|&&|\|\||!|\(|\))
  | (?P<call>(?:always|success|failure|cancelled)\(\))
  | (?P<lit>true|false|null)
  | (?P<num>\d+(?:\.\d+)?)
  | (?P<path>[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*)
)""", re.VERBOSE)
_EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}")
_PY_OP = {"==": "==", "!=": "!=", "&&": " and ", "||": " or ", "!": " not ", "(": "(", ")": ")"}
_STATUS = re.compile(r"\b(always|success|failure|cancelled)\(\)")


@dataclass
class Context:
    """The expression contexts: inputs, github, runner, steps; and whether a step failed."""

    inputs: dict[str, str]
    github: dict[str, Any]
    runner: dict[str, str]
    steps: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)
    failed: bool = False

    def lookup(self, path: str) -> str:
        value: Any = {"inputs": self.inputs, "github": self.github, "runner": self.runner,
                      "steps": self.steps}
        for part in path.split("."):
            value = value.get(part, "") if isinstance(value, dict) else ""
        return value if isinstance(value, str) else ""

    def evaluate(self, expression: str) -> object:
        """Translate to a Python expression over literals only, then evaluate it."""
        python, pos = [], 0
        text = expression.strip()
        while pos < len(text):
            match = _TOKEN.match(text, pos)
            if match is None or match.end() == pos:
                raise ValueError(f"cannot evaluate {expression!r} at {text[pos:]!r}")
            pos = match.end()
            kind, token = match.lastgroup, match.group(match.lastgroup or 0)
            if kind == "str":
                python.append(repr(token[1:-1].replace("''", "'")))
            elif kind == "op":
                python.append(_PY_OP[token])
            elif kind == "call":
                python.append(repr({"always()": True, "success()": not self.failed,
                                    "failure()": self.failed}.get(token, False)))
            elif kind == "lit":
                python.append({"true": "True", "false": "False", "null": "''"}[token])
            elif kind == "num":
                python.append(token)
            else:
                python.append(repr(self.lookup(token)))
        return eval("".join(python), {"__builtins__": {}}, {})  # every value is a literal

    def substitute(self, text: str) -> str:
        def one(match: re.Match[str]) -> str:
            value = self.evaluate(match.group(1))
            return str(value).lower() if isinstance(value, bool) else str(value)
        return _EXPRESSION.sub(one, text)

    def should_run(self, condition: str | None) -> bool:
        condition = (condition or "").strip()
        if condition.startswith("${{"):
            condition = condition[3:].rstrip("}").strip()
        if not _STATUS.search(condition):  # the runner's implicit success() &&
            condition = f"success() && ({condition})" if condition else "success()"
        return bool(self.evaluate(condition))


def read_outputs(path: Path) -> dict[str, str]:
    """GITHUB_OUTPUT's `name=value` lines and `name<<EOF ... EOF` blocks."""
    outputs: dict[str, str] = {}
    lines = iter(path.read_text(encoding="utf-8").splitlines()) if path.exists() else iter(())
    for line in lines:
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            block = []
            for inner in lines:
                if inner == delimiter:
                    break
                block.append(inner)
            outputs[name] = "\n".join(block)
        elif "=" in line:
            name, value = line.split("=", 1)
            outputs[name] = value
    return outputs


@dataclass
class StepRun:
    name: str
    ran: bool
    returncode: int | None = None
    stdout: str = ""
    stderr: str = ""
    uses: str | None = None


@dataclass
class ActionRun:
    outputs: dict[str, str]
    steps: list[StepRun]
    summary: str
    failed: bool

    def step(self, name: str) -> StepRun:
        return next(step for step in self.steps if step.name == name)


def load_action(path: Path) -> dict[str, Any]:
    action: dict[str, Any] = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    return action


def run_action(action_file: Path, inputs: Mapping[str, str], *, workspace: Path, temp: Path,
               env: Mapping[str, str], github: Mapping[str, Any]) -> ActionRun:
    """Run every step of the composite action at `action_file` in `workspace`."""
    action = load_action(action_file)
    given = {name: spec.get("default", "") for name, spec in action["inputs"].items()}
    context = Context({}, {"action_path": str(action_file.parent), **github},
                      {"temp": str(temp)})
    context.inputs = {name: context.substitute(str(value)) for name, value in given.items()}
    context.inputs.update(inputs)
    runs, summary = [], []
    for number, step in enumerate(action["runs"]["steps"]):
        name = step.get("name", f"step {number}")
        if not context.should_run(step.get("if")):
            runs.append(StepRun(name, ran=False, uses=step.get("uses")))
            continue
        if "uses" in step:
            runs.append(StepRun(name, ran=False, uses=step["uses"]))
            continue
        done = _run_step(step, number, context, workspace, temp, env)
        runs.append(StepRun(name, True, done.returncode, done.stdout, done.stderr))
        summary.append((temp / f"summary-{number}").read_text(encoding="utf-8"))
        if step.get("id"):
            context.steps[step["id"]] = {"outputs": read_outputs(temp / f"output-{number}")}
        if done.returncode != 0 and not step.get("continue-on-error"):
            context.failed = True
    outputs = {name: context.substitute(str(spec["value"]))
               for name, spec in action.get("outputs", {}).items()}
    return ActionRun(outputs, runs, "".join(summary), context.failed)


def _run_step(step: dict[str, Any], number: int, context: Context, workspace: Path,
              temp: Path, env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    assert step.get("shell") == "bash", f"{step.get('name')}: composite run steps need a shell"
    output, summary = temp / f"output-{number}", temp / f"summary-{number}"
    output.write_text("", encoding="utf-8")
    summary.write_text("", encoding="utf-8")
    script = temp / f"step-{number}.sh"
    script.write_text(context.substitute(step["run"]), encoding="utf-8")
    step_env = {**env, "GITHUB_OUTPUT": str(output), "GITHUB_STEP_SUMMARY": str(summary),
                "RUNNER_TEMP": str(temp), "GITHUB_ACTION_PATH": context.github["action_path"],
                **{key: context.substitute(str(value))
                   for key, value in (step.get("env") or {}).items()}}
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                          cwd=workspace / step.get("working-directory", "."), env=step_env,
                          capture_output=True, text=True, timeout=300, check=False)
