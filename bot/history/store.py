"""Reading and writing the history file: atomic replace, under an exclusive lock file.

Where it lives: `reports/history.json` on a dedicated data branch (`roadmap-bot-data`),
which the workflow checks out into `reports/` before the run and pushes after it. Why:
fresh Actions runners keep nothing, and caches are evicted after 7 days unused and are
per-branch, so memory must be committed somewhere; committing it to `main` would add a bot
commit to the maintainers' history every night something changed and would need a push to
a protected branch. Encoding it in issue bodies loses the links that have no issue (the
confirmation streaks). A data branch is ordinary git: auditable, revertable, free. And since
a quiet night serialises to the same bytes, `git diff --quiet` gives "no commit" for free.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from bot import pretty_json
from bot.errors import BotError, InputError
from bot.fileio import atomic_write_text, read_json
from bot.history.model import History

DEFAULT_PATH = "reports/history.json"


def dumps(history: History) -> str:
    """Stable text: same history, same bytes."""
    return pretty_json.dumps(history.to_json()) + "\n"


def load(path: str) -> History:
    """The history in `path`; a missing file is an empty history (the first night)."""
    if not os.path.lexists(path):
        return History()
    data = read_json(path, "history")
    try:
        return History.from_json(data)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InputError(f"not a roadmap-bot history file: {exc!r}", path) from exc


def save(path: str, history: History) -> bool:
    """Write atomically unless the bytes would not change; True when the file changed."""
    text = dumps(history)
    try:
        with open(path, encoding="utf-8") as handle:
            if handle.read() == text:
                return False
    except OSError:
        pass
    atomic_write_text(path, text)
    return True


@contextmanager
def locked(
    path: str, timeout: float = 600.0, sleep: Callable[[float], None] = time.sleep
) -> Iterator[None]:
    """Hold `path`.lock exclusively: an overlapping run waits, then gives up clearly."""
    lock_path = f"{path}.lock"
    os.makedirs(os.path.dirname(os.path.abspath(lock_path)), exist_ok=True)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        waited = 0.0
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if waited >= timeout:
                    raise BotError(f"{lock_path}: another run holds the history lock") from None
                sleep(0.05)
                waited += 0.05
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock, also on a crash
