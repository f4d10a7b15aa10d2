"""Adding a maintainer's replacement to the one fixes PR, the same day it was asked for.

The change is committed on top of the open PR's branch (the mechanical fixes stay as they
are), or on top of the default branch when no PR is open. The PR body gets the change's
block with its `requested` marker, placed where the nightly would place it (requested
changes first, by old URL), so the next quiet night finds the body as it would write it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from bot.curate.github_adapter import GitHubAdapter
from bot.curate.issue_text import Context
from bot.curate.model import Fix
from bot.curate.pipeline import Texts
from bot.curate.plan import PullState
from bot.curate.pr_text import change_block, pr_body, title_for
from bot.curate.requested import requested_in, still_wanted
from bot.curate.settings import CurateSettings
from bot.model import Source

_FIX_LINE = re.compile(r"^<!-- roadmap-bot:fix=[0-9a-f]{16} -->$")
_REQUESTED_LINE = "<!-- roadmap-bot:requested="
FOOTER_START = "If a change is wrong"
COMMIT = "roadmap-bot: a maintainer's replacement\n\n{old} -> {new}"


@dataclass(frozen=True, slots=True)
class PullEdit:
    """The result: the PR's number, or why nothing was changed."""

    number: int | None
    problem: str | None = None


def split_body(body: str) -> tuple[list[str], list[list[str]], list[str]]:
    """A fixes-PR body as (header lines, one list of lines per change, footer lines)."""
    header: list[str] = []
    blocks: list[list[str]] = []
    lines = body.split("\n")
    for index, line in enumerate(lines):
        if line.startswith(FOOTER_START):
            return header, blocks, lines[index:]
        if _FIX_LINE.match(line):
            blocks.append([line])
        else:
            (blocks[-1] if blocks else header).append(line)
    return header, blocks, []


def body_with(body: str, fix: Fix, sources: Mapping[str, Sequence[Source]],
              context: Context) -> tuple[str, int]:
    """`body` with `fix` among the requested changes; the mechanical ones kept verbatim.
    Returns the body and how many changes it lists."""
    header, blocks, footer = split_body(body)
    mechanical = [b for b in blocks if not any(x.startswith(_REQUESTED_LINE) for x in b)]
    asked = {f.old: f for f in requested_in(body)} | {fix.old: fix}
    requested = still_wanted((asked[old] for old in sorted(asked)), sources)
    lines = [*header, *(line for f in requested for line in change_block(f, context)),
             *(line for block in mechanical for line in block), *footer]
    return "\n".join(lines), len(requested) + len(mechanical)


def _open_pull(pulls: list[PullState]) -> PullState | None:
    return max((p for p in pulls if p.open), key=lambda p: p.number, default=None)


def already_requested(github: GitHubAdapter, settings: CurateSettings, fix: Fix) -> int | None:
    """The open PR's number when it already carries exactly this replacement."""
    open_pr = _open_pull(github.list_pulls(settings.branch))
    if open_pr is None:
        return None
    found = any((f.old, f.new) == (fix.old, fix.new) for f in requested_in(open_pr.body))
    return open_pr.number if found else None


def add_to_pull(github: GitHubAdapter, settings: CurateSettings, context: Context, fix: Fix,
                sources: Mapping[str, Sequence[Source]]) -> PullEdit:
    """Commit the one-line change (README re-rendered) and list it in the PR; open one if
    none is open."""
    open_pr = _open_pull(github.list_pulls(settings.branch))
    ref = settings.branch if open_pr is not None else github.default_branch()
    texts = Texts(github.read_file(ref, settings.roadmap_path),
                  github.read_file(ref, settings.readme_path),
                  roadmap_path=settings.roadmap_path, readme_path=settings.readme_path)
    placed = still_wanted((fix,), sources)
    _, files = texts.edit(placed)
    if not placed or files.get(settings.roadmap_path) in (None, texts.roadmap):
        return PullEdit(None, f"the old URL is not in {settings.roadmap_path} on {ref}")
    github.push_files(settings.branch, files, COMMIT.format(old=fix.old, new=fix.new),
                      onto=ref)
    if open_pr is None:
        body = pr_body(placed, context)
        return PullEdit(github.open_pull(settings.branch, title_for(1), body))
    body, count = body_with(open_pr.body, replace(fix), sources, context)
    github.edit_pull(open_pr.number, title=title_for(count), body=body)
    return PullEdit(open_pr.number)
