"""When the cyclic garbage collector runs. A run builds large structures that live to its
end and hold no garbage cycles (modules at import, tokens and links at extraction, the
report's dicts at rendering); at its default thresholds the collector scans them over and
over while they grow, for nothing: ~0.12 s of a 10,000-link check's CPU, half of it outside
the check itself. Reference counting still frees everything that is not a cycle.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


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

