"""File edges: atomic writes, so a crash leaves the old file or the new one, never a torn one;
and JSON files read with located errors."""

from __future__ import annotations

import json
import os
import secrets
from typing import Any

from bot.errors import InputError

# What open(path, "w") asks for; the process umask then takes its bits away (0644 under the
# usual 022). A temporary file from tempfile.mkstemp is 0600, and that mode would survive the
# rename, leaving reports and the README unreadable to a web server or another user.
_NEW_FILE_MODE = 0o666


def atomic_write_bytes(path: str, data: bytes) -> None:
    """Write to a temporary file beside `path`, fsync it, then rename it over `path`. The
    file gets the mode a new file gets from open() under the current umask."""
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    tmp = os.path.join(directory, f".{os.path.basename(path)}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, _NEW_FILE_MODE)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    dir_fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def atomic_write_text(path: str, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def read_json(path: str, what: str) -> Any:
    """The parsed JSON in `path`; `InputError` naming the file (and the line and column of a
    syntax error) when it cannot be read. `what` names the file in the message."""
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except OSError as exc:
        raise InputError(f"cannot read {what}: {exc.strerror}", path) from exc
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg}", path, exc.lineno, exc.colno) from exc
