"""The second-opinion part of `roadmap-bot explain`: each source asked, its requests, and the
rule that gave the opinion."""

from __future__ import annotations

from collections.abc import Sequence

from bot.check.explain_text import exchange_lines
from bot.model import LinkResult, Status
from bot.verify.stage import Trace

NOT_ASKED = {
    Status.ERROR: "second opinion: not asked (an inconclusive link gets one only once it "
                  "failed on an earlier run too; the nightly run knows that, explain does not)",
    Status.BLOCKED: "second opinion: not asked (turned off: verify.enabled or --no-verify)",
}


def second_opinion_lines(traces: Sequence[Trace], result: LinkResult) -> list[str]:
    """Plain-text lines; a link that needed no second opinion says so in one line."""
    verification = result.verification
    if verification is None:
        return [NOT_ASKED.get(result.status,
                              "second opinion: none needed (the URL itself showed the answer)")]
    lines = ["second opinion:"]
    for trace in traces:
        lines.append(f"  asked: {trace.rule}" + (" (remembered, no request)"
                                                  if trace.remembered else ""))
        for exchange in trace.exchanges:
            lines.extend("    " + line for line in exchange_lines(exchange))
    decided = traces[-1].rule if traces else "?"
    seen = f", seen alive {verification.seen_alive}" if verification.seen_alive else ""
    lines.append(f"opinion: {verification.verdict.value} by {verification.method.value} "
                 f"({verification.source}{seen}) — decided by rule {decided}: "
                 f"{verification.evidence}")
    return lines
