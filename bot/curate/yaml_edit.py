"""Editing roadmap.yaml's URLs so the diff touches only the changed values.

ruamel.yaml's round-trip loader finds each `url:` value and its exact position; the new
value is spliced into the original text in the same quoting style. Dumping the whole tree
would re-wrap long lines and re-indent; splicing keeps comments, order, quoting and line
lengths, and a reparse proves that nothing but the intended values changed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from bot.errors import InputError

_PLAIN_UNSAFE = (": ", " #", "\t", "\n")


def _load(text: str) -> Any:
    return YAML(typ="rt").load(text)


def _url_positions(node: Any) -> Iterator[tuple[str, int, int]]:
    """(value, 0-based line, column) of every `url:` scalar in the tree."""
    if isinstance(node, CommentedMap):
        if isinstance(node.get("url"), str):
            line, column = node.lc.value("url")
            yield node["url"], line, column
        for value in node.values():
            yield from _url_positions(value)
    elif isinstance(node, CommentedSeq):
        for value in node:
            yield from _url_positions(value)


def _token_end(line: str, start: int) -> int:
    """Where the scalar that starts at `start` ends (exclusive)."""
    quote = line[start]
    if quote == "'":
        i = start + 1
        while i < len(line):
            if line[i] == "'" and line[i + 1 : i + 2] == "'":
                i += 2
            elif line[i] == "'":
                return i + 1
            else:
                i += 1
        raise ValueError("multi-line quoted scalar")
    if quote == '"':
        i = start + 1
        while i < len(line):
            if line[i] == "\\":
                i += 2
            elif line[i] == '"':
                return i + 1
            else:
                i += 1
        raise ValueError("multi-line quoted scalar")
    comment = line.find(" #", start)
    end = comment if comment >= 0 else len(line)
    return len(line[:end].rstrip())


def _render(value: str, style: str) -> str:
    if style == "'":
        return "'" + value.replace("'", "''") + "'"
    if style == '"' or any(bad in value for bad in _PLAIN_UNSAFE) or value.endswith(":"):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid YAML one
    return value


def _replace_urls(data: Any, changes: Mapping[str, str]) -> Any:
    if isinstance(data, dict):
        return {
            k: (
                changes.get(v, v)
                if k == "url" and isinstance(v, str)
                else _replace_urls(v, changes)
            )
            for k, v in data.items()
        }
    if isinstance(data, list):
        return [_replace_urls(v, changes) for v in data]
    return data


def _plain(node: Any) -> Any:
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    return node


def edit_urls(text: str, changes: Mapping[str, str], path: str = "roadmap.yaml") -> str:
    """`text` with every `url:` value that is a key of `changes` replaced by its value."""
    tree = _load(text)
    lines = text.splitlines(keepends=True)
    for value, number, column in _url_positions(tree):
        if value not in changes:
            continue
        line = lines[number]
        try:
            end = _token_end(line, column)
        except ValueError as exc:
            raise InputError(
                f"cannot edit this url value: {exc}", path, number + 1, column + 1
            ) from exc
        style = line[column] if line[column] in "'\"" else ""
        lines[number] = line[:column] + _render(changes[value], style) + line[end:]
    edited = "".join(lines)
    if _plain(_load(edited)) != _replace_urls(_plain(tree), changes):
        raise InputError("editing the urls changed more than the urls (refusing)", path)
    return edited
