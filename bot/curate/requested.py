"""Replacements a maintainer asked for (`/roadmap-bot replace`), kept in the fixes PR's body.

The nightly rebuilds the fixes PR from the default branch and the mechanical fixes; a
replacement a maintainer asked for is not mechanical, so it is stored in a hidden marker of
its own block in the PR body (hex-encoded JSON: no `-->` can appear in it) and read back
each night. It lives as long as the PR: merged, it is done; closed unmerged, it is refused.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from bot.curate.model import Fix, FixKind, Place
from bot.model import Source

_REQUESTED = re.compile(r"<!-- roadmap-bot:requested=([0-9a-f]{1,16000}) -->")
MAX_EVIDENCE = 3
EVIDENCE_LIMIT = 400


def requested_marker(fix: Fix) -> str:
    data = {"old": fix.old, "new": fix.new, "evidence": list(fix.evidence)}
    encoded = json.dumps(data, sort_keys=True, ensure_ascii=False).encode().hex()
    return f"<!-- roadmap-bot:requested={encoded} -->"


def _decoded(payload: str) -> Fix | None:
    try:
        data = json.loads(bytes.fromhex(payload).decode())
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict) or not _text(data.get("old")) or not _text(data.get("new")):
        return None
    evidence = tuple(" ".join(str(line).split())[:EVIDENCE_LIMIT]
                     for line in (data.get("evidence") or [])[:MAX_EVIDENCE])
    return Fix(data["old"], data["new"], (FixKind.REQUESTED,), evidence)


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value) and value.isprintable()


def requested_in(body: str | None) -> tuple[Fix, ...]:
    """The maintainers' replacements stored in a PR body, one per old URL (the last wins)."""
    found = {fix.old: fix for fix in map(_decoded, _REQUESTED.findall(body or "")) if fix}
    return tuple(found[old] for old in sorted(found))


def still_wanted(requested: Iterable[Fix], sources: Mapping[str, Sequence[Source]]
                 ) -> tuple[Fix, ...]:
    """The requested fixes whose old URL the roadmap still has (`sources`: URL -> where it
    is used), with its places."""
    kept = []
    for fix in requested:
        used = sources.get(fix.old)
        if not used:
            continue  # already replaced by hand, or the resource left: nothing to do
        places = tuple(Place(s.file, s.line, s.section, s.resource, s.resource_id)
                       for s in used)
        kept.append(Fix(fix.old, fix.new, fix.kinds, fix.evidence, places))
    return tuple(kept)


def with_requested(requested: tuple[Fix, ...], mechanical: tuple[Fix, ...]) -> tuple[Fix, ...]:
    """A maintainer's choice wins over a mechanical fix of the same URL, and comes first."""
    asked = {fix.old for fix in requested}
    return (*requested, *(fix for fix in mechanical if fix.old not in asked))
