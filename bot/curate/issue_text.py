"""Issue titles, labels and bodies, built purely from a finding (the API call comes later)."""

from __future__ import annotations

import shlex
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from bot.curate.escape import cap, code, inline, link
from bot.curate.fingerprint import DIGEST_KEY, OPEN, fingerprint_marker, state_marker
from bot.curate.model import LIST_LINK_PREFIX, Finding, FindingKind, LinkEvidence, Place
from bot.curate.settings import CurateSettings
from bot.model import Hop, Opinion, Verification, Via

WAYBACK = "https://web.archive.org/web/*/{url}"
UNKNOWN = "unknown"  # the freshness vocabulary's word for "nothing dated it"
TITLE_LIMIT = 120
MAX_HOPS = 10
MAX_PLACES = 20  # places listed in one issue; a row is at most ~600 characters
DIGEST_ROWS = 100  # GitHub refuses bodies over 65,536 characters; a row is at most ~600

HEADLINE = {
    FindingKind.BROKEN: "Broken link",
    FindingKind.MANUAL: "Needs a manual check",
    FindingKind.MOVED: "Moved",
    FindingKind.STALE: "Stale resource",
}

CHECKLIST = {
    FindingKind.BROKEN: (
        "Open the link yourself and confirm it is gone",
        "Replace the URL in {file} (see suggestions) or remove the resource",
    ),
    FindingKind.MANUAL: (
        "Open the link in a browser: the bot could not get a clear answer for many nights",
        "If it works, allow its host in `check.domains` or list it in `curate.ignore_domains`",
    ),
    FindingKind.MOVED: (
        "Check that the new address is the same resource",
        "Update the URL in {file}",
    ),
    FindingKind.STALE: (
        "Look for a newer edition or a maintained alternative",
        "Update or replace the resource in {file}, or label this issue `{ignore}`",
    ),
}


# A link the bot cannot see, about which a second opinion (the Internet Archive, a provider)
# says it is probably gone.
GONE_CHECKLIST = (
    "Open the link in a browser: the bot cannot see it, and a second opinion says it is "
    "probably gone (see Evidence)",
    "Replace the URL in roadmap.yaml or remove the resource; if it still works, label this "
    "issue `{ignore}`",
)


def said_gone(finding: Finding) -> bool:
    """True when a second opinion says the link's resource is probably gone."""
    opinion = finding.link.second_opinion if finding.link else None
    return opinion is not None and opinion.verdict is Opinion.GONE


def checklist(finding: Finding) -> tuple[str, ...]:
    return GONE_CHECKLIST if said_gone(finding) else CHECKLIST[finding.kind]


@dataclass(frozen=True, slots=True)
class Context:
    """Where the roadmap lives on GitHub, for permalinks."""

    repository: str = "owner/repo"
    ref: str = "main"  # a commit sha makes the permalink stable
    server_url: str = "https://github.com"


def title_text(text: str) -> str:
    """Issue titles are plain text, but GitHub still links #1 and @user in them."""
    plain = " ".join("".join(ch for ch in text if ch.isprintable()).split())
    return cap(plain, TITLE_LIMIT).replace("@", "@\u200b").replace("#", "#\u200b")


def issue_title(finding: Finding) -> str:
    name = finding.place.resource or finding.url or finding.key
    return title_text(f"{HEADLINE[finding.kind]}: {name}")


def issue_labels(finding: Finding, settings: CurateSettings) -> tuple[str, ...]:
    labels = settings.labels
    by_kind = {
        FindingKind.BROKEN: labels.broken,
        FindingKind.MANUAL: labels.manual,
        FindingKind.MOVED: labels.moved,
        FindingKind.STALE: labels.stale,
    }
    chosen = [labels.bot, by_kind[finding.kind]]
    if finding.low_priority:
        chosen.append(labels.low_priority)
    return tuple(chosen)


def when(value: str | None) -> str:
    """An ISO time as ``2026-11-28 03:00 UTC``; the bot's own data, shown plainly."""
    if not value:
        return "—"
    return value.replace("T", " ")[:16] + " UTC"


def permalink(context: Context, path: str, line: int | None) -> str:
    anchor = f"#L{line}" if line else ""
    return (
        f"{context.server_url}/{context.repository}/blob/{quote(context.ref, safe='')}"
        f"/{quote(path)}{anchor}"
    )


def _line_link(place: Place, context: Context) -> str:
    line_text = f"{place.file} line {place.line}" if place.line else place.file
    return link(line_text, permalink(context, place.file, place.line))


def _resource(place: Place) -> str:
    shown = place.resource_id and not place.resource_id.startswith(LIST_LINK_PREFIX)
    rid = f" (`{place.resource_id}`)" if shown else ""
    return f"{inline(place.resource) or '—'}{rid}"


