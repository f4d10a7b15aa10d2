"""Plain-text extraction: whole-line URLs and bare URLs trimmed like GFM autolinks."""

from __future__ import annotations

import pytest

from bot.extract.text import bare_urls, extract_text, trim_bare_url


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://a.example/x.", "https://a.example/x"),
        ("https://a.example/x?!", "https://a.example/x"),
        ("https://a.example/(x)", "https://a.example/(x)"),
        ("https://a.example/x)", "https://a.example/x"),
        ("https://a.example/x).", "https://a.example/x"),
        ("https://a.example/?a=1&amp;", "https://a.example/?a=1"),
        ("https://a.example/?a=1&b", "https://a.example/?a=1&b"),
    ],
)
def test_trim_bare_url(raw: str, expected: str) -> None:
    assert trim_bare_url(raw) == expected


def test_bare_urls_in_prose() -> None:
    text = 'See "https://q.example/a", <https://angle.example/> and http:// nothing (https://p.example).'
    assert bare_urls(text) == ["https://q.example/a", "https://angle.example/", "https://p.example"]


def test_extract_text_lines() -> None:
    text = "https://one.example/a b\n\n# comment https://no.example/\nmailto:x@y.example\n" \
           "ftp://files.example/f\nread https://two.example/x, then https://three.example/.\n"
    found = [(o.source.line, o.url) for o in extract_text(text, "<stdin>")]
    assert found == [
        (1, "https://one.example/a"),
        (4, "mailto:x@y.example"),
        (5, "ftp://files.example/f"),
        (6, "https://two.example/x"),
        (6, "https://three.example/"),
    ]


def test_a_line_that_is_one_url_is_kept_exactly() -> None:
    found = extract_text("  https://exact.example/a.\n", "list.txt")
    assert [o.url for o in found] == ["https://exact.example/a."]
