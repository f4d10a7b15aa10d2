"""The dashboard (reports/index.html): one self-contained page, data embedded as JSON, no CDN."""

from __future__ import annotations

import base64
import hashlib
import html
import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

from bot.model import LinkResult, Report, Status
from bot.report import common
from bot.report.json_report import iso

CARD_LABEL = {Status.BROKEN: "Broken", Status.REDIRECTED: "Redirected", Status.BLOCKED: "Blocked",
              Status.ERROR: "Error", Status.SKIPPED: "Skipped", Status.OK: "OK"}
FRESHNESS_VERDICTS = ("stale", "review", "broken", "fresh", "unknown")
NO_LINK = "none"  # the status of a roadmap resource that has no URL (a book, a tool name)
UNVERIFIED = "unverified"  # the card that filters links no source could confirm


@cache
def asset(name: str) -> str:
    """A file from bot/report/assets, shipped as package data."""
    return resources.files("bot.report").joinpath("assets", name).read_text(encoding="utf-8")


def embed_json(data: Any) -> str:
    """JSON that cannot end its <script> element or open a comment: <, > and & are escaped."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _csp_hash(source: str) -> str:
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def render(report: Report) -> str:
    """The whole dashboard as one HTML document; same report, same bytes."""
    css, js = asset("dashboard.css"), asset("dashboard.js")
    # Only our own inline style and script may run: a hostile title cannot add any.
    csp = (f"default-src 'none'; style-src {_csp_hash(css)}; script-src {_csp_hash(js)}; "
           "img-src data:; base-uri 'none'; form-action 'none'")
    return asset("dashboard.html").format(
        csp=html.escape(csp, quote=True),
        page_title=html.escape(_page_title(report)),
        css=css,
        js=js,
        data=embed_json(payload(report)),
        generated=html.escape(_when(report)),
        version=html.escape(report.tool_version),
        inputs=html.escape(", ".join(report.inputs) or "no input"),
        banner=_banner(report),
        cards=_cards(report),
        freshness=_freshness_chips(report),
    )


def _page_title(report: Report) -> str:
    """What the browser tab says: the one number that matters, then the page."""
    broken = report.summary.counts[Status.BROKEN]
    lead = "inconclusive run" if report.inconclusive else f"{broken} broken"
    return f"{lead} · roadmap link health · roadmap-bot"


def _when(report: Report) -> str:
    return (iso(report.generated_at) or "").replace("T", " ").replace("Z", " UTC")


def _banner(report: Report) -> str:
    if not report.inconclusive:
        return ""
    reason = html.escape(report.inconclusive_reason or "the run looked unhealthy")
    return ('<div class="banner" role="alert"><strong>Inconclusive run:</strong> '
            f"{reason}. Nothing is acted on from this run.</div>")


def _cards(report: Report) -> str:
    summary, previous = report.summary, common.previous_summary(report) or {}
    cards = [_card("all", "Total", summary.total, previous.get("total"), pressed=True)]
    cards += [_card(s.value, CARD_LABEL[s], summary.counts[s], previous.get(s.value))
              for s in common.STATUS_ORDER]
    # Not a status: blocked or inconclusive links that no second opinion saw alive.
    cards.append(_card(UNVERIFIED, "Unverified", summary.unverified, previous.get(UNVERIFIED)))
    return "\n".join(cards)


def _freshness_chips(report: Report) -> str:
    counts: dict[str, int] = {}
    for entry in common.freshness(report).values():
        verdict = str(entry.get("verdict") or "unknown")
        counts[verdict] = counts.get(verdict, 0) + 1
    if not counts:
        return ""
    chips = "".join(
        f'<button type="button" class="fresh f-{html.escape(v)}" data-fresh="{html.escape(v)}">'
        f"{counts[v]} {html.escape(v)}</button>"
        for v in FRESHNESS_VERDICTS if v in counts)
    return f'<p class="fresh-summary"><span>Freshness of resources:</span>{chips}</p>'


def _card(key: str, label: str, count: int, before: Any, *, pressed: bool = False) -> str:
    delta = ""
    if isinstance(before, int) and not isinstance(before, bool) and before != count:
        sign = "+" if count > before else "−"
        delta = (f'<span class="delta" title="since the last run">{sign}'
                 f"{abs(count - before)}</span>")
    zero = " zero" if count == 0 else ""
    return (f'<button type="button" class="card card-{key}{zero}" data-status="{key}" '
            f'aria-pressed="{str(pressed).lower()}"><span class="count">{count}</span>'
            f'<span class="label">{html.escape(label)}</span>{delta}</button>')


def payload(report: Report) -> dict[str, Any]:
    """What the page's script needs: one row per link, plus link-less resources."""
    fresh, runs = common.freshness(report), common.history(report)
    rows = [_link_row(link, fresh, runs.get(link.url, []), report) for link in report.links]
    linked = {s.resource_id for link in report.links for s in link.sources if s.resource_id}
    rows += [_resource_row(entry, report) for rid, entry in fresh.items() if rid not in linked]
    rows.sort(key=_row_key)
    return {"rows": rows, "statuses": [s.value for s in common.STATUS_ORDER] + [NO_LINK],
            "freshness": list(FRESHNESS_VERDICTS)}


