"""A maintainer's replacement stored in the fixes PR body, read back each night; snoozes."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

from bot.curate.fingerprint import snoozed_until, with_snooze, without_snooze
from bot.curate.issue_text import Context
from bot.curate.model import Fix, FixKind, Place
from bot.curate.plan import Verb, plan_issues
from bot.curate.pr_text import pr_body
from bot.curate.requested import requested_in, requested_marker, still_wanted, with_requested
from bot.model import Source
from tests.curate.helpers import NOW
from tests.curate.test_plan import BROKEN, CONTEXT, KEY, SETTINGS, current, judged

ASKED = Fix("https://a.test/x", "https://b.test/y?q='-->", (FixKind.REQUESTED,),
            ("asked for in #7",))
MECHANICAL = Fix("https://a.test/x", "https://a.test/x/", (FixKind.REDIRECT,), ("301",))
OTHER = Fix("https://c.test/", "https://d.test/", (FixKind.TRACKING,), ("utm",))


def test_a_requested_fix_survives_its_pr_body() -> None:
    body = pr_body((ASKED, OTHER), Context("o/r"))
    (line,) = [line for line in body.splitlines() if "requested=" in line]
    assert line == requested_marker(ASKED)
    assert re.fullmatch(r"<!-- roadmap-bot:requested=[0-9a-f]+ -->", line)  # no early "-->"
    assert requested_in(body) == (ASKED,)  # the mechanical fix is not stored as requested
    assert requested_in("<!-- roadmap-bot:requested=zz -->") == ()
    assert requested_in("<!-- roadmap-bot:requested=" + b'{"old": 1}'.hex() + " -->") == ()


def test_it_lasts_while_the_roadmap_has_the_old_url_and_wins_over_a_mechanical_fix() -> None:
    source = Source("roadmap.yaml", 12, "Py Book", "py-book", "1.1")
    (kept,) = still_wanted((ASKED,), {ASKED.old: (source,)})
    assert kept.places == (Place("roadmap.yaml", 12, "1.1", "Py Book", "py-book"),)
    assert still_wanted((ASKED,), {"https://elsewhere.test/": (source,)}) == ()
    assert with_requested((ASKED,), (MECHANICAL, OTHER)) == (ASKED, OTHER)


def test_a_snoozed_issue_is_left_alone_until_the_snooze_ends() -> None:
    until = (NOW + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
    issue = replace(current(), body=with_snooze(current().body, until))
    assert snoozed_until(issue.body) == until and snoozed_until(without_snooze(issue.body)) is None
    healed = judged(reachable=frozenset({KEY}))
    assert plan_issues([issue], healed, frozenset(), NOW, SETTINGS, CONTEXT) == []
    changed = judged(replace(BROKEN, url="https://a.test/other"))
    assert plan_issues([issue], changed, frozenset(), NOW, SETTINGS, CONTEXT) == []
    later = NOW + timedelta(days=4)
    (action,) = plan_issues([issue], healed, frozenset(), later, SETTINGS, CONTEXT)
    assert action.verb is Verb.CLOSE_ISSUE
