"""Issue and PR text: every required part is there, hostile metadata stays inert."""

from __future__ import annotations

from dataclasses import replace

from bot.curate.escape import ZWSP
from bot.curate.fingerprint import fingerprint_of, fix_ids, state_of
from bot.curate.issue_text import Context, digest_body, issue_body, issue_labels, issue_title
from bot.curate.model import Finding, FindingKind, Fix, FixKind, LinkEvidence, Place
from bot.curate.pr_text import fitting, pr_body
from bot.curate.settings import CurateSettings
from bot.model import Hop

CONTEXT = Context("marvelousmlops/mlops_roadmap_2024", "0123abc")
FINDING = Finding(
    FindingKind.BROKEN, "resource:py-book", "https://old.test/book",
    Place("roadmap.yaml", 22, "1.1. Python & IDEs", "Python Crash Course", "py-book"),
    LinkEvidence("https://old.test/book", "broken", "redirect_to_404", 404, "https://old.test/404",
                 (Hop("https://old.test/book", 302),), "2026-11-27T03:00:00Z", 2,
                 "2026-10-01T03:00:00Z"),
    freshness={"verdict": "stale", "last_updated": "2019-05-01", "date_source": "page",
               "evidence": [{"fact": "title", "value": "Hi @octocat ![x](https://e.test/i.png)",
                             "source": "https://old.test/book"}]},
    replacement="https://new.test/book",
)


def test_issue_body_has_every_part() -> None:
    body = issue_body(FINDING, CurateSettings(), CONTEXT)
    for part in (
        "https://github.com/marvelousmlops/mlops_roadmap_2024/blob/0123abc/roadmap.yaml#L22",
        "1\\.1\\. Python &amp; IDEs", "| Status | `broken` (`redirect_to_404`) |",
        "| HTTP status | 404 |", "`https://old.test/book` → 302 → `https://old.test/404`",
        "| First failing | 2026-11-27 03:00 UTC |", "| Consecutive failing runs | 2+ |",
        "reachable since 2026-10-01 03:00 UTC", "https://web.archive.org/web/*/https://old.test/book",
        "Replacement: `https://new.test/book`", "`roadmap-bot explain https://old.test/book`",
        "- [ ] ", "#### Freshness",
    ):
        assert part in body, part
    assert fingerprint_of(body) == "resource:py-book" and state_of(body) == "open"
    assert "@octocat" not in body and "![" not in body


def test_title_and_labels() -> None:
    assert issue_title(FINDING) == "Broken link: Python Crash Course"
    hostile = Finding(FindingKind.MANUAL, "k", "u", Place("f", resource="fix #1 for @x"),
                      low_priority=True)
    assert issue_title(hostile) == f"Needs a manual check: fix #{ZWSP}1 for @{ZWSP}x"
    assert issue_labels(hostile, CurateSettings()) == (
        "roadmap-bot", "roadmap-bot:needs-manual-check", "priority: low")


def test_body_is_stable() -> None:
    settings = CurateSettings()
    assert issue_body(FINDING, settings, CONTEXT) == issue_body(FINDING, settings, CONTEXT)


def test_pr_body_lists_each_change_with_evidence_and_marker() -> None:
    fix = Fix("https://old.test/a", "https://new.test/a", (FixKind.REDIRECT,),
              ("301 permanent redirect from `https://old.test/a` to `https://new.test/a`",),
              (Place("roadmap.yaml", 40, "2. Git", "Pro Git", "pro-git"),))
    body = pr_body((fix,), CONTEXT)
    assert fix_ids(body) == {fix.fix_id}
    assert "- **Old:** `https://old.test/a`" in body and "- **New:** `https://new.test/a`" in body
    assert "Evidence: 301 permanent redirect" in body
    assert "[Pro Git \\(line 40\\)](https://github.com/" in body


HUGE = "https://e.test/" + "x" * 5000


def test_bodies_stay_under_githubs_size_limit() -> None:
    many = tuple(Finding(FindingKind.BROKEN, f"k{i}", HUGE, Place("roadmap.yaml", i, "S" * 500,
                                                                     "R" * 500)) for i in range(500))
    assert len(digest_body(many, CONTEXT)) < 65_536
    place = Place("roadmap.yaml", 1, "S" * 500, "R" * 500)
    fixes = tuple(Fix(HUGE + str(i), HUGE + "y" + str(i), (FixKind.REDIRECT,), ("e" * 3000,),
                      (place,) * 8) for i in range(60))
    kept = fitting(fixes, CONTEXT)
    assert 1 <= len(kept) < 60 and len(pr_body(kept, CONTEXT)) < 65_536
    hops = tuple(Hop(HUGE, 301) for _ in range(50))
    body = issue_body(replace(FINDING, link=replace(FINDING.link, redirects=hops)),
                      CurateSettings(), CONTEXT)
    assert len(body) < 65_536 and "… 40 more" in body


UNKNOWN_FRESHNESS = {"verdict": "unknown", "last_updated": None, "date_source": None,
                     "evidence": [{"fact": "unknown", "value": "feed http_404",
                                   "source": "medium"}]}


def test_what_is_not_known_is_left_out() -> None:
    settings = CurateSettings()
    body = issue_body(replace(FINDING, freshness=UNKNOWN_FRESHNESS), settings, CONTEXT)
    assert "#### Freshness" not in body and "unknown" not in body
    dated = {"verdict": "unknown", "last_updated": "2019-05-01", "date_source": None}
    body = issue_body(replace(FINDING, freshness=dated), settings, CONTEXT)
    assert "- **Last updated:** 2019\\-05\\-01\n" in body and "`unknown`" not in body


def test_archived_copies_link_the_newest_capture_when_one_is_known() -> None:
    capture = "https://web.archive.org/web/20240501000000/https://old.test/book"
    evidence = replace(FINDING.link, archived_url=capture, archived_on="2024-05-01")
    body = issue_body(replace(FINDING, link=evidence), CurateSettings(), CONTEXT)
    assert f"newest capture (2024-05-01)]({capture})" in body.replace("\\", "")
    assert "/web/*/" not in body
