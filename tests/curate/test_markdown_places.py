"""Curation names a Markdown list's own files: stale findings, the checklist, the PR's note."""

from __future__ import annotations

from bot.curate.issue_text import Context, issue_body
from bot.curate.judge import judge
from bot.curate.model import Finding, FindingKind, Fix, FixKind, Place
from bot.curate.pr_text import pr_body
from bot.curate.settings import CurateSettings
from bot.history.model import History
from tests.curate.helpers import NOW, report

STALE = {"md-0123456789abcdef": {"url": "https://github.com/o/r", "verdict": "stale",
                                 "title": "Repo", "section": "Tools"}}


def test_a_stale_link_of_a_markdown_list_is_placed_in_its_file() -> None:
    judgement = judge(History(), report(), STALE, NOW, CurateSettings(),
                      lines={"md-0123456789abcdef": 7},
                      files={"md-0123456789abcdef": "docs/tools.md"})
    (finding,) = judgement.findings
    assert (finding.place.file, finding.place.line) == ("docs/tools.md", 7)


def test_without_files_a_stale_resource_is_in_the_roadmap() -> None:
    (finding,) = judge(History(), report(), STALE, NOW, CurateSettings()).findings
    assert finding.place.file == "roadmap.yaml"


def test_the_checklist_names_the_file() -> None:
    finding = Finding(FindingKind.BROKEN, "url:x", "https://x.example/",
                      Place("docs/tools.md", 3, "Tools", "X"))
    body = issue_body(finding, CurateSettings(), Context())
    assert "- [ ] Replace the URL in docs/tools.md (see suggestions)" in body


def test_the_pr_says_how_the_files_are_edited() -> None:
    def fix(file: str) -> Fix:
        return Fix("http://x.example/", "https://x.example/", (FixKind.HTTPS,), ("ok",),
                   (Place(file, 3),))
    assert "only the URL bytes change" in pr_body((fix("README.md"),), Context())
    assert "`roadmap.yaml` is edited" in pr_body((fix("roadmap.yaml"),), Context())
