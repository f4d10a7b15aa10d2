"""Redirects a page gives by itself, table-driven: what each static-site generator writes, and
what must not be taken for a move (delayed refreshes, reloads, <noscript> fallbacks, scripts
that could do something else)."""

from __future__ import annotations

import pytest

from bot.check.client_redirect import client_redirect
from bot.model import Via

URL = "https://docs.example.org/old/page/"
NEW = "https://docs.example.org/new/page/"

# What the generators write (templates of jekyll-redirect-from, Hugo's alias.html,
# mkdocs-redirects, sphinx-reredirects), and hand-written pages.
JEKYLL = (
    '<!DOCTYPE html>\n<html lang="en-US">\n  <meta charset="utf-8">\n  <title>Redirecting&hellip;'
    f'</title>\n  <link rel="canonical" href="{NEW}">\n  <script>location="{NEW}"</script>\n'
    f'  <meta http-equiv="refresh" content="0; url={NEW}">\n  <meta name="robots" content="noindex">'
    f'\n  <h1>Redirecting&hellip;</h1>\n  <a href="{NEW}">Click here if you are not redirected.</a>'
    "\n</html>\n"
)
HUGO = (
    f'<!DOCTYPE html><html lang="en"><head><title>{NEW}</title><link rel="canonical" href="{NEW}">'
    '<meta name="robots" content="noindex"><meta charset="utf-8">'
    f'<meta http-equiv="refresh" content="0; url={NEW}"></head></html>'
)
MKDOCS = (
    '<!doctype html>\n<html lang="en">\n<head>\n    <meta charset="utf-8">\n'
    '    <title>Redirecting...</title>\n    <link rel="canonical" href="../../new/page/">\n'
    '    <script>var anchor=window.location.hash.substr(1);location.href="../../new/page/"'
    '+(anchor?"#"+anchor:"")</script>\n'
    '    <meta http-equiv="refresh" content="0; url=../../new/page/">\n</head>\n<body>\n'
    'You\'re being redirected to a <a href="../../new/page/">new destination</a>.\n</body>\n</html>'
)
SPHINX = (
    f'<html><head><noscript><meta http-equiv="refresh" content="0; url={NEW}" /></noscript>'
    f'<script>var target = "{NEW}";if (window.location.hash) {{window.location.replace(target + '
    "window.location.hash);} else {window.location.replace(target);}</script></head></html>"
)
HAND_WRITTEN = (
    "<HTML><HEAD><TITLE>This page has moved</TITLE>"
    "<META HTTP-EQUIV='Refresh' CONTENT='3;URL=\"/new/page/\"'></HEAD>"
    "<BODY><P>This page has moved to <A HREF='/new/page/'>a new address</A>.</BODY></HTML>"
)
SCRIPT_ONLY = (
    f'<html><head><title>Moved</title><script>window.location.replace("{NEW}");</script></head>'
    f'<body><noscript><a href="{NEW}">Continue to the new page</a></noscript></body></html>'
)


@pytest.mark.parametrize(
    ("body", "via"),
    [
        (JEKYLL, Via.META_REFRESH),
        (HUGO, Via.META_REFRESH),
        (MKDOCS, Via.META_REFRESH),
        (SPHINX, Via.META_REFRESH),
        (HAND_WRITTEN, Via.META_REFRESH),
        (SCRIPT_ONLY, Via.SCRIPT),
        (SCRIPT_ONLY.replace('window.location.replace("' + NEW + '");',
                             "location.href = '/new/page/'"), Via.SCRIPT),
        (SCRIPT_ONLY.replace("window.location.replace", "document.location.assign"), Via.SCRIPT),
    ],
    ids=["jekyll", "hugo", "mkdocs", "sphinx", "hand-written", "script", "script-href",
         "script-assign"],
)
def test_redirect_pages_are_read(body: str, via: Via) -> None:
    found = client_redirect(URL, body.encode())
    assert found is not None
    assert (found.via, found.target) == (via, NEW)


