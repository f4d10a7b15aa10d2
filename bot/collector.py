"""When the cyclic garbage collector runs. A run builds large structures that live to its
end and hold no garbage cycles (modules at import, tokens and links at extraction, the
report's dicts at rendering); at its default thresholds the collector scans them over and
over while they grow, for nothing: ~0.12 s of a 10,000-link check's CPU, half of it outside
the check itself. Reference counting still frees everything that is not a cycle.

A young collection scans every object made since the last one, so a large structure built
with the collector paused is still scanned once, by the first collection after it. The
command line's process, which exits without tearing anything down, takes its long-lived
structures out of every later collection (`settle`); in-process callers, the tests among
them, keep the collector's default.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

# Set once by the command line (`settle_from_now_on`); a fork inherits it with the objects.
_settling = False


@contextmanager
def paused() -> Iterator[None]:
    """No collection inside the block (the collector's own state is restored after)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def settle_from_now_on() -> None:
    """This process settles what exists now and at every later `settle`: for a short-lived
    process only, since a garbage cycle that exists when it settles is never collected."""
    global _settling
    _settling = True
    gc.freeze()


def settle() -> None:
    """Takes every object that exists out of later collections, in a settling process
    (reference counting still frees them); elsewhere nothing."""
    if _settling:
        gc.freeze()
