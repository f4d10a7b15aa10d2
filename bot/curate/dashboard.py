"""The "Link health" dashboard issue, pure: its body, its checkboxes, and when to write it.

Like Renovate's dependency dashboard: one issue, kept by the bot, listing the open findings
by section (with their issues), the links no run could verify (blocked or inconclusive), the
fixes waiting in the PR, and two boxes a maintainer may tick. The next run honours a ticked
box and writes the body back unticked. The body holds nothing that changes on a quiet night
(no times, no streak counts), so it is edited only when what it shows changes. It is never
closed or merged as a finding (plan.py leaves its fingerprint alone).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.curate.escape import code, inline
from bot.curate.fingerprint import (
    DASHBOARD_KEY,
    OPEN,
    fingerprint_marker,
    snoozed_until,
    state_marker,
)
from bot.curate.issue_text import HEADLINE, title_text, when
from bot.curate.model import Finding, Fix
from bot.curate.plan import Action, IssueState, Verb
from bot.curate.pr_text import KIND_TEXT
from bot.curate.settings import CurateSettings
from bot.model import LinkResult, Status

MAX_ROWS = 100  # per list; GitHub refuses bodies over 65,536 characters
UNVERIFIED = (Status.BLOCKED, Status.ERROR)
_BOX = re.compile(r"^- \[([ xX])\] <!-- roadmap-bot:box=([a-z-]+) -->", re.MULTILINE)


class Box(StrEnum):
    """The dashboard's checkboxes: what a maintainer can ask the next run to do."""

    RECHECK = "recheck"
    REBASE = "rebase"


BOX_TEXT = {
    Box.RECHECK: "**Recheck now**: check every link again (ticking it starts the nightly "
                 "workflow)",
    Box.REBASE: "**Rebase the fixes PR**: rebuild it on the default branch as it is now",
}


def ticked(body: str | None) -> frozenset[Box]:
    """The boxes a maintainer ticked in the dashboard's body."""
    known = {box.value: box for box in Box}
    return frozenset(known[name] for mark, name in _BOX.findall(body or "")
                     if mark in "xX" and name in known)


def dashboard_of(issues: Iterable[IssueState], settings: CurateSettings) -> IssueState | None:
    """The dashboard issue (the oldest one the bot made), open or not."""
    mine = [i for i in issues if i.key == DASHBOARD_KEY and settings.labels.bot in i.labels]
    return min(mine, key=lambda i: i.number, default=None)


@dataclass(frozen=True, slots=True)
class View:
    """What the dashboard shows, gathered by the pipeline after this run's writes."""

    findings: tuple[Finding, ...]
    issues: tuple[IssueState, ...]
    unverified: tuple[LinkResult, ...]
    fixes: tuple[Fix, ...]
    pull: int | None
    now: datetime


def _issue_ref(finding: Finding, by_key: Mapping[str, IssueState], view: View,
               settings: CurateSettings) -> str:
    issue = next((by_key[k] for k in (finding.key, *sorted(finding.aliases)) if k in by_key), None)
    if issue is None:
        return "no issue yet"
    until = snoozed_until(issue.body)
    if settings.labels.ignore in issue.labels:
        return f"#{issue.number} (ignored)"
    if until is not None and until > view.now.strftime("%Y-%m-%dT%H:%M:%SZ"):
        return f"#{issue.number} (snoozed until {when(until)[:10]})"
    return f"#{issue.number}" + ("" if issue.open else " (closed)")


def findings_lines(view: View, settings: CurateSettings) -> list[str]:
    by_key = {i.key: i for i in sorted(view.issues, key=lambda i: (not i.open, -i.number))
              if i.key and i.key != DASHBOARD_KEY}
    sections: dict[str, list[str]] = defaultdict(list)
    for f in view.findings[:MAX_ROWS]:
        name = inline(f.place.resource, 80) or code(f.url, 120)
        sections[f.place.section or "Other"].append(
            f"- {HEADLINE[f.kind]}: {name}: {_issue_ref(f, by_key, view, settings)}")
    lines = [f"#### Open findings ({len(view.findings)})", ""]
    for section in sorted(sections):
        lines += [f"**{inline(section, 80)}**", "", *sections[section], ""]
    if not view.findings:
        lines += ["None: every link and resource looks fine.", ""]
    return lines


def unverified_lines(view: View) -> list[str]:
    lines = [f"#### Blocked or unverified links ({len(view.unverified)})", ""]
    for result in view.unverified[:MAX_ROWS]:
        where = result.sources[0] if result.sources else None
        place = f": {inline(where.resource, 80)}, {inline(where.section, 60)}" if where else ""
        lines.append(f"- {code(result.url, 150)} is {code(result.status.value, 20)}{place}")
    return [*lines, *([] if view.unverified else ["None."]), ""]


def fixes_lines(view: View) -> list[str]:
    where = f" in #{view.pull}" if view.pull else ""
    lines = [f"#### Pending fixes{where} ({len(view.fixes)})", ""]
    for fix in view.fixes[:MAX_ROWS]:
        kinds = ", ".join(KIND_TEXT[kind] for kind in fix.kinds)
        lines.append(f"- {code(fix.old, 150)} → {code(fix.new, 150)} ({inline(kinds)})")
    return [*lines, *([] if view.fixes else ["None."]), ""]


def dashboard_body(view: View, settings: CurateSettings) -> str:
    """The whole body, boxes unticked (a ticked box is honoured by the run that writes this)."""
    parts = [
        fingerprint_marker(DASHBOARD_KEY),
        "### Link health",
        "",
        "Kept by roadmap-bot and rewritten when what it shows changes. Tick a box and the "
        "next run does it, then unticks it.",
        "",
        *(f"- [ ] <!-- roadmap-bot:box={box.value} --> {BOX_TEXT[box]}" for box in Box),
        "",
        *findings_lines(view, settings),
        *unverified_lines(view),
        *fixes_lines(view),
        "<sub>Comment `/roadmap-bot` commands on a finding's issue; set `curate.dashboard: "
        "false` to retire this issue. Pinned when GitHub allows it.</sub>",
        state_marker(OPEN),
    ]
    return "\n".join(parts) + "\n"


def dashboard_title(settings: CurateSettings) -> str:
    return title_text(settings.dashboard_title)


def plan_dashboard(current: IssueState | None, body: str, settings: CurateSettings
                   ) -> list[Action]:
    """Create it once; edit it only when its text changed. A dashboard a person closed stays
    closed (turn it off in the config to stop it for good)."""
    title = dashboard_title(settings)
    if current is None:
        return [Action(Verb.CREATE_ISSUE, None, DASHBOARD_KEY, title, body, (settings.labels.bot,))]
    if not current.open or (current.title == title and current.body == body):
        return []
    return [Action(Verb.UPDATE_ISSUE, current.number, DASHBOARD_KEY, title, body)]
