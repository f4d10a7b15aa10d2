"""The text of `roadmap-bot explain`: every request, the redirect chain and the deciding rule."""

from __future__ import annotations

import re
from collections.abc import Mapping

from bot.check.app_shell import ShellComparison
from bot.check.observation import Exchange, Observation, Verdict
from bot.model import Via

# Response headers worth showing, in this order: they are what the rules look at.
SHOWN_HEADERS = (
    "location", "retry-after", "server", "cf-mitigated", "x-datadome", "x-sucuri-id",
    "x-amzn-waf-action", "x-vercel-mitigated", "set-cookie", "content-type", "content-length",
    "etag", "last-modified",
)
MAX_VALUE = 160
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def explain_lines(
    observation: Observation, verdict: Verdict, shell: ShellComparison | None = None
) -> list[str]:
    """Plain-text lines explaining how `verdict` was reached for `observation`, with the
    probe of its host when the page could be an app shell."""
    lines = [f"url: {observation.url}"]
    for exchange in observation.exchanges:
        lines.extend(exchange_lines(exchange))
    if not observation.exchanges:
        lines.append("no request was made")
    lines.extend(_chain_lines(observation))
    lines.append(_final_line(observation))
    if shell is not None:
        lines.extend(shell_lines(shell))
    lines.append(verdict_line(verdict))
    return lines


def shell_lines(shell: ShellComparison) -> list[str]:
    """The probe of a made-up path on the page's host, and how the page compares with it."""
    evidence = shell.evidence
    lines = ["app-shell probe (the page could be an app shell; a made-up path on its host):"]
    lines.extend("    " + line for exchange in shell.probe.exchanges
                 for line in exchange_lines(exchange))
    if evidence.probe_print is None:
        status = evidence.probe_status if evidence.probe_status is not None else "no answer"
        lines.append(f"app-shell comparison: the made-up path is no app shell (HTTP {status}): "
                     "the page is judged on what it says")
        return lines
    same = shell.page_print == evidence.probe_print
    lines.append(f"app-shell comparison: page {shell.page_print}, made-up path "
                 f"{evidence.probe_print}: {'indistinguishable' if same else 'different'}")
    if same:
        other = evidence.differing_page or "none (explain sees only this page of the host)"
        lines.append(f"app-shell other pages of the host that differ: {other}")
    return lines


def exchange_lines(exchange: Exchange) -> list[str]:
    """One line for the request and its outcome, then the headers that mattered."""
    outcome = (f"{exchange.status}" if exchange.status is not None
               else f"failed: {exchange.failure.value if exchange.failure else 'no answer'}")
    detail = f" ({_clean(exchange.detail)})" if exchange.detail else ""
    lines = [f"{exchange.method} {exchange.url} -> {outcome} in {exchange.elapsed_ms} ms{detail}"]
    return lines + [f"    {name}: {value}" for name, value in shown_headers(exchange.headers)]


def shown_headers(headers: Mapping[str, str]) -> list[tuple[str, str]]:
    """The headers `explain` shows, in a fixed order; cookie values are hidden (only their
    names say anything about bot protection) and long values cut."""
    lowered = {name.lower(): value for name, value in headers.items()}
    shown = []
    for name in SHOWN_HEADERS:
        if name in lowered:
            value = _cookie_names(lowered[name]) if name == "set-cookie" else lowered[name]
            shown.append((name, _clean(value)))
    return shown


def _cookie_names(value: str) -> str:
    names = re.findall(r"(?:^|,\s*)([A-Za-z0-9_\-.]+)=", value)
    return ", ".join(f"{name}=…" for name in names) or "…"


def _clean(value: str, limit: int = MAX_VALUE) -> str:
    # Page-controlled text: no control characters (terminal escapes), bounded length.
    value = _CONTROL.sub(" ", value)
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _chain_lines(observation: Observation) -> list[str]:
    if not observation.hops:
        return []
    steps = [f"{hop.url} ({hop.status}{_via(hop.via)})" for hop in observation.hops]
    end = observation.final_url or "?"
    return [f"redirects: {' -> '.join(steps)} -> {end}"]


def _via(via: Via) -> str:
    return "" if via is Via.HTTP else " " + via.value.replace("_", " ")


def _final_line(observation: Observation) -> str:
    answer = (f"HTTP {observation.final_status}" if observation.final_status is not None
              else f"no answer ({observation.failure.value if observation.failure else 'unknown'})")
    where = observation.final_url or observation.url
    return (f"final: {where} {answer} after {observation.attempts} attempt(s), "
            f"{observation.elapsed_ms} ms")


def verdict_line(verdict: Verdict) -> str:
    """``verdict: broken (http_404) — decided by rule status-table:404: HTTP 404: not found``"""
    detail = f": {_clean(verdict.detail, 2 * MAX_VALUE)}" if verdict.detail else ""
    decided = f"decided by rule {verdict.rule}{detail}"
    return f"verdict: {verdict.status.value} ({verdict.reason}) — {decided}"