def page(head: str = "", body: str = "<p>An article.</p>") -> str:
    return f"<html><head><title>Docs</title>{head}</head><body>{body}</body></html>"


@pytest.mark.parametrize(
    "body",
    [
        page('<meta http-equiv="refresh" content="30; url=/new/page/">'),  # delayed: no move
        page('<meta http-equiv="refresh" content="300">'),  # a page that reloads itself
        page(f'<meta http-equiv="refresh" content="0; url={URL}">'),  # itself again
        page(f'<meta http-equiv="refresh" content="0; url={URL}?reloaded=1">'),  # still itself
        page('<meta http-equiv="refresh" content="0; url=javascript:alert(1)">'),
        page('<meta http-equiv="refresh" content="0; url=mailto:a@example.org">'),
        page('<meta name="refresh" content="0; url=/new/page/">'),  # not http-equiv
        page('<!-- <meta http-equiv="refresh" content="0; url=/new/page/"> -->'),
        page("<script>var s = '<meta http-equiv=\"refresh\" content=\"0; url=/x\">';</script>"),
        # A single-page app sends readers without JavaScript to a fallback page: not a move.
        page('<script src="/app.js"></script><noscript><meta http-equiv="refresh" '
             'content="0; url=/no-javascript.html"></noscript>', '<div id="root"></div>'),
        page("An article that explains meta refresh: content=\"0; url=/x\" http-equiv=refresh"),
    ],
    ids=["delayed", "reload", "self", "self-query", "javascript", "mailto", "name", "comment", "in-script",
         "spa-noscript", "text"],
)
def test_what_is_no_meta_refresh_move(body: str) -> None:
    assert client_redirect(URL, body.encode()) is None


NOSCRIPT_LINK = f'<noscript><a href="{NEW}">Continue</a></noscript>'


@pytest.mark.parametrize(
    "body",
    [
        page(f'<script>location.replace("{NEW}")</script>'),  # no <noscript> link
        page(f'<script>location.replace("{NEW}")</script>',
             '<noscript><a href="/elsewhere">Continue</a></noscript>'),  # a different link
        page(f'<script>if (!document.cookie) location.replace("{NEW}")</script>', NOSCRIPT_LINK),
        page(f'<script>location.replace("{NEW}" + location.hash)</script>', NOSCRIPT_LINK),
        page('<script>location.replace(target)</script>', NOSCRIPT_LINK),
        page(f'<script>setTimeout(function () {{ location.href = "{NEW}"; }}, 0)</script>',
             NOSCRIPT_LINK),
        page(f'<script src="/a.js"></script><script>location.href = "{NEW}"</script>',
             NOSCRIPT_LINK),  # another script could do anything
        page(f'<script>location.href = "{NEW}"</script>',
             NOSCRIPT_LINK + "<p>" + "A real article with a script redirect. " * 20 + "</p>"),
    ],
    ids=["no-noscript", "other-link", "conditional", "computed", "variable", "delayed",
         "other-script", "long-page"],
)
def test_what_is_no_script_redirect(body: str) -> None:
    assert client_redirect(URL, body.encode()) is None



REFRESH_WORDS = '<meta http-equiv="refresh">'
HOSTILE = [
    REFRESH_WORDS + "<noscript>" * 3_000,
    REFRESH_WORDS + "<noscript " * 3_000,
    REFRESH_WORDS + "<script " * 3_500,
    REFRESH_WORDS + "<meta " * 5_000,
    REFRESH_WORDS + "<!--" * 8_000,
    REFRESH_WORDS + '<meta http-equiv="' * 1_500,
    '<script>location.href="/x"</script><noscript>' + '<a href="' * 400,
]


@pytest.mark.parametrize("body", HOSTILE, ids=[body[27:40] for body in HOSTILE])
def test_hostile_pages_are_read_without_blowing_up(body: str) -> None:
    # A pattern retried from every unclosed tag to the end of the head would make each of
    # these take seconds (quadratic); read linearly, it takes about a millisecond.
    assert client_redirect(URL, body.encode()) is None
