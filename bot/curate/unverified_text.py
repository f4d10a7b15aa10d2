"""The one issue that lists the links no source could confirm: its title and body, built
purely from the findings (the plan decides when to write it)."""

from __future__ import annotations

from bot.curate.escape import code, inline
from bot.curate.fingerprint import OPEN, UNVERIFIED_KEY, fingerprint_marker, state_marker
from bot.curate.issue_text import DIGEST_ROWS, Context, place_cells, rows_left_out, title_text
from bot.curate.model import Finding, LinkEvidence
from bot.curate.settings import CurateSettings

UNVERIFIED_HEADLINE = "Links no source could confirm"


def unverified_title(findings: tuple[Finding, ...]) -> str:
    return title_text(f"{UNVERIFIED_HEADLINE} ({len(findings)})")


def _seen(evidence: LinkEvidence | None) -> str:
    if evidence is None:
        return "—"
    # The bot's own date (from its history), shown plainly as `when` does.
    since = f" since {evidence.first_failing[:10]}" if evidence.first_failing else ""
    return f"{code(evidence.status, 20)} ({code(evidence.reason, 40)}){since}"


def _opinion_cell(evidence: LinkEvidence | None) -> str:
    found = evidence.second_opinion if evidence else None
    if found is None:
        return "none asked"
    return inline(found.evidence or found.verdict.value, 160)


def unverified_body(findings: tuple[Finding, ...], settings: CurateSettings,
                    context: Context) -> str:
    """The one issue listing every link that neither the bot nor a second opinion (a public
    page, a provider, the Internet Archive) could confirm; rewritten when the list changes."""
    parts = [
        fingerprint_marker(UNVERIFIED_KEY),
        f"### {UNVERIFIED_HEADLINE}",
        "",
        f"The bot could not see these links for {settings.manual_check_runs} runs or more (a "
        "wall for bots, a login, or no clear answer), and no public page, provider API or the "
        "Internet Archive saw them alive lately. Nothing says they are gone either: open them "
        "in a browser.",
        "",
        "| Resource | Section | URL | Seen by the bot | Second opinion | Line |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for f in findings[:DIGEST_ROWS]:
        resource, section, url, line = place_cells(f, context)
        parts.append(f"| {resource} | {section} | {url} | {_seen(f.link)} | "
                     f"{_opinion_cell(f.link)} | {line} |")
    parts += rows_left_out(findings)
    parts += [
        "",
        "#### Checklist",
        "",
        "- [ ] Open each link in a browser; fix or remove the ones that are gone",
        "- [ ] For a site that works but never shows itself to bots, add a public equivalent "
        "(`check.remaps`) or list it in `curate.ignore_domains`",
        "",
        "Run `roadmap-bot explain URL` to see every request, the second opinion's included. "
        "This issue is closed by the bot when every link is confirmed again.",
        state_marker(OPEN),
    ]
    return "\n".join(parts) + "\n"
