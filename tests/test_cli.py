"""The command line imports only the chosen subcommand yet parses exactly as with all loaded."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import COMMANDS, build_parser, chosen_command, cli_name, command_module, main
from tests.interpreter import printed_by

# argv samples per subcommand; parsing each must not depend on which modules were imported.
SAMPLES: list[list[str]] = [
    ["check"],
    ["check", "a.md", "b.html", "--format", "sarif", "--output", "r.sarif", "--concurrency", "8"],
    ["explain", "https://example.org/"],
    ["validate"],
    ["render", "--check"],
    ["schema", "-"],
    ["freshness"],
    ["curate"],
    ["run"],
    ["check-changed"],
    ["--version"],
    ["check", "--no-such-option"],
    ["check", "--help"],
    ["--help"],
    ["check_changed"],
    ["nope"],
    [],
]


@pytest.mark.parametrize("name", list(COMMANDS))
def test_the_table_help_is_the_module_help(name: str) -> None:
    assert COMMANDS[name] == command_module(name).HELP


@pytest.mark.parametrize(("argv", "expected"), [
    (["check", "a.md"], "check"),
    (["check-changed", "--base", "x"], "check_changed"),
    (["--version"], None),
    (["--", "explain", "u"], "explain"),
    (["check_changed"], None),  # not a command-line spelling: argparse refuses it
    (["nope", "check"], None),
    ([], None),
])
def test_the_chosen_command_is_the_first_non_option(argv: list[str], expected: str | None) -> None:
    assert chosen_command(argv) == expected


def _parse(argv: list[str], lazy: bool, capsys: pytest.CaptureFixture[str]) -> tuple[object, str]:
    chosen = chosen_command(argv)
    parser = build_parser(([] if chosen is None else [chosen]) if lazy else None)
    try:
        result: object = vars(parser.parse_args(argv))
    except SystemExit as exc:
        result = ("exit", exc.code)
    captured = capsys.readouterr()
    return result, captured.out + captured.err


@pytest.mark.parametrize("argv", SAMPLES, ids=lambda argv: " ".join(argv) or "(none)")
def test_lazy_parsing_equals_parsing_with_every_module(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert _parse(argv, True, capsys) == _parse(argv, False, capsys)


def test_help_lists_every_subcommand_with_its_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    for name, help_text in COMMANDS.items():
        assert f"{cli_name(name)} {help_text}" in text


def test_check_imports_no_other_command_module() -> None:
    script = (
        "import sys\n"
        "from bot.cli import chosen_command, build_parser\n"
        "build_parser([chosen_command(['check', 'x.md'])]).parse_args(['check', 'x.md'])\n"
        "print(sorted(m for m in sys.modules if m.startswith('bot.commands.')))\n"
    )
    assert printed_by(script) == "['bot.commands.check']"


def test_check_starts_without_the_progress_bar_or_baseline_stacks() -> None:
    # rich is drawn only for a person watching, prcheck only with --baseline, the config's
    # YAML parser and schemas only for a config file: none is worth its import before the
    # first request of a run that does not use it.
    script = (
        "import sys\n"
        "import bot.commands.check\n"
        "from bot.check.progress import ProgressDisplay\n"
        "from bot.check.settings import load_check_config\n"
        "from bot.sources.settings import load_source_config\n"
        "load_check_config(None), load_source_config(None)\n"
        "with ProgressDisplay(3, enabled=False) as progress:\n"
        "    pass\n"
        "print(sorted(m for m in ('rich', 'bot.prcheck', 'pydantic', 'ruamel.yaml')\n"
        "             if m in sys.modules))\n"
    )
    assert printed_by(script) == "[]"


def test_the_command_runs_with_the_collector_on_and_the_imports_frozen() -> None:
    # console() pauses the collector for the imports only: a command left without it would
    # keep every garbage cycle of a long night. The imports are frozen before the collector
    # is back, or its first young collection scans all they made (~10 ms).
    script = (
        "import gc, sys\n"
        "import bot.cli\n"
        "collections = []\n"
        "gc.callbacks.append(lambda phase, info: collections.append(phase))\n"
        "def run_command(args):\n"
        "    print(gc.isenabled(), gc.get_freeze_count() > 0, 'bot.commands.check' in sys.modules,\n"
        "          len(collections))\n"
        "    return 0\n"
        "bot.cli.run_command = run_command\n"
        "sys.argv = ['roadmap-bot', 'check', 'x.md']\n"
        "bot.cli.console()\n"
    )
    assert printed_by(script) == "True True True 0"


# Standard output as a pipe buffers it, unless the environment says otherwise.
BUFFERED = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}


@pytest.mark.parametrize("refused", [False, True])
def test_the_command_exits_with_mains_code_and_all_it_wrote(tmp_path: Path, refused: bool) -> None:
    # `python -m bot` ends without tearing the interpreter down (bot.cli.console): a report
    # too short to leave the pipe's buffer by itself still arrives, and the exit code is main's.
    with socket.socket() as closed:  # bound, never listening: connecting is refused
        closed.bind(("127.0.0.1", 0))
        linked = (f"http://127.0.0.1:{closed.getsockname()[1]}/" if refused
                  else "mailto:team@example.org")
        (tmp_path / "links.md").write_text(f"- [a]({linked})\n", encoding="utf-8")
        done = subprocess.run([sys.executable, "-m", "bot", "check", "links.md", "--format",
                               "json", "--no-progress", "--no-verify", "--allow-private"],
                              cwd=tmp_path, capture_output=True, text=True, timeout=120,
                              env=BUFFERED)
    summary = json.loads(done.stdout)["summary"]
    assert (done.returncode, summary["broken"], summary["skipped"]) == (
        (1, 1, 0) if refused else (0, 0, 1)), done.stderr


def test_the_command_exits_with_the_code_of_a_bad_input(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "bot", "check", "missing.md"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == "roadmap-bot: missing.md: cannot read file: No such file or directory\n"

