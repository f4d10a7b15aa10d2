"""A reports directory: one file per format under a fixed name, written atomically."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType

from bot import collector
from bot.errors import InputError
from bot.fileio import atomic_write_text
from bot.model import Report
from bot.report import FORMATS

# File names by format; workflows, the action's outputs and the dashboard link rely on them.
REPORT_FILES: Mapping[str, str] = MappingProxyType({
    "json": "latest.json", "markdown": "latest.md", "sarif": "latest.sarif", "html": "index.html",
})


def parse_formats(text: str) -> tuple[str, ...]:
    """Format names from ``json,markdown`` or ``json markdown``: each once, in order."""
    names = tuple(dict.fromkeys(part for part in text.replace(",", " ").split()))
    unknown = [name for name in names if name not in REPORT_FILES]
    if unknown or not names:
        raise InputError(f"unknown report format {unknown[0] if unknown else text!r}; choose "
                         f"from {', '.join(REPORT_FILES)}")
    return names


def write_reports(report: Report, reports_dir: str, echo: Callable[[str], None],
                  formats: Iterable[str] = REPORT_FILES) -> list[str]:
    """Write each format's file; returns the paths written. Only the JSON report is vital: a
    broken dashboard must not stop the issues and the PR."""
    written = []
    for name in formats:
        renderer = FORMATS.get(name)
        if renderer is None:
            continue
        try:
            with collector.paused():  # a report's dicts and strings hold no cycle
                text = renderer(report)
        except Exception as exc:
            if name == "json":
                raise
            echo(f"could not render the {name} report: {type(exc).__name__}: {exc}")
            continue
        path = os.path.join(reports_dir, REPORT_FILES[name])
        atomic_write_text(path, text)
        written.append(path)
    return written
