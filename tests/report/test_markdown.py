"""Golden tests for the Markdown report.

Regenerate the golden files after an intended change with
``REGENERATE_GOLDEN=1 .venv/bin/python -m pytest tests/report/test_markdown.py`` and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.model import LinkResult, Report, Source, Status
from bot.report import FORMATS, markdown
from tests.report.samples import GENERATED_AT, small_report

GOLDEN = Path(__file__).parent / "golden"

CASES = {
    "small.md": lambda: small_report(),
    "first_run.md": lambda: small_report(previous=False),
    "inconclusive.md": lambda: small_report(inconclusive=True),
    "empty.md": lambda: Report((), GENERATED_AT, ()),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_golden(name: str) -> None:
    rendered = markdown.render(CASES[name]())
    path = GOLDEN / name
    if os.environ.get("REGENERATE_GOLDEN"):
        path.write_text(rendered, encoding="utf-8")
    assert rendered == path.read_text(encoding="utf-8")


def test_is_registered() -> None:
    assert FORMATS["markdown"] is markdown.render


def test_deterministic_whatever_the_link_order() -> None:
    report = small_report()
    shuffled = Report(report.inputs, report.generated_at, tuple(reversed(report.links)),
                      extra=report.extra)
    assert markdown.render(shuffled) == markdown.render(report)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("plain title", "plain title"),
        ("[click](https://evil.example)", r"\[click\]\(https://evil.example\)"),
        ("<img src=x onerror=alert(1)>", r"\<img src=x onerror=alert\(1\)\>"),
        ("a | b", r"a \| b"),
        ("two\nlines\r\n", "two lines"),
        ("*bold* _it_ `code`", r"\*bold\* \_it\_ \`code\`"),
        ("x" * 500, "x" * (markdown.MAX_TEXT - 1) + "…"),
    ],
)
def test_text_escapes_untrusted_markup(raw: str, expected: str) -> None:
    assert markdown.text(raw) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://a.example/x", "https://a.example/x"),
        ("https://a.example/x) [y](z", "https://a.example/x%29%20[y]%28z"),
        ("https://a.example/<b>", "https://a.example/%3Cb%3E"),
    ],
)
def test_href_cannot_break_out_of_the_link(url: str, expected: str) -> None:
    assert markdown.href(url) == expected


@pytest.mark.parametrize(("now", "before", "expected"),
                         [(3, 1, "+2"), (1, 3, "−2"), (2, 2, "0"), (2, None, ""),
                          (2, True, "")])
def test_trend(now: int, before: object, expected: str) -> None:
    assert markdown.trend(now, before) == expected


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "file:///etc/passwd"])
def test_only_http_urls_become_links(url: str) -> None:
    assert markdown.link("x", url) == f"x (`{url}`)"


def test_hostile_scraped_title_never_appears_raw() -> None:
    assert "<script" not in markdown.render(small_report())


def _many(status: Status, count: int) -> Report:
    links = tuple(LinkResult(f"https://host{i}.example/{'p' * 60}", status, "http_404",
                             sources=(Source("roadmap.yaml", i, f"Resource {i}", None,
                                             f"{i % 9}. Section"),))
                  for i in range(count))
    return Report(("roadmap.yaml",), GENERATED_AT, links)


def test_many_ok_links_are_left_out_to_fit_the_job_summary() -> None:
    text = markdown.render(_many(Status.OK, 10_000))
    assert len(text.encode("utf-8")) <= markdown.SUMMARY_LIMIT
    assert markdown.OMITTED in text and "| 🟢 ok | 10000 |" in text


def test_too_many_findings_are_cut_at_a_line_with_a_note() -> None:
    text = markdown.render(_many(Status.BROKEN, 10_000))
    assert len(text.encode("utf-8")) <= markdown.SUMMARY_LIMIT
    assert text.endswith(markdown.CUT_NOTE + "\n")
    assert text.splitlines()[-3].startswith("- [Resource")  # no half line before the note
