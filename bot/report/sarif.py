"""SARIF 2.1.0: one result per non-ok link occurrence, located at its roadmap.yaml line."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from bot import pretty_json
from bot.model import LinkResult, Report, Status
from bot.report import common

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/marvelousmlops/mlops_roadmap_2024"
FINGERPRINT_KEY = "roadmapBotLink/v1"

# SARIF level per status; ok and skipped links are not findings (skipped is a choice).
LEVEL: Mapping[Status, str] = {
    Status.BROKEN: "error",
    Status.REDIRECTED: "warning",
    Status.BLOCKED: "note",
    Status.ERROR: "note",
}

STATUS_HELP: Mapping[Status, str] = {
    Status.BROKEN: "The link is proven gone; replace or remove it.",
    Status.REDIRECTED: "The link moved permanently; point it at the new address.",
    Status.BLOCKED: "The server refused to show the page to a bot; check it by hand.",
    Status.ERROR: "The check was inconclusive this run; it is retried on the next run.",
}


def rule_id(result: LinkResult) -> str:
    """``broken/http_404``: one rule per status and reason, so code scanning can filter."""
    return f"{result.status.value}/{result.reason}"


def findings(report: Report) -> list[LinkResult]:
    return sorted((r for r in report.links if r.status in LEVEL), key=lambda r: r.url)


def render(report: Report) -> str:
    """The report as a SARIF 2.1.0 log; deterministic (sorted rules and results)."""
    results = findings(report)
    rules = sorted({rule_id(r): r for r in results}.items())
    log = {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "roadmap-bot",
                "version": report.tool_version,
                "informationUri": INFORMATION_URI,
                "rules": [_rule(rid, example) for rid, example in rules],
            }},
            "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "repository root"}}},
            "results": [item for r in results for item in _results(r, rules)],
            "properties": {"inconclusive": report.inconclusive,
                           "inconclusiveReason": report.inconclusive_reason},
        }],
    }
    return pretty_json.dumps(log) + "\n"


def _rule(rid: str, example: LinkResult) -> dict[str, Any]:
    status, level = example.status, LEVEL[example.status]
    name = "".join(part.capitalize() for part in rid.replace("/", "_").split("_"))
    return {
        "id": rid,
        "name": name,
        "shortDescription": {"text": f"{status.value} link ({example.reason})"},
        "fullDescription": {"text": STATUS_HELP[status]},
        "help": {"text": f"{STATUS_HELP[status]} Reproduce with `roadmap-bot explain URL`; "
                         "see TRIAGE.md."},
        "defaultConfiguration": {"level": level},
        "properties": {"tags": ["links", status.value]},
    }


def _results(result: LinkResult, rules: list[tuple[str, LinkResult]]) -> list[dict[str, Any]]:
    index = [rid for rid, _ in rules].index(rule_id(result))
    return [_result(result, occ.source, index) for occ in common.occurrences(result)]


def _result(result: LinkResult, source: Any, rule_index: int) -> dict[str, Any]:
    # A URI reference: a path with spaces, or "<stdin>", must be percent-encoded.
    uri = quote(source.file, safe="/-._~")
    location: dict[str, Any] = {"artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"}}
    # Code scanning needs a region; an unknown line is shown on the first one.
    location["region"] = {"startLine": source.line or 1}
    return {
        "ruleId": rule_id(result),
        "ruleIndex": rule_index,
        "level": LEVEL[result.status],
        "message": {"text": _message(result, source.resource)},
        "locations": [{"physicalLocation": location}],
        "partialFingerprints": {FINGERPRINT_KEY: _fingerprint(result.url, source.file,
                                                              source.resource_id)},
        "properties": {"url": result.url, "status": result.status.value,
                       "reason": result.reason, "httpStatus": result.http_status,
                       "finalUrl": result.final_url,
                       "verification": result.verification.to_json()
                       if result.verification else None},
    }


def _message(result: LinkResult, resource: str | None) -> str:
    name = f"{resource}: " if resource else ""
    text = f"{name}{result.url} is {result.status.value} ({common.detail(result)})."
    second = common.opinion(result)
    if second:
        text += f" Second opinion: {second}."
    return text + " Run `roadmap-bot explain URL` to see every request."


def _fingerprint(url: str, file: str, resource_id: str | None) -> str:
    """Stable across runs and line moves, so code scanning keeps one alert per link and place."""
    key = "\n".join((url, file, resource_id or ""))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