def _row_key(row: Mapping[str, Any]) -> tuple[Any, ...]:
    order = [s.value for s in common.STATUS_ORDER] + [NO_LINK]
    return (order.index(row["status"]), common.section_key(row["sections"][0]),
            row["title"].lower(), row["url"] or "")


def _link_row(link: LinkResult, fresh: Mapping[str, Mapping[str, Any]],
              runs: list[Mapping[str, Any]], report: Report) -> dict[str, Any]:
    ids = [s.resource_id for s in link.sources if s.resource_id]
    entry = next((fresh[rid] for rid in ids if rid in fresh), {})
    sections = sorted({occ.section for occ in common.occurrences(link)}, key=common.section_key)
    return {
        "url": link.url,
        "status": link.status.value,
        "reason": link.reason,
        "detail": _finding(link),
        "final_url": link.final_url if link.status is Status.REDIRECTED else None,
        "title": common.resource_title(link),
        "page_title": _short(link.metadata.get("title")),
        "places": [common.where(occ.source) for occ in common.occurrences(link)],
        "sections": sections,
        "kind": str(entry.get("kind") or "unknown"),
        "history": [{"day": day, "status": status}
                    for day, status in common.timeline(runs, report.generated_at)]
        if runs else [],
        **_opinion_fields(link, report),
        **_freshness_fields(entry, report),
    }


def _opinion_fields(link: LinkResult, report: Report) -> dict[str, Any]:
    """The second opinion, and for a link no source confirmed, since when that has lasted."""
    since = common.unverified_since(report).get(link.url) if link.unverified else None
    days = common.age_days(since, report.generated_at)
    return {
        "opinion": _short(common.opinion(link)),
        "opinion_verdict": link.verification.verdict.value if link.verification else None,
        "unverified": link.unverified,
        "unverified_since": since[:10] if since else None,
        "unverified_for": common.age_text(days) if days is not None else None,
    }


def _finding(link: LinkResult) -> str:
    if link.status is Status.OK:
        return ""
    code = link.http_status
    extra = "" if code is None or link.reason == f"http_{code}" else f" (HTTP {code})"
    return link.reason + extra


def _resource_row(entry: Mapping[str, Any], report: Report) -> dict[str, Any]:
    return {
        "url": entry.get("url") if isinstance(entry.get("url"), str) else None,
        "status": NO_LINK, "reason": "", "detail": "no link to check", "final_url": None,
        "title": str(entry.get("title") or entry.get("resource_id") or "?"),
        "page_title": None, "places": [],
        "sections": [str(entry.get("section") or common.NO_SECTION)],
        "kind": str(entry.get("kind") or "unknown"), "history": [],
        "opinion": None, "opinion_verdict": None, "unverified": False,
        "unverified_since": None, "unverified_for": None,
        **_freshness_fields(entry, report),
    }


def _freshness_fields(entry: Mapping[str, Any], report: Report) -> dict[str, Any]:
    day = common.parse_day(entry.get("last_updated"))
    days = common.age_days(entry.get("last_updated"), report.generated_at)
    suggestion = entry.get("suggestion")
    return {
        "last_updated": day.isoformat() if day else None,
        "age": common.age_text(days) if days is not None else None,
        "age_days": days,
        "freshness": str(entry.get("verdict") or "unknown") if entry else "unknown",
        "suggestion": _short(suggestion.get("text")) if isinstance(suggestion, Mapping) else None,
        "suggestion_url": _http_url(suggestion.get("url")) if isinstance(suggestion, Mapping)
        else None,
        "date_source": _short(entry.get("date_source"), 80),
    }


def _http_url(value: Any) -> str | None:
    """Only http(s) URLs become links; the page's script checks this again."""
    ok = isinstance(value, str) and value.lower().startswith(("http://", "https://"))
    return value if ok else None


def _short(value: Any, limit: int = 300) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    flat = " ".join(value.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
