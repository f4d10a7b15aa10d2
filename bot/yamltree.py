"""YAML with line numbers: one parser for roadmap.yaml and the config; located errors."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError

from bot.errors import InputError

Position = tuple[int, int]  # 1-based line and column


def parse(path: str, text: str) -> Any:
    """The round-trip tree of `text` (keeps positions); bad YAML is a located `InputError`."""
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    try:
        return yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        if "duplicate key" in problem:
            problem = _duplicate_key_message(problem)
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        raise InputError(f"YAML error: {problem}", path, line, column) from exc
    except Exception as exc:  # ruamel raises a few unmarked errors (e.g. bad characters)
        raise InputError(f"YAML error: {exc}", path) from exc


def _duplicate_key_message(problem: str) -> str:
    key = problem.split('"')[1] if problem.count('"') >= 2 else problem
    return f"duplicate key {key!r}"


def plain(node: Any) -> Any:
    """ruamel's commented containers and scalar subclasses as plain Python data."""
    if isinstance(node, Mapping):
        return {str(key): plain(value) for key, value in node.items()}
    if isinstance(node, list):
        return [plain(value) for value in node]
    if isinstance(node, bool) or node is None:
        return node
    for kind in (int, float, str):
        if isinstance(node, kind):
            return kind(node)
    return node


def start(node: Any) -> Position:
    """Where a mapping or sequence begins; (1, 1) for anything else."""
    if isinstance(node, CommentedMap | CommentedSeq):
        return node.lc.line + 1, node.lc.col + 1
    return 1, 1


def locate(tree: Any, loc: Sequence[int | str]) -> Position:
    """The line and column of the deepest node on `loc` (e.g. a pydantic error location)."""
    node, position = tree, start(tree)
    for step in loc:
        if isinstance(node, CommentedMap) and step in node:
            line, col = node.lc.key(step)
            position, node = (line + 1, col + 1), node[step]
        elif isinstance(node, CommentedSeq) and isinstance(step, int) and step < len(node):
            line, col = node.lc.item(step)
            position, node = (line + 1, col + 1), node[step]
        else:
            break
    return position
