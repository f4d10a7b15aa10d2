"""The history file: atomic under kill -9 (real subprocesses), safe under overlapping runs."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.errors import BotError, InputError
from bot.history import store
from bot.history.model import History, UrlHistory

ROOT = Path(__file__).resolve().parents[2]

# Writes two different, large histories in turn, as fast as it can, until killed.
WRITER = """
import sys
from bot.history import store
from bot.history.model import History, UrlHistory
path = sys.argv[1]
def big(tag):
    return History(urls={f"https://{tag}.test/{i}": UrlHistory(f"https://{tag}.test/{i}", "ok",
                         "http_200", "2026-11-01T03:00:00Z") for i in range(3000)})
versions = [big("a"), big("b")]
print("ready", flush=True)
n = 0
while True:
    store.save(path, versions[n % 2])
    n += 1
"""

# One overlapping "run": under the lock, read, add its own URLs one by one, write.
RUNNER = """
import sys, time
from dataclasses import replace
from bot.history import store
from bot.history.model import History, UrlHistory
path, tag = sys.argv[1], sys.argv[2]
for i in range(15):
    with store.locked(path):
        history = store.load(path)
        url = f"https://{tag}.test/{i}"
        urls = {**history.urls, url: UrlHistory(url, "ok", "http_200", "2026-11-01T03:00:00Z")}
        time.sleep(0.002)  # widen the read-modify-write window
        store.save(path, History(urls=urls))
"""


def _spawn(script: str, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-c", script, *args], env=env, text=True,
                            stdout=subprocess.PIPE)


def test_kill_9_during_writes_leaves_the_old_or_the_new_file(tmp_path: Path) -> None:
    path = str(tmp_path / "history.json")
    store.save(path, History(urls={f"https://a.test/{i}": UrlHistory(
        f"https://a.test/{i}", "ok", "http_200", "2026-11-01T03:00:00Z") for i in range(3000)}))
    seen_tags = set()
    for delay in (0.05, 0.11, 0.17, 0.23, 0.29, 0.35):
        writer = _spawn(WRITER, path)
        assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
        time.sleep(delay)
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        history = store.load(path)  # raises on a torn file
        tags = {url.split("//")[1].split(".")[0] for url in history.urls}
        assert len(history.urls) == 3000 and len(tags) == 1
        seen_tags |= tags
    assert seen_tags <= {"a", "b"}
    leftovers = [name for name in os.listdir(tmp_path) if name.endswith(".tmp")]
    assert len(leftovers) <= 6  # a killed writer may leave its temp file; never the target


def test_overlapping_runs_lose_no_update(tmp_path: Path) -> None:
    path = str(tmp_path / "history.json")
    runners = [_spawn(RUNNER, path, tag) for tag in ("x", "y", "z")]
    for runner in runners:
        assert runner.wait(60) == 0
    assert len(store.load(path).urls) == 45


def test_a_held_lock_times_out_clearly(tmp_path: Path) -> None:
    path = str(tmp_path / "history.json")
    with store.locked(path), pytest.raises(BotError, match="another run holds"), \
            store.locked(path, timeout=0.1, sleep=lambda _: None):
        pass


def test_save_skips_identical_bytes(tmp_path: Path) -> None:
    path = str(tmp_path / "history.json")
    history = History(urls={"u": UrlHistory("u", "ok", "http_200", "2026-11-01T03:00:00Z")})
    assert store.save(path, history) is True
    mtime = os.stat(path).st_mtime_ns
    assert store.save(path, history) is False and os.stat(path).st_mtime_ns == mtime


def test_missing_file_is_an_empty_history_and_bad_files_are_located(tmp_path: Path) -> None:
    assert store.load(str(tmp_path / "absent.json")) == History()
    bad = tmp_path / "bad.json"
    bad.write_text('{"urls": {\n  "u": [}')
    with pytest.raises(InputError) as info:
        store.load(str(bad))
    assert info.value.file == str(bad) and info.value.line == 2
    bad.write_text(json.dumps({"urls": {"u": {"no": "status"}}}))
    with pytest.raises(InputError, match="not a roadmap-bot history"):
        store.load(str(bad))
