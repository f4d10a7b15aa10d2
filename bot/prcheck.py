"""Pull-request checks: which links a change added or changed (pure; no network).

A link counts as changed when its exact URL text is in the head's roadmap but nowhere in the
base's: an edited URL is a new URL, a moved or re-indented one is not, and a URL that was
already present elsewhere has been checked every night already.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from bot.errors import InputError
from bot.extract import Occurrence
from bot.extract.collect import group
from bot.model import Link
from bot.roadmap.load import parse_yaml

BASE_NAME = "<base>"
HEAD_NAME = "<head>"


def resource_urls(tree: Any) -> list[str]:
    """Every resource URL in a parsed roadmap tree, in file order (repeats kept)."""
    found: list[str] = []
    stack: list[Any] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, CommentedMap):
            url = node.get("url")
            if "id" in node and isinstance(url, str):
                found.append(url.strip())
            stack.extend(reversed(list(node.values())))
        elif isinstance(node, CommentedSeq):
            stack.extend(reversed(list(node)))
    return found


def base_urls(old_text: str) -> frozenset[str]:
    """The base's URLs; an unreadable or absent base has none (so every head link is new)."""
    if not old_text.strip():
        return frozenset()
    try:
        return frozenset(resource_urls(parse_yaml(BASE_NAME, old_text)))
    except InputError:
        return frozenset()


def links_changed(old_text: str, new_text: str) -> list[str]:
    """URLs in `new_text`'s roadmap that `old_text`'s lacks, in the order they appear.

    A malformed head raises the loader's located `RoadmapError`.
    """
    known = base_urls(old_text)
    fresh = [url for url in resource_urls(parse_yaml(HEAD_NAME, new_text)) if url not in known]
    return list(dict.fromkeys(fresh))


def new_links(links: Iterable[Link], known: frozenset[str]) -> list[Link]:
    """The links whose URL the base did not have (any file kind: the check's `--baseline`)."""
    return [link for link in links if link.url not in known]


def select(occurrences: Iterable[Occurrence], urls: Sequence[str]) -> list[Link]:
    """The distinct links to check: the head's occurrences (with lines) of the changed URLs."""
    wanted = set(urls)
    return group([occ for occ in occurrences if occ.url.strip() in wanted])
