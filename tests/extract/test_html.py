"""HTML extraction: link-bearing attributes with their lines, relative links and <base>."""

from __future__ import annotations

from bot.extract.html import extract_html

PAGE = """\
<!doctype html>
<html><head>
<link rel="stylesheet" href="https://cdn.example/s.css">
<script src="https://cdn.example/a.js"></script>
<script>var u = "https://in-script.example/";</script>
<!-- <a href="https://commented.example/">x</a> -->
</head><body>
<a href="https://a.example/x?a=1&amp;b=2">one</a> <a href='https://b.example/'>two</a>
<img
   alt="multi-line tag"
   src="https://img.example/i.png">
<iframe src="https://frame.example/"></iframe>
<a href="#top">anchor</a> <a href="relative/page.html">rel</a> <a href="mailto:x@y.example">m</a>
<a>no href</a> <a href="">empty</a> <img src="data:image/png;base64,AAAA">
<video src="https://v.example/v.mp4" poster="https://v.example/p.jpg"></video>
<A HREF="https://upper.example/">upper</A>
</body></html>
"""


def test_links_with_lines() -> None:
    found = [(o.source.line, o.url) for o in extract_html(PAGE, "p.html")]
    assert found == [
        (3, "https://cdn.example/s.css"),
        (4, "https://cdn.example/a.js"),
        (8, "https://a.example/x?a=1&b=2"),
        (8, "https://b.example/"),
        (11, "https://img.example/i.png"),
        (12, "https://frame.example/"),
        (13, "mailto:x@y.example"),
        (15, "https://v.example/v.mp4"),
        (15, "https://v.example/p.jpg"),
        (16, "https://upper.example/"),
    ]


def test_base_href_resolves_relative_links() -> None:
    page = '<base href="https://site.example/docs/">\n<a href="page.html">p</a>\n<a href="/x">x</a>'
    assert [o.url for o in extract_html(page, "p.html")] == [
        "https://site.example/docs/page.html",
        "https://site.example/x",
    ]


def test_explicit_base_and_line_offset() -> None:
    found = extract_html('<a href="a">a</a>', "f.md", base="https://s.example/", line_offset=9)
    assert [(o.source.line, o.url) for o in found] == [(10, "https://s.example/a")]


def test_malformed_markup_does_not_stop_extraction() -> None:
    page = '<a href="https://one.example/"<b><<<a href=https://two.example/>x</a><!x <p'
    assert [o.url for o in extract_html(page, "p.html")] == [
        "https://one.example/",
        "https://two.example/",
    ]


def test_connection_hints_are_not_links() -> None:
    page = ('<link rel="preconnect" href="https://fonts.gstatic.example">\n'
            '<link rel="DNS-Prefetch" href="//cdn.example">\n'
            '<link rel="stylesheet preload" href="https://fonts.example/css">')
    assert [o.url for o in extract_html(page, "p.html")] == ["https://fonts.example/css"]
