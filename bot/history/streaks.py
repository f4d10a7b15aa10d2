"""How long a streak is, in counted runs, worked out from when it began and the clock.

A run counts toward a streak only when it comes at least `spacing_hours` after the previous
counted one, so a manual run two hours after the nightly adds nothing. The file keeps no
per-run counter (it would change every night); the first run of the streak and this run's
time are enough: the streak is as many counted runs as fit between them, the first included.
That is exact for a run at least every `spacing_hours` (and the run in between each failing,
or the streak would have ended); when the bot did not run for days, the days in between
count, on the evidence of the failing runs at both ends.
"""

from __future__ import annotations

from datetime import datetime

MIN_SPACING_HOURS = 1.0  # a spacing of 0 would count every run, which needs a per-run counter


def parse_time(value: str) -> datetime:
    """A history time (``2026-11-28T03:00:00Z``) as an aware datetime."""
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def counted_runs(began: str, now: datetime, spacing_hours: float) -> int:
    """Counted runs from the run at `began` to the run at `now`, both included."""
    elapsed = (now - parse_time(began)).total_seconds()
    spacing = max(spacing_hours, MIN_SPACING_HOURS) * 3600
    return 1 + int(max(elapsed, 0.0) // spacing)


def hours_since(began: str, now: datetime) -> float:
    return (now - parse_time(began)).total_seconds() / 3600