def where(finding: Finding, context: Context) -> list[str]:
    """Where the URL is used: one place as before, or a list of every place (one URL, one
    issue), capped so the body stays under GitHub's size limit."""
    places = finding.all_places
    if len(places) == 1:
        place = places[0]
        return [
            f"- **Section:** {inline(place.section) or '—'}",
            f"- **Resource:** {_resource(place)}",
            f"- **Line:** {_line_link(place, context)}",
            f"- **URL:** {code(finding.url)}",
        ]
    lines = [f"- **URL:** {code(finding.url)}", f"- **Used in {len(places)} places:**"]
    lines += [
        f"  - {_resource(p)}, section {inline(p.section) or '—'}: {_line_link(p, context)}"
        for p in places[:MAX_PLACES]
    ]
    if len(places) > MAX_PLACES:
        lines.append(f"  - … {len(places) - MAX_PLACES} more")
    return lines


def redirect_chain(evidence: LinkEvidence) -> str:
    if not evidence.redirects:
        return "—"
    hops = [f"{code(hop.url)} → {hop.status}{_via(hop)}" for hop in evidence.redirects[:MAX_HOPS]]
    if len(evidence.redirects) > MAX_HOPS:
        hops.append(f"… {len(evidence.redirects) - MAX_HOPS} more")
    return " → ".join(hops) + f" → {code(evidence.final_url)}"


def _via(hop: Hop) -> str:
    # A static site's redirect page answers 200: say how it sent the reader on.
    return "" if hop.via is Via.HTTP else f" ({hop.via.value.replace('_', ' ')})"


def streak(evidence: LinkEvidence, threshold: int) -> str:
    """The failing streak, shown as "N+" once it passed the threshold that made the finding:
    the exact count would rewrite the body every night; the first failing date says the rest."""
    return f"{threshold}+" if evidence.failures >= threshold else str(evidence.failures)


def evidence_table(evidence: LinkEvidence, threshold: int) -> list[str]:
    last_ok = (
        f"before {when(evidence.first_failing)} (reachable since {when(evidence.last_ok)})"
        if evidence.last_ok
        else "not seen reachable by the bot"
    )
    rows = [
        ("Status", f"{code(evidence.status, 20)} ({code(evidence.reason, 40)})"),
        ("HTTP status", str(evidence.http_status) if evidence.http_status else "—"),
        ("Redirect chain", redirect_chain(evidence)),
        ("First failing", when(evidence.first_failing)),
        ("Consecutive failing runs", streak(evidence, threshold)),
        ("Last OK", last_ok if evidence.first_failing else "this run"),
    ]
    if evidence.second_opinion is not None:
        rows.append(("Second opinion", second_opinion(evidence.second_opinion)))
    return ["| Evidence | |", "| --- | --- |", *(f"| {k} | {v} |" for k, v in rows)]


def second_opinion(found: Verification) -> str:
    """``gone: probably withdrawn since 2026-10-25: … (archive, `https://web.archive.org/…`)``"""
    source = code(found.source, 150)
    return (f"{found.verdict.value}: {inline(found.evidence, 200)} "
            f"({found.method.value}, {source})")


def _known(value: Any) -> str | None:
    return str(value) if value and value != UNKNOWN else None


def freshness_summary(record: Mapping[str, Any]) -> str | None:
    """"Verdict: `stale`, last updated 2019-05-01 (from page)", saying only what is known."""
    verdict, updated = _known(record.get("verdict")), _known(record.get("last_updated"))
    source = _known(record.get("date_source"))
    date = f"{inline(updated, 40)} (from {inline(source, 40)})" if source else inline(updated, 40)
    if verdict and updated:
        return f"- **Verdict:** `{inline(verdict, 20)}`, last updated {date}"
    if verdict:
        return f"- **Verdict:** `{inline(verdict, 20)}`"
    return f"- **Last updated:** {date}" if updated else None


def freshness_table(record: Mapping[str, Any], skip: frozenset[str] = frozenset()) -> list[str]:
    """The freshness facts but those named in `skip`; empty when nothing is known."""
    summary = freshness_summary(record)
    lines = [summary] if summary else []
    # A provider that did not answer adds an "unknown" fact: it tells the reader nothing.
    facts = [f for f in record.get("evidence") or []
             if _known(f.get("fact")) and f.get("fact") not in skip]
    if facts:
        lines += ["", "| Fact | Value | Source |", "| --- | --- | --- |"]
        lines += [
            f"| {inline(str(f.get('fact')), 60)} | {inline(str(f.get('value')), 80)} | "
            f"{code(str(f.get('source')), 120)} |"
            for f in facts[:10]
        ]
    return lines


