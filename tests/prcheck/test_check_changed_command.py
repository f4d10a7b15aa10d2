"""`roadmap-bot check-changed` end to end: a real subprocess against a real local web server."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp import web

ROOT = Path(__file__).resolve().parents[2]
ROADMAP = """\
title: T
sections:
  - number: "1"
    title: One
    items:
      - resources:
          - id: fine
            title: Fine page
            kind: tutorial
            url: {base}/fine
          - id: old
            title: Old page
            kind: tutorial
            url: {base}/old-but-unchecked
"""
PAGE = ("<html><head><title>Fine docs</title></head><body><h1>Fine docs</h1>"
        + "<p>Real content about MLOps.</p>" * 40 + "</body></html>")


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    """A local web server in its own thread: /fine is a page, everything else is 404."""
    async def fine(_: web.Request) -> web.Response:
        return web.Response(text=PAGE, content_type="text/html")

    app = web.Application()
    app.router.add_get("/fine", fine)
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(app)
    loop.run_until_complete(runner.setup())
    server = web.TCPSite(runner, "127.0.0.1", 0)
    loop.run_until_complete(server.start())
    port = server._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)
    loop.run_until_complete(runner.cleanup())
    loop.close()


def run(tmp_path: Path, base: str | None, head: str, *extra: str,
        actions: bool = True) -> subprocess.CompletedProcess[str]:
    base_file = tmp_path / "base.yaml"
    if base is not None:
        base_file.write_text(base, encoding="utf-8")
    (tmp_path / "roadmap.yaml").write_text(head, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    if actions:
        env["GITHUB_ACTIONS"] = "true"
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "bot", "check-changed", "--base", str(base_file), "--head",
         "roadmap.yaml", "--allow-private", "--timeout", "5", *extra],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60, check=False)


def test_added_broken_link_fails_with_an_annotation_on_its_line(tmp_path: Path,
                                                                site: str) -> None:
    base = ROADMAP.format(base=site)
    head = base.replace(f"{site}/fine", f"{site}/gone")
    done = run(tmp_path, base, head, "--output", "pr.md")
    assert done.returncode == 1, done.stderr
    assert f"::error file=roadmap.yaml,line=10,title=Broken link::Fine page: {site}/gone" \
        in done.stdout
    assert "unchecked" not in done.stdout  # the untouched link is not checked
    assert "1 broken" in (tmp_path / "pr.md").read_text(encoding="utf-8")


def test_added_working_link_passes(tmp_path: Path, site: str) -> None:
    head = ROADMAP.format(base=site)
    base = head.replace(f"{site}/fine", "https://was.example/")
    done = run(tmp_path, base, head)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"roadmap.yaml:10: ok (http_200) {site}/fine" in done.stdout
    assert "::" not in done.stdout


def test_no_change_checks_nothing(tmp_path: Path, site: str) -> None:
    text = ROADMAP.format(base=site)
    done = run(tmp_path, text, text)
    assert done.returncode == 0
    assert "no added or changed links" in done.stdout


def test_annotations_only_inside_actions(tmp_path: Path, site: str) -> None:
    head = ROADMAP.format(base=site).replace(f"{site}/fine", f"{site}/gone")
    done = run(tmp_path, "", head, actions=False)
    assert done.returncode == 1
    assert "::error" not in done.stdout
    assert f"roadmap.yaml:10: broken (http_404) {site}/gone" in done.stdout


def test_malformed_head_is_one_located_line(tmp_path: Path) -> None:
    done = run(tmp_path, None, "title: T\nsections: [\n")
    assert done.returncode == 2
    assert done.stderr.startswith("roadmap-bot: roadmap.yaml:")
    assert "Traceback" not in done.stderr
