"""Report formats: each renders a `Report` to text; the registry maps `--format` names to them."""

from __future__ import annotations

from collections.abc import Callable

from bot.model import Report
from bot.report import html, json_report, markdown, sarif

Renderer = Callable[[Report], str]

# One line per format; sibling modules add theirs here.
FORMATS: dict[str, Renderer] = {
    "json": json_report.render,
    "markdown": markdown.render,
    "sarif": sarif.render,
    "html": html.render,
}
