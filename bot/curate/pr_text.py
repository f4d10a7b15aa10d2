"""The fixes pull request's title and body, built purely from the fixes."""

from __future__ import annotations

from bot.curate.escape import code, inline, link
from bot.curate.fingerprint import fix_marker
from bot.curate.issue_text import Context, permalink
from bot.curate.model import Fix, FixKind
from bot.curate.requested import requested_marker

KIND_TEXT = {
    FixKind.REDIRECT: "permanent redirect",
    FixKind.HTTPS: "http → https",
    FixKind.TRACKING: "tracking parameters removed",
    FixKind.RENAMED_REPO: "renamed repository",
    FixKind.REQUESTED: "replacement asked for by a maintainer",
}
PR_MARKER = "<!-- roadmap-bot:fixes-pr -->"
BODY_LIMIT = 60_000  # GitHub refuses bodies over 65,536 characters


def pr_title(fixes: tuple[Fix, ...]) -> str:
    return title_for(len(fixes))


def title_for(count: int) -> str:
    noun = "link" if count == 1 else "links"
    return f"roadmap-bot: update {count} {noun} (mechanical fixes)"


def _where(fix: Fix, context: Context) -> str:
    shown = []
    for place in fix.places[:5]:
        label = f"{place.resource or place.resource_id or place.file} (line {place.line})"
        shown.append(link(label, permalink(context, place.file, place.line)))
    return ", ".join(shown) or "—"


def change_block(fix: Fix, context: Context) -> list[str]:
    kinds = ", ".join(KIND_TEXT[kind] for kind in fix.kinds)
    # A maintainer's replacement is stored in its own block, so the nightly rebuild keeps it.
    stored = [requested_marker(fix)] if FixKind.REQUESTED in fix.kinds else []
    return [
        fix_marker(fix.fix_id),
        *stored,
        f"#### {inline(kinds)}",
        f"- **Where:** {_where(fix, context)}",
        f"- **Old:** {code(fix.old)}",
        f"- **New:** {code(fix.new)}",
        *(f"- Evidence: {line}" for line in fix.evidence),
        "",
    ]


def how_edited(fixes: tuple[Fix, ...]) -> str:
    """What the diff touches: a Markdown list's URL bytes, or roadmap.yaml's values."""
    files = {place.file for fix in fixes for place in fix.places}
    if files and all(file.endswith((".md", ".markdown")) for file in files):
        return ("Each change below was proven by this run of roadmap-bot. The Markdown files are "
                "edited in place: only the URL bytes change, and a re-parse proved every link's "
                "text and the documents' structure unchanged.")
    return ("Each change below was proven by this run of roadmap-bot. `roadmap.yaml` is edited "
            "in place (only the changed values), and `README.md` is re-rendered from it.")


def pr_body(fixes: tuple[Fix, ...], context: Context) -> str:
    """Each change with its evidence; hidden markers let a rejected change be recognised."""
    parts = [
        PR_MARKER,
        "### Mechanical link fixes",
        "",
        how_edited(fixes),
        "",
    ]
    for fix in fixes:
        parts += change_block(fix, context)
    parts += [
        "If a change is wrong, close this PR without merging: the bot will not propose "
        "the rejected changes again (other fixes come back in a new PR).",
        "",
    ]
    return "\n".join(parts)


def fitting(fixes: tuple[Fix, ...], context: Context) -> tuple[Fix, ...]:
    """As many fixes (in order) as one PR body can list; the rest wait for the next PR."""
    while len(fixes) > 1 and len(pr_body(fixes, context)) > BODY_LIMIT:
        fixes = fixes[: len(fixes) - max(1, len(fixes) // 10)]
    return fixes
