"""Which links a pull request added or changed: table-driven, on literal roadmap texts."""

from __future__ import annotations

import pytest

from bot.errors import InputError
from bot.extract import Occurrence
from bot.model import Source
from bot.prcheck import links_changed, select

BASE = """\
title: T
sections:
  - number: "1"
    title: One
    items:
      - resources:
          - id: a
            title: A
            kind: course
            url: https://a.example/
          - id: b
            title: B
            kind: book
            url: https://b.example/x
          - id: c
            title: C
            kind: book
"""


@pytest.mark.parametrize(
    ("new", "expected"),
    [
        (BASE, []),
        (BASE.replace("https://b.example/x", "https://b.example/y"), ["https://b.example/y"]),
        (BASE + "            url: https://c.example/\n", ["https://c.example/"]),
        # A moved (re-ordered) link is not new.
        (BASE.replace("https://a.example/", "TMP").replace("https://b.example/x",
                                                           "https://a.example/")
         .replace("TMP", "https://b.example/x"), []),
        # Removing a link leaves nothing to check.
        (BASE.replace("            url: https://b.example/x\n", ""), []),
        # Whitespace around a URL is not a change.
        (BASE.replace("url: https://a.example/", "url: 'https://a.example/ '"), []),
    ],
    ids=["same", "edited", "added", "moved", "removed", "whitespace"],
)
def test_links_changed(new: str, expected: list[str]) -> None:
    assert links_changed(BASE, new) == expected


@pytest.mark.parametrize("old", ["", "   \n", "title: [unclosed\n", "- just a list\n"],
                         ids=["absent", "blank", "malformed", "other-shape"])
def test_without_a_usable_base_every_head_link_is_new(old: str) -> None:
    assert links_changed(old, BASE) == ["https://a.example/", "https://b.example/x"]


def test_repeated_new_url_listed_once() -> None:
    twice = BASE.replace("https://b.example/x", "https://n.example/").replace(
        "https://a.example/", "https://n.example/")
    assert links_changed(BASE, twice) == ["https://n.example/"]


def test_malformed_head_is_a_located_error() -> None:
    with pytest.raises(InputError) as caught:
        links_changed(BASE, "title: T\nsections: [\n")
    assert caught.value.line is not None


def test_select_keeps_every_occurrence_of_the_changed_urls() -> None:
    found = [Occurrence("https://a.example/", Source("roadmap.yaml", 3)),
             Occurrence("https://b.example/", Source("roadmap.yaml", 5)),
             Occurrence("https://a.example/", Source("roadmap.yaml", 9))]
    links = select(found, ["https://a.example/"])
    assert [(link.url, [s.line for s in link.sources]) for link in links] == [
        ("https://a.example/", [3, 9])]
