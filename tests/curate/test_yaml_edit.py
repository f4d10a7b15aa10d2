"""roadmap.yaml edits touch only the changed url values: one fix, one changed line."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from bot.curate.yaml_edit import edit_urls
from bot.errors import InputError

ROADMAP = Path(__file__).resolve().parents[2] / "roadmap.yaml"

SAMPLE = """\
# a comment that must stay
title: T   # trailing comment
sections:
  - number: "1"
    items:
      - resources:
          - id: a
            url: https://old.test/a   # keep me
          - id: b
            url: 'https://old.test/b'
          - id: c
            url: "https://old.test/c"
          - id: d
            url: https://old.test/a
"""


def changed_lines(before: str, after: str) -> list[str]:
    return [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(),
                                                  lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("https://old.test/b", "https://new.test/b", "            url: 'https://new.test/b'"),
        ("https://old.test/c", "https://new.test/c", '            url: "https://new.test/c"'),
        ("https://old.test/b", "https://new.test/it's", "            url: 'https://new.test/it''s'"),
    ],
)
def test_quoting_style_is_kept(old: str, new: str, expected: str) -> None:
    after = edit_urls(SAMPLE, {old: new})
    assert changed_lines(SAMPLE, after) == [f"-{line}" for line in SAMPLE.splitlines()
                                            if old in line] + [f"+{expected}"]


def test_plain_value_keeps_its_comment_and_every_occurrence_changes() -> None:
    after = edit_urls(SAMPLE, {"https://old.test/a": "https://new.test/a"})
    assert "            url: https://new.test/a   # keep me\n" in after
    assert after.count("https://new.test/a") == 2
    assert after.startswith("# a comment that must stay\ntitle: T   # trailing comment\n")


def test_a_value_that_needs_quotes_gets_them() -> None:
    after = edit_urls(SAMPLE, {"https://old.test/a": "https://new.test/a #x"})
    assert 'url: "https://new.test/a #x"   # keep me' in after


def test_one_fix_in_the_real_roadmap_is_a_one_line_diff() -> None:
    text = ROADMAP.read_text(encoding="utf-8")
    old = ("https://www.amazon.com/stores/Eric-Matthes/author/B01DPU378I?ref=ap_rdr&store_ref="
           "ap_rdr&isDramIntegrated=true&shoppingPortalEnabled=true")
    after = edit_urls(text, {old: "https://www.amazon.com/stores/Eric-Matthes/author/B01DPU378I"})
    diff = changed_lines(text, after)
    assert len(diff) == 2 and diff[0].startswith("-") and diff[1].startswith("+")


def test_unknown_url_changes_nothing() -> None:
    assert edit_urls(SAMPLE, {"https://absent.test/": "https://x.test/"}) == SAMPLE


def test_multiline_scalar_is_refused_with_a_location() -> None:
    text = 'items:\n  - id: a\n    url: "https://a.test/\n      b"\n'
    with pytest.raises(InputError) as info:
        edit_urls(text, {"https://a.test/ b": "https://b.test/"})
    assert info.value.line == 3
