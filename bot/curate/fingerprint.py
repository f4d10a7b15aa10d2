"""Hidden markers in bodies the bot owns: the fingerprint that finds an issue again, and state.

Markers are HTML comments (invisible when rendered) placed by the bot; a rerun searches for
them instead of creating a duplicate (the bedevere habit).
"""

from __future__ import annotations

import re

PREFIX = "roadmap-bot"
_FINGERPRINT = re.compile(r"<!-- roadmap-bot:fingerprint=([A-Za-z0-9:._/-]+) -->")
_STATE = re.compile(r"<!-- roadmap-bot:state=([a-z-]+) -->")
_FIX = re.compile(r"<!-- roadmap-bot:fix=([0-9a-f]{16}) -->")
_SAFE_KEY = re.compile(r"^[A-Za-z0-9:._/-]+$")
_SNOOZE = re.compile(r"<!-- roadmap-bot:snoozed-until=(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ) -->")

DIGEST_KEY = "digest"
UNVERIFIED_KEY = "unverified-links"  # the one issue listing links no source could confirm
DASHBOARD_KEY = "dashboard"  # the "Link health" issue: never a finding, never closed as one
CLOSED_BY_BOT = "closed-by-bot"
OPEN = "open"


def fingerprint_marker(key: str) -> str:
    if not _SAFE_KEY.match(key):
        raise ValueError(f"unsafe fingerprint key {key!r}")
    return f"<!-- {PREFIX}:fingerprint={key} -->"


def state_marker(state: str) -> str:
    return f"<!-- {PREFIX}:state={state} -->"


def fix_marker(fix_id: str) -> str:
    return f"<!-- {PREFIX}:fix={fix_id} -->"


def fingerprint_of(body: str | None) -> str | None:
    """The key in a body the bot wrote; the first marker wins (quoted copies come later)."""
    match = _FINGERPRINT.search(body or "")
    return match.group(1) if match else None


def state_of(body: str | None) -> str | None:
    match = _STATE.search(body or "")
    return match.group(1) if match else None


def with_state(body: str, state: str) -> str:
    """The body with its state marker set (added at the end when missing)."""
    if _STATE.search(body):
        return _STATE.sub(state_marker(state), body, count=1)
    return f"{body.rstrip()}\n{state_marker(state)}\n"


def fix_ids(body: str | None) -> frozenset[str]:
    return frozenset(_FIX.findall(body or ""))


def snooze_marker(until: str) -> str:
    return f"<!-- {PREFIX}:snoozed-until={until} -->"


def snoozed_until(body: str | None) -> str | None:
    """When a maintainer's `snooze` ends (an ISO time), or None when it was never asked."""
    match = _SNOOZE.search(body or "")
    return match.group(1) if match else None


def with_snooze(body: str, until: str) -> str:
    """The body with its snooze marker set; the nightly leaves the issue alone until then."""
    if _SNOOZE.search(body):
        return _SNOOZE.sub(snooze_marker(until), body, count=1)
    return f"{body.rstrip()}\n{snooze_marker(until)}\n"


def without_snooze(body: str) -> str:
    return _SNOOZE.sub("", body).rstrip() + "\n" if _SNOOZE.search(body) else body
