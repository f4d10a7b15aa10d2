"""The `curate` command end to end (argv, env, config, report file) and the settings loader."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.curate.settings import load_curate_config
from bot.errors import ConfigError
from bot.model import Hop, Status
from bot.report.json_report import render
from tests.curate.helpers import report, result
from tests.fakes.github_api import FakeState, Fault

ROADMAP = """\
title: T
sections:
  - number: "1"
    title: S
    items:
      - resources:
          - id: py-book
            title: Py Book
            kind: article
            url: https://old.test/a
"""


@pytest.fixture
def checkout(tmp_path: Path, fake: FakeState, monkeypatch: pytest.MonkeyPatch) -> Path:
    moved = result("https://old.test/a", Status.REDIRECTED, "permanent_redirect",
                   final_url="https://new.test/a", redirects=(Hop("https://old.test/a", 301),))
    (tmp_path / "roadmap.yaml").write_text(ROADMAP)
    (tmp_path / "roadmap-bot.yaml").write_text(
        "curate:\n  github_backoff: 0.01\n  github_write_interval: 0\n")
    (tmp_path / "report.json").write_text(render(report(moved)))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GITHUB_TOKEN", fake.token)
    monkeypatch.setenv("GITHUB_REPOSITORY", fake.full_name)
    monkeypatch.setenv("GITHUB_API_URL", fake.base)
    return tmp_path


def test_dry_run_prints_the_plan_and_writes_nothing(checkout: Path, fake: FakeState,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["curate", "--report", "report.json", "--dry-run"]) == 0
    out, err = capsys.readouterr()
    assert "would open pull request 'roadmap-bot: update 1 link" in out
    assert fake.writes() == [] and fake.token not in out + err


def test_curate_opens_the_pr(checkout: Path, fake: FakeState) -> None:
    assert main(["curate", "--report", "report.json"]) == 0
    (pull,) = fake.pulls.values()
    assert "url: https://new.test/a" in (fake.file_at("roadmap-bot/fixes", "roadmap.yaml") or "")
    assert "https://new.test/a" in pull["body"]


def test_github_down_is_a_clear_failure_without_the_token(
        checkout: Path, fake: FakeState, capsys: pytest.CaptureFixture[str]) -> None:
    fake.faults.append(Fault(at=1, status=503, times=50))
    assert main(["curate", "--report", "report.json"]) == 3
    _, err = capsys.readouterr()
    assert "GitHub answered 503" in err and fake.token not in err
    assert len(err.strip().splitlines()) == 1  # one line, no traceback


def test_bad_report_is_one_located_line(checkout: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (checkout / "bad.json").write_text("{\n oops")
    assert main(["curate", "--report", "bad.json", "--dry-run"]) == 2
    assert capsys.readouterr().err.startswith("roadmap-bot: bad.json:2:")


def test_config_section(tmp_path: Path) -> None:
    config = tmp_path / "roadmap-bot.yaml"
    config.write_text("check: {}\ncurate:\n  confirm_runs: 3\n  digest: true\n"
                      "  labels: {ignore: wontfix}\n  ignore_domains: ['*.linkedin.com']\n")
    settings = load_curate_config(str(config))
    assert (settings.confirm_runs, settings.digest, settings.labels.ignore) == (3, True, "wontfix")
    assert settings.ignored("https://www.linkedin.com/in/x")
    config.write_text("check: {}\ncurate:\n  confirm_runs: 0\n")
    with pytest.raises(ConfigError) as info:
        load_curate_config(str(config))
    assert info.value.line == 3 and "curate.confirm_runs" in info.value.message
    assert load_curate_config(None).confirm_runs == 2
    # A config file named but missing is a mistake to report, not a reason for defaults.
    with pytest.raises(ConfigError, match="cannot read config"):
        load_curate_config(str(tmp_path / "absent.yaml"))
