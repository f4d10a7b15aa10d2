"""GitHub Actions workflow commands (``::error file=..,line=..::msg``) for non-ok links.

Named gh_annotations, not annotations: `from __future__ import annotations` in the package
would shadow a submodule of that name.

Pure: it builds the lines; the command modules decide (from GITHUB_ACTIONS) whether to print them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from bot.model import LinkResult, Report, Source, Status
from bot.report import common

# Annotation level per status; ok and skipped links make none.
LEVEL: Mapping[Status, str] = {
    Status.BROKEN: "error",
    Status.REDIRECTED: "warning",
    Status.BLOCKED: "warning",
    Status.ERROR: "notice",
}
TITLE: Mapping[Status, str] = {
    Status.BROKEN: "Broken link",
    Status.REDIRECTED: "Moved link",
    Status.BLOCKED: "Link blocked for bots",
    Status.ERROR: "Link check inconclusive",
}
MAX_MESSAGE = 500


def escape_data(value: str) -> str:
    """Escape a command's message as the Actions runner expects (see @actions/core)."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """Escape a property value: also ``:`` and ``,``, which would end the property."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def command(level: str, message: str, *, file: str | None = None, line: int | None = None,
            title: str | None = None) -> str:
    """One workflow command line, e.g. ``::error file=roadmap.yaml,line=12,title=T::message``."""
    props = [(key, value) for key, value in (("file", file), ("line", line), ("title", title))
             if value is not None]
    joined = ",".join(f"{key}={escape_property(str(value))}" for key, value in props)
    return f"::{level}{' ' + joined if joined else ''}::{escape_data(message[:MAX_MESSAGE])}"


def for_link(result: LinkResult, source: Source, *, inconclusive: bool = False) -> str | None:
    """The annotation for one occurrence of a link, or None when the link is fine."""
    level = LEVEL.get(result.status)
    if level is None:
        return None
    if inconclusive and level == "error":
        level = "warning"  # an unhealthy run proves nothing; do not fail anyone on it
    name = f"{source.resource}: " if source.resource else ""
    message = f"{name}{result.url} is {result.status.value} ({common.detail(result)})"
    second = common.opinion(result)
    if second:
        message += f"; {second}"
    return command(level, message, file=source.file, line=source.line,
                   title=TITLE[result.status])


def for_links(results: Iterable[LinkResult], *, inconclusive: bool = False) -> list[str]:
    """Annotations for every non-ok occurrence, sorted by file and line."""
    found = [(occ.source.file, occ.source.line or 0, occ.link.url,
              for_link(occ.link, occ.source, inconclusive=inconclusive))
             for result in results for occ in common.occurrences(result)]
    return [line for *_, line in sorted(found, key=lambda item: item[:3]) if line]


def render(report: Report) -> str:
    """Every annotation of a report, one per line, after a warning if the run is inconclusive."""
    lines = for_links(report.links, inconclusive=report.inconclusive)
    if report.inconclusive:
        reason = report.inconclusive_reason or "the run looked unhealthy"
        lines.insert(0, command("warning", f"Inconclusive run: {reason}",
                                title="Inconclusive run"))
    return "".join(line + "\n" for line in lines)
