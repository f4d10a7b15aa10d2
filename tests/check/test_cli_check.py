"""`roadmap-bot check` and `explain` end to end: argv in, report and exit code out.

The CLI runs its own event loop, so tests call `bot.cli.main` in a thread (or the console
script in a subprocess) while the simulated web keeps serving on the test's loop.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

import pytest

from bot.cli import main
from tests.simweb import Flaky, Page, RawHost, Redirect, SimHost, SimWeb

FAST_CONFIG = """\
freshness: {}   # other stages' sections are not the checker's business
verify:
  enabled: false   # second opinions have their own tests (tests/verify), with a fake archive
check:
  first_byte_timeout: 0.3
  total_timeout: 0.5
  connect_timeout: 0.5
  retries: 1
  backoff_base: 0.01
  backoff_max: 0.02
  max_retry_after: 0.1
"""
ARTICLE = Page("<html><head><title>MLOps article</title></head><body><p>"
               + "Text about MLOps. " * 50 + "</p></body></html>")


@pytest.fixture
def config(tmp_path: Path) -> str:
    path = tmp_path / "roadmap-bot.yaml"
    path.write_text(FAST_CONFIG)
    return str(path)


async def cli(*argv: str) -> int:
    return await asyncio.to_thread(main, list(argv))


def markdown_with(tmp_path: Path, *urls: str) -> str:
    path = tmp_path / "doc.md"
    path.write_text("# Links\n\n" + "".join(f"- [link {n}]({url})\n" for n, url in enumerate(urls)))
    return str(path)


async def test_check_writes_json_and_exits_1_on_broken(
    alpha: SimHost, tmp_path: Path, config: str, capsys: pytest.CaptureFixture[str]
) -> None:
    ok = alpha.route("/article", ARTICLE)
    doc = markdown_with(tmp_path, ok, alpha.url("/missing"), "https://gone.invalid/")
    out = tmp_path / "report.json"
    code = await cli("check", doc, "--allow-private", "--no-progress", "--config", config,
                     "--format", "json", "--output", str(out), "--concurrency", "4",
                     "--per-host", "2")
    assert code == 1
    report = json.loads(out.read_text())
    statuses = {link["url"]: (link["status"], link["reason"]) for link in report["links"]}
    assert statuses == {ok: ("ok", "http_200"), alpha.url("/missing"): ("broken", "http_404"),
                        "https://gone.invalid/": ("broken", "dns")}
    assert report["links"][1]["sources"] == [{"file": doc, "line": 4, "resource": None}]
    assert report["summary"]["broken"] == 2
    assert "checked 3 links" in capsys.readouterr().err


async def test_check_exits_0_without_broken_links(
    alpha: SimHost, tmp_path: Path, config: str, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = markdown_with(tmp_path, alpha.route("/a", ARTICLE), alpha.route("/b", Flaky(1)))
    code = await cli("check", doc, "--allow-private", "--no-progress", "--config", config)
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert [link["attempts"] for link in report["links"]] == [1, 2]


async def test_without_allow_private_loopback_is_skipped(
    alpha: SimHost, tmp_path: Path, config: str, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = markdown_with(tmp_path, alpha.route("/a", ARTICLE))
    assert await cli("check", doc, "--no-progress", "--config", config) == 0
    link = json.loads(capsys.readouterr().out)["links"][0]
    assert (link["status"], link["reason"]) == ("skipped", "private_address")
    assert alpha.requests == 0


@pytest.mark.parametrize("fmt", ["markdown", "sarif", "html"])
async def test_other_formats(
    alpha: SimHost, tmp_path: Path, config: str, fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = markdown_with(tmp_path, alpha.url("/missing"))
    code = await cli("check", doc, "--allow-private", "--no-progress", "--config", config,
                     "--format", fmt)
    assert code == 1
    assert alpha.url("/missing") in capsys.readouterr().out


@pytest.mark.parametrize("fmt", ["json", "markdown", "sarif", "html"])
async def test_no_report_names_a_refused_redirect_target(
    alpha: SimHost, tmp_path: Path, config: str, fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # A page that sends readers to file:, javascript: or ftp: is not followed there; the
    # report's final_url is the page itself, and no format carries the refused target.
    targets = {"/f": "file:///etc/passwd", "/j": "javascript:alert(1)", "/t": "ftp://x.test/a"}
    urls = [alpha.route(path, Redirect(target, 302)) for path, target in targets.items()]
    doc = markdown_with(tmp_path, *urls)
    await cli("check", doc, "--allow-private", "--no-progress", "--config", config,
              "--format", fmt)
    out = capsys.readouterr().out
    if fmt != "sarif":  # SARIF lists problems only, and a skipped link is none
        assert all(url in out for url in urls)
    for refused in ("/etc/passwd", "alert(1)", "ftp://"):
        assert refused not in out


async def test_explain_shows_the_refused_target_as_not_followed(
    alpha: SimHost, config: str, capsys: pytest.CaptureFixture[str]
) -> None:
    url = alpha.route("/f", Redirect("file:///etc/passwd", 302))
    _, out = await explain(url, config, capsys, "--allow-private")
    assert "(not followed) file:///etc/passwd" in out
    assert f"final: {url} " in out


async def test_all_hosts_down_is_announced_as_inconclusive(
    web: SimWeb, tmp_path: Path, config: str, capsys: pytest.CaptureFixture[str]
) -> None:
    urls = [web.closed_port_url(f"/{n}") for n in range(2)]
    urls += [f"https://down{n}.invalid/" for n in range(3)]
    out = tmp_path / "r.json"
    await cli("check", markdown_with(tmp_path, *urls), "--allow-private", "--no-progress",
              "--config", config, "--output", str(out))
    assert json.loads(out.read_text())["inconclusive"] is True
    assert "INCONCLUSIVE RUN" in capsys.readouterr().err


async def test_bad_config_is_a_located_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "bad.yaml"
    config.write_text("check:\n  per_host: 4\n  retries: lots\n")
    code = await cli("check", markdown_with(tmp_path, "https://x.invalid/"), "--config",
                     str(config), "--no-progress")
    assert code == 2
    assert f"{config}:3: check.retries" in capsys.readouterr().err


async def test_config_cannot_add_credentials(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "bad.yaml"
    config.write_text("check:\n  domains:\n    - host: github.com\n"
                      "      headers: {Authorization: 'token abc'}\n")
    code = await cli("check", "--config", str(config), "--no-progress")
    assert code == 2
    assert "may not be configured" in capsys.readouterr().err


@pytest.mark.parametrize("flags", [["--per-host", "0"], ["--timeout", "-1"], ["--deadline", "0"]])
async def test_bad_flags_exit_2(
    tmp_path: Path, config: str, flags: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code = await cli("check", markdown_with(tmp_path, "https://x.invalid/"), "--config", config,
                     "--no-progress", *flags)
    assert code == 2
    assert capsys.readouterr().err.startswith("roadmap-bot: ")


async def test_missing_input_is_exit_2(tmp_path: Path, config: str) -> None:
    assert await cli("check", str(tmp_path / "nope.md"), "--config", config, "--no-progress") == 2


async def test_console_script_reads_urls_from_stdin(alpha: SimHost, config: str) -> None:
    url = alpha.route("/a", ARTICLE)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "check", "-", "--allow-private", "--no-progress",
        "--config", config, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate(f"{url}\n{alpha.url('/gone')}\n".encode())
    assert process.returncode == 1, err.decode()
    report = json.loads(out)
    assert [link["status"] for link in report["links"]] == ["ok", "broken"]
    assert report["inputs"] == ["-"]


# ---- explain ------------------------------------------------------------------------------


async def explain(url: str, config: str, capsys: pytest.CaptureFixture[str],
                  *flags: str) -> tuple[int, str]:
    code = await cli("explain", url, "--config", config, *flags)
    return code, capsys.readouterr().out


async def test_explain_shows_chain_headers_and_rule(
    alpha: SimHost, config: str, capsys: pytest.CaptureFixture[str]
) -> None:
    alpha.route("/old", Redirect("/mid", 301))
    alpha.route("/mid", Redirect("/article", 302))
    alpha.route("/article", ARTICLE)
    code, out = await explain(alpha.url("/old"), config, capsys, "--allow-private")
    assert code == 0
    assert f"GET {alpha.url('/old')} -> 301" in out
    assert "location: /mid" in out
    assert f"GET {alpha.url('/article')} -> 200" in out
    assert "verdict: redirected (permanent_redirect)" in out


async def test_explain_shows_the_app_shell_probe_and_the_rule(
    alpha: SimHost, config: str, capsys: pytest.CaptureFixture[str]
) -> None:
    alpha.fallback = Page('<!doctype html><title>Acme</title><script src="/app.js"></script>'
                          '<div id="root"></div>')
    code, out = await explain(alpha.url("/docs/removed"), config, capsys, "--allow-private")
    assert code == 0  # blocked, not broken: explain sees no other page of the host
    assert f"GET {alpha.url('/roadmap-bot-probe-')}" in out
    assert "indistinguishable" in out
    assert "verdict: blocked (client_rendered) — decided by rule app-shell:client-rendered" in out


async def _raw(web: SimWeb, reply: bytes | None) -> RawHost:
    return await web.add_raw_host(reply)


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("missing", "verdict: broken (http_404)"),
        ("loop", "verdict: broken (redirect_loop)"),
        ("flaky", "verdict: ok (http_200)"),
        ("slow", "verdict: error (timeout)"),
        ("refused", "verdict: broken (connection_refused)"),
        ("nxdomain", "verdict: broken (dns)"),
        ("bad-status-line", "verdict: error (invalid_response)"),
        ("reset", "verdict: error (connection_reset)"),
        ("challenge", "verdict: blocked (bot_protection)"),
        ("login", "verdict: blocked (login_required)"),
        ("javascript", "verdict: skipped (unsupported_scheme)"),
        ("mailto", "verdict: skipped (unsupported_scheme)"),
    ],
)
async def test_explain_each_failure(
    kind: str, expected: str, web: SimWeb, alpha: SimHost, config: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    alpha.route("/loop", Redirect("/loop"))
    alpha.route("/flaky", Flaky(failures=1))
    alpha.route("/slow", Page(latency=3))
    alpha.route("/challenge", Page("<title>Just a moment...</title>", status=403,
                                   headers={"Server": "cloudflare", "cf-mitigated": "challenge"}))
    alpha.route("/members", Redirect("/users/sign_in", 302))
    alpha.route("/users/sign_in", Page("<title>Sign in</title>"))
    alpha.route("/js", Redirect("javascript:alert(document.cookie)", 302))
    urls = {
        "missing": alpha.url("/missing"), "loop": alpha.url("/loop"),
        "flaky": alpha.url("/flaky"), "slow": alpha.url("/slow"),
        "refused": web.closed_port_url("/"), "nxdomain": "https://nowhere.invalid/page",
        "challenge": alpha.url("/challenge"), "login": alpha.url("/members"),
        "javascript": alpha.url("/js"), "mailto": "mailto:someone@example.org",
    }
    if kind == "bad-status-line":
        urls[kind] = (await _raw(web, b"HTTP/1.1 2OO OK\r\n\r\n")).url("/")
    if kind == "reset":
        urls[kind] = (await _raw(web, None)).url("/")
    _, out = await explain(urls[kind], config, capsys, "--allow-private")
    assert expected in out
    assert "decided by rule" in out
    if kind == "flaky":
        assert "-> 503" in out and "retry in" in out and "-> 200" in out


async def test_explain_never_prints_credentials_or_the_token(
    alpha: SimHost, config: str, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_SENTINEL_token_value")
    alpha.route("/a", Redirect(alpha.url("/b").replace("http://", "http://u:pw-SENTINEL@"), 302))
    alpha.route("/b", ARTICLE)
    url = alpha.url("/a").replace("http://", "http://admin:hunter2-SENTINEL@")
    code, out = await explain(url, config, capsys, "--allow-private")
    assert code == 0
    assert "SENTINEL" not in out
    sent = json.dumps(alpha.request_headers)
    assert "SENTINEL" not in sent and "Authorization" not in sent
    assert os.environ["GITHUB_TOKEN"] not in out


async def test_check_annotates_source_lines_inside_github_actions(
    alpha: SimHost, tmp_path: Path, config: str, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    doc = markdown_with(tmp_path, alpha.route("/a", ARTICLE), alpha.url("/missing"))
    out = tmp_path / "report.json"
    code = await cli("check", doc, "--allow-private", "--no-progress", "--config", config,
                     "--output", str(out))
    assert code == 1
    stdout = capsys.readouterr().out.splitlines()
    assert len(stdout) == 1  # the ok link on line 3 makes no annotation
    assert stdout[0].startswith(f"::error file={doc},line=4,title=Broken link::")
    assert f"{alpha.url('/missing')} is broken" in stdout[0]


async def test_check_keeps_stdout_for_the_report_without_output_file(
    alpha: SimHost, tmp_path: Path, config: str, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    doc = markdown_with(tmp_path, alpha.url("/missing"))
    assert await cli("check", doc, "--allow-private", "--no-progress", "--config", config) == 1
    json.loads(capsys.readouterr().out)  # stdout is the JSON report alone
