"""`roadmap-bot freshness` end to end: a real subprocess against the fakes, and its settings."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.errors import ConfigError
from bot.freshness.settings import FreshnessSettings, load_settings
from tests.fakes.providers import Upstreams

ROOT = Path(__file__).resolve().parents[2]


def config_for(upstreams: Upstreams, path: Path) -> Path:
    path.write_text(
        "check:\n  concurrency: 4\n"
        "freshness:\n"
        f"  github_api: {upstreams.github}\n"
        f"  github_graphql: {upstreams.github}/graphql\n"
        f"  youtube: {upstreams.other}\n  pypi: {upstreams.other}\n"
        f"  openlibrary: {upstreams.other}\n  substack: {upstreams.other}\n"
        f"  medium: {upstreams.other}\n  timeout: 5\n"
        "  policy:\n    review_after_years: {course: 2}\n",
        encoding="utf-8")
    return path


async def freshness_cli(*args: str, token: str | None = None) -> tuple[int, str, str]:
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_TOKEN"}
    if token:
        env["GITHUB_TOKEN"] = token
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "freshness", *args, cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await process.communicate()
    return process.returncode or 0, out.decode(), err.decode()


async def test_json_output_has_every_resource(upstreams: Upstreams, tmp_path: Path) -> None:
    config = config_for(upstreams, tmp_path / "roadmap-bot.yaml")
    code, out, err = await freshness_cli("roadmap.yaml", "--config", str(config),
                                         "--format", "json", "--today", "2026-11-28")
    assert code == 0, err
    data = json.loads(out)
    assert len(data) == 55
    assert data["terraform-up-and-running"]["verdict"] == "stale"
    assert upstreams.count("github", "/graphql") == 0  # no token: REST


async def test_token_from_the_environment_switches_github_to_graphql(
        upstreams: Upstreams, tmp_path: Path) -> None:
    config = config_for(upstreams, tmp_path / "c.yaml")
    code, out, err = await freshness_cli("--config", str(config), "--format", "json",
                                         token="ghs_from_env")
    assert code == 0, err
    assert upstreams.count("github") == 1 and upstreams.count("github", "/graphql") == 1
    assert "ghs_from_env" not in out + err


async def test_table_with_a_check_report(upstreams: Upstreams, tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    report.write_text(json.dumps({
        "schema_version": 1, "generated_at": "2026-11-28T03:00:00Z", "inputs": ["roadmap.yaml"],
        "links": [{
            "url": "https://www.udemy.com/course/bash-mastery", "status": "ok",
            "reason": "http_200", "sources": [{"file": "roadmap.yaml", "line": 80,
                                              "resource": "Bash mastery",
                                              "resource_id": "udemy-bash-mastery"}],
            "metadata": {"title": "[bold]Bash[/bold]", "modified": "2023-11-01", "dates": [
                {"field": "modified", "date": "2023-11-01", "source": "text:last-updated"}]},
        }]}), encoding="utf-8")
    config = config_for(upstreams, tmp_path / "c.yaml")
    output = tmp_path / "table.txt"
    code, _, err = await freshness_cli("--report", str(report), "--config", str(config),
                                       "--today", "2026-11-28", "--output", str(output))
    assert code == 0, err
    text = output.read_text(encoding="utf-8")
    for heading in ("Resource", "Kind", "Last updated", "Date source", "Verdict"):
        assert heading in text
    bash = next(line for line in text.splitlines() if "Bash mastery" in line)
    # course threshold from the config (2 years) makes 2023-11 a low-priority review
    assert "2023-11-01" in bash and "text:last-updated" in bash and "review (low)" in bash


def test_bad_inputs_are_one_located_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                         ) -> None:
    bad = tmp_path / "c.yaml"
    bad.write_text("freshness:\n  timeout: 5\n  colour: red\n", encoding="utf-8")
    assert main(["freshness", str(ROOT / "roadmap.yaml"), "--config", str(bad)]) == 2
    assert capsys.readouterr().err.strip() == (
        f"roadmap-bot: {bad}:3:3: freshness: unknown setting 'colour'")
    assert main(["freshness", str(ROOT / "roadmap.yaml"), "--report",
                 str(tmp_path / "missing.json")]) == 2
    assert "missing.json" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["freshness", "--today", "28/11/2026"])


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("freshness:\n  pypi: ftp://x\n", ":2:3: freshness.pypi: expected an http(s) URL"),
        ("freshness:\n  timeout: -1\n", ":2:3: freshness.timeout: expected a positive number"),
        ("freshness:\n  concurrency: true\n", ":2:3: freshness.concurrency: expected a positive"),
        ("freshness:\n  policy:\n    max_age: 3\n", ":3:5: freshness.policy: unknown setting"),
        ("freshness: 3\n", ":1:1: `freshness:` must be a mapping"),
        ("freshness:\n  github_token: abc\n", ":2:3: freshness: unknown setting 'github_token'"),
    ],
)
def test_settings_errors(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(str(path))
    assert problem in caught.value.located()


def test_settings_defaults_merge_and_missing_default_file(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("check: {}\nfreshness:\n  openlibrary: http://127.0.0.1:9/\n  policy:\n"
                    "    stale_after_months: 12\n    review_after_years: {video: 2}\n",
                    encoding="utf-8")
    settings = load_settings(str(path), token="t")
    assert settings.openlibrary == "http://127.0.0.1:9"
    assert settings.policy.stale_after_months == 12
    assert dict(settings.policy.review_after_years) == {"article": 4, "course": 4, "video": 2,
                                                        "tutorial": 4}
    assert settings.github_token == "t"
    monkeypatch.chdir(tmp_path)  # no roadmap-bot.yaml here: defaults, no error
    assert load_settings(None, None) == FreshnessSettings()
    assert load_settings(str(ROOT / "roadmap-bot.yaml")).policy.stale_after_months == 24
