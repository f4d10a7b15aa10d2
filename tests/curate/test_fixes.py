"""Mechanical fixes: redirects, https, tracking parameters, renamed repos; rejected ones stay out."""

from __future__ import annotations

import pytest

from bot.curate.fixes import plan_fixes, safe_redirect, strip_tracking
from bot.curate.model import FixKind
from bot.curate.settings import CurateSettings
from bot.model import Hop, Status, Via
from tests.curate.helpers import report, result

AMAZON = ("https://www.amazon.com/stores/Eric-Matthes/author/B01DPU378I?ref=ap_rdr&store_ref=ap_rdr"
          "&isDramIntegrated=true&shoppingPortalEnabled=true")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://a.test/p?utm_source=x&id=3&utm_medium=y", "https://a.test/p?id=3"),
        ("https://a.test/p?gclid=1&fbclid=2&gad_source=3", "https://a.test/p"),
        ("https://a.test/p?id=3#frag", "https://a.test/p?id=3#frag"),
        ("https://a.test/p?ref=main", "https://a.test/p?ref=main"),  # ref matters elsewhere
        (AMAZON, "https://www.amazon.com/stores/Eric-Matthes/author/B01DPU378I"),
        ("https://www.amazon.com/dp/1718502702/ref=sr_1_1?keywords=x",
         "https://www.amazon.com/dp/1718502702/?keywords=x"),
        ("https://www.youtube.com/watch?v=abc&si=track", "https://www.youtube.com/watch?v=abc"),
        ("https://a.test/p?q=a%20b&utm_source=x", "https://a.test/p?q=a%20b"),
        ("https://a.test/p", "https://a.test/p"),
    ],
)
def test_strip_tracking(url: str, expected: str) -> None:
    assert strip_tracking(url) == expected


@pytest.mark.parametrize(
    ("old", "new", "safe"),
    [
        ("https://a.test/x", "https://b.test/y", True),
        ("http://a.test/x", "https://a.test/x", True),
        ("https://a.test/x", "http://a.test/x", False),  # downgrade
        ("https://a.test/deep/page", "https://a.test/", False),  # to the homepage: likely gone
        ("https://a.test/x", "https://user:pw@a.test/x", False),
        ("https://a.test/x", "ftp://a.test/x", False),
    ],
)
def test_safe_redirect(old: str, new: str, safe: bool) -> None:
    assert safe_redirect(old, new) is safe


def test_redirect_fix_with_evidence() -> None:
    moved = result("https://old.test/a", Status.REDIRECTED, "permanent_redirect",
                   final_url="https://new.test/a?utm_source=x",
                   redirects=(Hop("https://old.test/a", 301),))
    (fix,) = plan_fixes(report(moved), None, CurateSettings())
    assert (fix.old, fix.new) == ("https://old.test/a", "https://new.test/a")
    assert fix.kinds == (FixKind.REDIRECT, FixKind.TRACKING)
    assert "301 permanent redirect" in fix.evidence[0]


def test_a_static_site_redirect_page_is_proposed_like_a_301() -> None:
    moved = result("https://docs.test/old/", Status.REDIRECTED, "permanent_redirect",
                   final_url="https://docs.test/new/",
                   redirects=(Hop("https://docs.test/old/", 200, Via.META_REFRESH),))
    (fix,) = plan_fixes(report(moved), None, CurateSettings())
    assert (fix.old, fix.new, fix.kinds) == ("https://docs.test/old/", "https://docs.test/new/",
                                             (FixKind.REDIRECT,))
    assert "the page's own meta refresh" in fix.evidence[0]


def test_https_upgrade_needs_proof() -> None:
    plain = result("http://a.test/x")
    assert plan_fixes(report(plain), None, CurateSettings()) == ()
    twin = result("https://a.test/x", rid="other")
    (fix,) = plan_fixes(report(plain, twin), None, CurateSettings())
    assert fix.new == "https://a.test/x" and fix.kinds == (FixKind.HTTPS,)


def test_renamed_repo_from_freshness() -> None:
    repo = result("https://github.com/old/tool")
    freshness = {"py-book": {"url": repo.url, "suggestion": {
        "action": "replace_url", "url": "https://github.com/new/tool", "text": "renamed"}}}
    (fix,) = plan_fixes(report(repo), freshness, CurateSettings())
    assert fix.new == "https://github.com/new/tool" and fix.kinds == (FixKind.RENAMED_REPO,)


def test_a_blocked_link_still_loses_its_tracking_parameters_but_nothing_else() -> None:
    blocked = result(AMAZON, Status.BLOCKED, "bot_protection", http_status=503,
                     final_url="https://elsewhere.test/")
    (fix,) = plan_fixes(report(blocked), None, CurateSettings())
    assert fix.kinds == (FixKind.TRACKING,)
    assert fix.new == "https://www.amazon.com/stores/Eric-Matthes/author/B01DPU378I"


def test_broken_ignored_rejected_and_inconclusive_get_no_fix() -> None:
    tracked = result("https://a.test/?utm_source=x")
    broken = result("https://b.test/?utm_source=x", Status.BROKEN, "http_404", rid="b")
    settings = CurateSettings()
    (fix,) = plan_fixes(report(tracked, broken), None, settings)
    assert plan_fixes(report(tracked), None, settings, rejected=[fix.fix_id]) == ()
    ignoring = CurateSettings(ignore_domains=("a.test",))
    assert plan_fixes(report(tracked), None, ignoring) == ()
    assert plan_fixes(report(tracked, inconclusive=True), None, settings) == ()
