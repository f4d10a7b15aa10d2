"""Running a script in a fresh interpreter, for what only a new process shows: which modules
an entry point imports, and what it does to process-wide state (the garbage collector)."""

from __future__ import annotations

import subprocess
import sys


def printed_by(script: str) -> str:
    """What `script` prints in a fresh interpreter (nothing imported yet)."""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True, timeout=60)
    return done.stdout.strip()
