"""The Markdown report (reports/latest.md, the job summary): counts, trend, links by status."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from bot.model import LinkResult, Report, Status
from bot.report import common
from bot.report.json_report import iso

ICON: Mapping[str, str] = {
    Status.BROKEN: "🔴",
    Status.REDIRECTED: "🟠",
    Status.BLOCKED: "🟣",
    Status.ERROR: "🟡",
    Status.SKIPPED: "⚪",
    Status.OK: "🟢",
}
# One square per day; the same colours as the dashboard's strip.
HISTORY_CELL: Mapping[str, str] = {
    "ok": "🟩",
    "redirected": "🟧",
    "broken": "🟥",
    "blocked": "🟪",
    "error": "🟨",
}
OTHER_CELL = "⬜"
FRESHNESS_ICON: Mapping[str, str] = {
    "broken": "🔴", "stale": "🟠", "review": "🟡", "unknown": "⚪", "fresh": "🟢",
}
MAX_TEXT = 160
# GitHub refuses a job summary over 1 MiB; keep well inside it.
SUMMARY_LIMIT = 1_000_000
OMITTED = "_Listed in latest.json and on the dashboard; left out here to fit the job summary._"
CUT_NOTE = "_… the report was cut here to fit the job summary; latest.json has every link._"
# Statuses folded into a <details> block, to keep the summary short.
FOLDED = frozenset({Status.OK, Status.SKIPPED})

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]()<>|#~!{}])")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")
_URL_UNSAFE = {" ": "%20", "(": "%28", ")": "%29", "<": "%3C", ">": "%3E", '"': "%22",
               "`": "%60", "|": "%7C"}


def text(value: Any) -> str:
    """Untrusted text as inert Markdown: one line, capped, every markup character escaped."""
    flat = _CONTROL.sub(" ", str(value)).strip()
    if len(flat) > MAX_TEXT:
        flat = flat[: MAX_TEXT - 1] + "…"
    return _MARKDOWN_SPECIAL.sub(r"\\\1", flat)


def href(url: str) -> str:
    """A URL safe inside ``[..](...)``: no character that could end or break the link."""
    cleaned = _CONTROL.sub("", url)
    return "".join(_URL_UNSAFE.get(char, char) for char in cleaned)


def link(label: str, url: str) -> str:
    """A Markdown link; a URL that is not http(s) (``javascript:``...) stays inert text."""
    if not url.lower().startswith(("http://", "https://")):
        return f"{text(label)} ({code(url)})"
    return f"[{text(label)}]({href(url)})"


def code(value: Any) -> str:
    """Untrusted text as an inline code span (backslash escapes do not work inside one)."""
    flat = _CONTROL.sub(" ", str(value)).strip()[:MAX_TEXT].replace("`", "'")
    return f"`{flat}`"


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def render(report: Report) -> str:
    """The whole report as GitHub-flavoured Markdown; same report, same bytes.

    It stays under the job summary's size limit: past it, the ok and skipped lists are left
    out, and if that is not enough the text is cut at a line with a note.
    """
    text = _render(report, omit=frozenset())
    if len(text.encode("utf-8")) <= SUMMARY_LIMIT:
        return text
    text = _render(report, omit=FOLDED)
    if len(text.encode("utf-8")) <= SUMMARY_LIMIT:
        return text
    return cut(text, SUMMARY_LIMIT)


def _render(report: Report, omit: frozenset[Status]) -> str:
    blocks = [_header(report), _inconclusive(report), _counts(report)]
    for status, group in common.by_status(report):
        if status in omit:
            blocks.append(f"## {ICON[status]} {common.STATUS_LABEL[status]} ({len(group)})\n\n"
                          f"{OMITTED}")
        else:
            blocks.append(_status_block(report, status, group))
    blocks.append(_freshness(report))
    return "\n\n".join(block for block in blocks if block) + "\n"


def cut(text: str, limit: int) -> str:
    """`text` cut at the last whole line that leaves room for a note, within `limit` bytes."""
    room = limit - len(CUT_NOTE.encode("utf-8")) - 2
    head = text.encode("utf-8")[:room].decode("utf-8", errors="ignore")
    return head[: head.rfind("\n") + 1] + "\n" + CUT_NOTE + "\n"


def _header(report: Report) -> str:
    summary = report.summary
    broken = summary.counts[Status.BROKEN]
    inputs = ", ".join(f"`{text(name)}`" for name in report.inputs) or "no input"
    when = (iso(report.generated_at) or "").replace("T", " ").replace("Z", " UTC")
    return (f"# Link report: {summary.total} links, {broken} broken\n\n"
            f"Generated {when} by roadmap-bot {text(report.tool_version)} from {inputs}.")


def _inconclusive(report: Report) -> str:
    if not report.inconclusive:
        return ""
    reason = text(report.inconclusive_reason or "the run looked unhealthy")
    return ("> [!WARNING]\n"
            f"> **Inconclusive run:** {reason}.\n"
            "> Nothing is acted on from this run: no issue is opened or closed and no "
            "streak moves.")


def trend(now: int, before: Any) -> str:
    """``+2``, ``−1``, ``0``; empty when the previous run did not count this status."""
    if not isinstance(before, int) or isinstance(before, bool):
        return ""
    delta = now - before
    return f"+{delta}" if delta > 0 else ("0" if delta == 0 else f"−{-delta}")


def _counts(report: Report) -> str:
    summary, previous = report.summary, common.previous_summary(report)
    header = "| status | links |" + (" since last run |" if previous else "")
    rule = "| --- | ---: |" + (" ---: |" if previous else "")
    rows = [header, rule]
    for status in common.STATUS_ORDER:
        count = summary.counts[status]
        row = f"| {ICON[status]} {status.value} | {count} |"
        rows.append(row + (f" {trend(count, previous.get(status.value))} |" if previous else ""))
    total = f"| **total** | **{summary.total}** |"
    rows.append(total + (f" {trend(summary.total, previous.get('total'))} |" if previous else ""))
    if summary.unverified:
        rows += ["", f"**{plural(summary.unverified, 'link')} no source could confirm** "
                 "(blocked or inconclusive, and no public page, provider or the Internet Archive "
                 "saw it alive lately)."]
    return "\n".join(rows)


def _status_block(report: Report, status: Status, group: tuple[LinkResult, ...]) -> str:
    title = f"## {ICON[status]} {common.STATUS_LABEL[status]} ({len(group)})"
    runs = common.history(report)
    lines: list[str] = []
    for section, items in common.by_section(group):
        lines += ["", f"### {text(section)}", ""]
        lines += [_item(occ, runs.get(occ.link.url, []), report.generated_at) for occ in items]
    body = "\n".join(lines).strip("\n")
    if status in FOLDED:
        summary = f"Show {plural(len(group), 'link')}"
        return f"{title}\n\n<details><summary>{summary}</summary>\n\n{body}\n\n</details>"
    return f"{title}\n\n{body}"


def _item(occurrence: common.Occurrence, runs: list[Mapping[str, Any]], now: datetime) -> str:
    result, source = occurrence.link, occurrence.source
    label = source.resource or common.resource_title(result)
    parts = [link(label, result.url)]
    if result.status is not Status.OK:
        parts.append(code(result.reason) + _http(result))
    if result.status is Status.REDIRECTED and result.final_url:
        parts.append("now at " + link(result.final_url, result.final_url))
    second = common.opinion(result)
    if second:
        parts.append(text(second))
    parts.append(code(common.where(source)))
    strip = history_strip(runs, now)
    if strip and result.status is not Status.OK:
        parts.append(f"last 14 days {strip}")
    return "- " + " · ".join(parts)


def _http(result: LinkResult) -> str:
    code_ = result.http_status
    return "" if code_ is None or result.reason == f"http_{code_}" else f" (HTTP {code_})"


def history_strip(marks: list[Mapping[str, Any]], now: datetime) -> str:
    """The last 14 days, oldest first, as coloured squares; empty when there is no history."""
    days = common.timeline(marks, now)
    if all(status is None for _, status in days):
        return ""
    return "".join(HISTORY_CELL.get(status or "", OTHER_CELL) for _, status in days)


def _freshness(report: Report) -> str:
    entries = common.freshness(report)
    if not entries:
        return ""
    counts: dict[str, int] = {}
    for entry in entries.values():
        verdict = str(entry.get("verdict") or "unknown")
        counts[verdict] = counts.get(verdict, 0) + 1
    order = [v for v in common.FRESHNESS_ORDER if v in counts] + sorted(
        v for v in counts if v not in common.FRESHNESS_ORDER)
    rows = ["## Freshness", "", "| verdict | resources |", "| --- | ---: |"]
    rows += [f"| {FRESHNESS_ICON.get(v, OTHER_CELL)} {text(v)} | {counts[v]} |" for v in order]
    attention = _attention_rows(report, entries)
    if attention:
        rows += ["", "### Needs a look", "",
                 "| resource | section | last updated | age | verdict | suggestion |",
                 "| --- | --- | --- | ---: | --- | --- |", *attention]
    return "\n".join(rows)


def _attention_rows(report: Report, entries: Mapping[str, Mapping[str, Any]]) -> list[str]:
    wanted = [e for e in entries.values() if e.get("verdict") in ("broken", "stale", "review")]
    wanted.sort(key=lambda e: (common.FRESHNESS_ORDER.index(str(e.get("verdict"))),
                               common.section_key(str(e.get("section") or common.NO_SECTION)),
                               str(e.get("title") or e.get("resource_id") or "")))
    return [_attention_row(report, entry) for entry in wanted]


def _attention_row(report: Report, entry: Mapping[str, Any]) -> str:
    title = str(entry.get("title") or entry.get("resource_id") or "?")
    url = entry.get("url")
    name = link(title, url) if isinstance(url, str) and url else text(title)
    updated = entry.get("last_updated")
    age = common.age_text(common.age_days(updated, report.generated_at))
    verdict = str(entry.get("verdict"))
    suggestion = entry.get("suggestion")
    advice = _advice(suggestion) if isinstance(suggestion, Mapping) else ""
    return (f"| {name} | {text(entry.get('section') or common.NO_SECTION)} | "
            f"{text(updated) if updated else 'unknown'} | {age} | "
            f"{FRESHNESS_ICON.get(verdict, OTHER_CELL)} {text(verdict)} | {advice} |")


def _advice(suggestion: Mapping[str, Any]) -> str:
    words = text(suggestion.get("text") or "")
    url = suggestion.get("url")
    if isinstance(url, str) and url.lower().startswith(("http://", "https://")):
        return f"{words} ({link('link', url)})".strip()
    return words