def suggestions(finding: Finding) -> list[str]:
    lines = []
    if finding.replacement:
        lines.append(f"- Replacement: {code(finding.replacement)}")
    suggestion = finding.freshness.get("suggestion") or {}
    if suggestion.get("text"):
        lines.append(f"- {inline(str(suggestion['text']), 200)}")
    if finding.url:
        lines.append(f"- Archived copies: {archived(finding)}")
    return lines or ["- None known."]


def archived(finding: Finding) -> str:
    """The newest capture when one is known, else the archive's search for the URL."""
    evidence = finding.link
    if evidence is not None and evidence.archived_url:
        # `link` escapes its label: the date goes in as it is.
        when_ = f" ({evidence.archived_on[:10]})" if evidence.archived_on else ""
        return link(f"copy seen alive{when_}", evidence.archived_url)
    return link("Wayback Machine", WAYBACK.format(url=finding.url))


def reproduce(finding: Finding) -> list[str]:
    if not finding.url:
        return ["Run `roadmap-bot freshness` and look for this resource."]
    return [f"`roadmap-bot explain {code(shlex.quote(finding.url)).strip('`')}`"]


def issue_body(finding: Finding, settings: CurateSettings, context: Context) -> str:
    """The whole body; stable for the same evidence, so an unchanged issue is not edited."""
    parts = [
        fingerprint_marker(finding.key),
        f"### {HEADLINE[finding.kind]}",
        "",
        *where(finding, context),
        "",
    ]
    if finding.link is not None:
        # The streak that made the finding; past it the count shows as "N+", so a nightly
        # rerun does not edit the body. A "gone" opinion confirms like a broken link.
        confirmed_like_broken = finding.kind is FindingKind.BROKEN or said_gone(finding)
        threshold = settings.confirm_runs if confirmed_like_broken else settings.manual_check_runs
        parts += ["#### Evidence", "", *evidence_table(finding.link, threshold), ""]
    # The link's own status is in the Evidence section already.
    skip = frozenset({"link"}) if finding.link is not None else frozenset()
    freshness = freshness_table(finding.freshness, skip) if finding.freshness else []
    if freshness:
        parts += ["#### Freshness", "", *freshness, ""]
    parts += [
        "#### Suggestions",
        "",
        *suggestions(finding),
        "",
        "#### How to reproduce",
        "",
        *reproduce(finding),
        "",
        "#### Checklist",
        "",
    ]
    parts += [
        f"- [ ] {item.format(ignore=settings.labels.ignore, file=finding.place.file)}"
        for item in checklist(finding)
    ]
    parts += [
        "",
        f"<sub>Kept up to date by roadmap-bot. Close this issue or label it "
        f"`{settings.labels.ignore}` and the bot will leave it alone.</sub>",
        state_marker(OPEN),
    ]
    return "\n".join(parts) + "\n"


def place_cells(finding: Finding, context: Context) -> tuple[str, str, str, str]:
    """A list row's resource (and how many more places use the URL), section, URL and line
    link, escaped."""
    place = finding.place
    line = link(str(place.line or "—"), permalink(context, place.file, place.line))
    more = len(finding.all_places) - 1
    others = f" (and {more} more place{'s' if more > 1 else ''})" if more else ""
    return (f"{inline(place.resource, 80) or '—'}{others}", inline(place.section, 60) or "—",
            code(finding.url, 150), line)


def rows_left_out(findings: tuple[Finding, ...]) -> list[str]:
    """The note under a list cut at DIGEST_ROWS rows (GitHub caps a body's size)."""
    if len(findings) <= DIGEST_ROWS:
        return []
    return [f"\n… and {len(findings) - DIGEST_ROWS} more: see the nightly report."]


def digest_title(findings: Iterable[Finding]) -> str:
    return f"Roadmap link report: {len(tuple(findings))} resources need attention"


def digest_body(findings: tuple[Finding, ...], context: Context) -> str:
    """One issue listing every finding (the `digest` option)."""
    parts = [
        fingerprint_marker(DIGEST_KEY),
        "### Resources that need attention",
        "",
        "| Finding | Resource | Section | URL | Line |",
        "| --- | --- | --- | --- | --- |",
    ]
    for f in findings[:DIGEST_ROWS]:
        resource, section, url, line = place_cells(f, context)
        parts.append(f"| {HEADLINE[f.kind]} | {resource} | {section} | {url} | {line} |")
    parts += rows_left_out(findings)
    parts += [
        "",
        "Run `roadmap-bot explain URL` to see how a verdict was reached.",
        state_marker(OPEN),
    ]
    return "\n".join(parts) + "\n"

