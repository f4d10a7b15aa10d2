"""Loading roadmap.yaml: YAML with line numbers, schema checks, and located errors."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from bot import yamltree
from bot.errors import InputError
from bot.roadmap.schema import Roadmap, placements

# roadmap.yaml arrives in pull requests from anyone: bound what one file may cost to load.
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_FLOW_DEPTH = 64  # the YAML parser recurses per level: refuse before it does


class RoadmapError(InputError):
    """roadmap.yaml is invalid; `problems` has one located error per problem found."""

    def __init__(self, problems: Sequence[InputError]) -> None:
        self.problems = tuple(problems)
        first = self.problems[0]
        more = f" (and {len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        super().__init__(first.message + more, first.file, first.line, first.column)


@dataclass(frozen=True, slots=True)
class RoadmapDocument:
    """A valid roadmap with the file it came from and each resource's line in it."""

    path: str
    roadmap: Roadmap
    lines: Mapping[str, int]  # resource id -> line of its url (or of the resource)


def read_text(path: str) -> str:
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", path) from exc
    if len(raw) > MAX_FILE_BYTES:
        raise InputError(f"file is larger than {MAX_FILE_BYTES // 1024 // 1024} MiB", path)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError("file is not valid UTF-8", path, line) from exc


def tab_problems(path: str, text: str) -> list[InputError]:
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            problems.append(
                InputError("tab character in indentation (YAML needs spaces)", path, number,
                           indent.index("\t") + 1)
            )
    return problems


def nesting_problems(path: str, text: str) -> list[InputError]:
    """Flow collections ([...], {...}) nested deeper than MAX_FLOW_DEPTH, located."""
    depth, quote = 0, ""
    for number, line in enumerate(text.splitlines(), start=1):
        quote = ""
        for column, char in enumerate(line, start=1):
            if quote:
                quote = "" if char == quote else quote
            elif char in "'\"":
                quote = char
            elif char == "#" and (column == 1 or line[column - 2].isspace()):
                break
            elif char in "[{":
                depth += 1
                if depth > MAX_FLOW_DEPTH:
                    message = f"nesting deeper than {MAX_FLOW_DEPTH} levels"
                    return [InputError(message, path, number, column)]
            elif char in "]}":
                depth = max(depth - 1, 0)
    return []


def parse_yaml(path: str, text: str) -> Any:
    try:
        return yamltree.parse(path, text)
    except InputError as exc:
        raise RoadmapError([exc]) from exc


def alias_problems(path: str, tree: Any) -> list[InputError]:
    """Anchors and aliases are refused: a few aliased lists expand to billions of nodes."""
    problems: list[InputError] = []
    seen: set[int] = set()
    stack = [tree]
    while stack:
        node = stack.pop()
        if not isinstance(node, CommentedMap | CommentedSeq):
            continue
        if id(node) in seen:
            line, column = yamltree.start(node)
            message = "YAML anchors and aliases are not allowed"
            problems.append(InputError(message, path, line, column))
            continue
        seen.add(id(node))
        stack.extend(node.values() if isinstance(node, CommentedMap) else node)
    return problems


def _pydantic_message(error: Mapping[str, Any]) -> str:
    loc = [part for part in error["loc"] if not str(part).startswith("function-")]
    field = next((str(part) for part in reversed(loc) if isinstance(part, str)), "document")
    kind, message = error["type"], error["msg"]
    if kind == "missing":
        return f"missing required field {field!r}"
    if kind == "extra_forbidden":
        return f"unknown field {field!r}"
    if kind == "enum":
        allowed = error.get("ctx", {}).get("expected", "")
        return f"{field}: unknown value {error['input']!r}; expected {allowed}"
    message = message.removeprefix("Value error, ")
    return f"{field}: {message}" if field != "document" else message


def schema_problems(path: str, tree: Any, exc: ValidationError) -> list[InputError]:
    problems = []
    for error in exc.errors():
        loc = [part for part in error["loc"] if not str(part).startswith("function-")]
        line, column = yamltree.locate(tree, loc)
        problems.append(InputError(_pydantic_message(error), path, line, column))
    return problems


def duplicate_id_problems(path: str, tree: Any, roadmap: Roadmap) -> list[InputError]:
    problems: list[InputError] = []
    lines = resource_lines(tree)
    first_line: dict[str, int] = {}
    occurrence: dict[str, int] = {}
    for placement in placements(roadmap):
        rid = placement.resource.id
        index = occurrence[rid] = occurrence.get(rid, -1) + 1
        line = lines[rid][index] if index < len(lines.get(rid, [])) else None
        if rid in first_line:
            message = f"duplicate id {rid!r} (first used on line {first_line[rid]})"
            problems.append(InputError(message, path, line, 1))
        elif line is not None:
            first_line[rid] = line
    return problems


def _numbered_parts(roadmap: Roadmap) -> list[tuple[str, str, list[str | int]]]:
    """(section number, part number, YAML path) for every section and subsection."""
    parts: list[tuple[str, str, list[str | int]]] = []
    for s_index, section in enumerate(roadmap.sections):
        parts.append((section.number, section.number, ["sections", s_index]))
        for i, sub in enumerate(section.subsections):
            parts.append((section.number, sub.number, ["sections", s_index, "subsections", i]))
    return parts


def numbering_problems(path: str, tree: Any, roadmap: Roadmap) -> list[InputError]:
    problems: list[InputError] = []
    seen: set[str] = set()
    for section_number, number, key_path in _numbered_parts(roadmap):
        line, column = yamltree.locate(tree, [*key_path, "number"])
        if number in seen:
            problems.append(InputError(f"duplicate section number {number!r}", path, line, column))
        seen.add(number)
        if number != section_number and not number.startswith(section_number + "."):
            message = f"subsection {number!r} does not belong to section {section_number!r}"
            problems.append(InputError(message, path, line, column))
    return problems


def resource_lines(tree: Any) -> dict[str, list[int]]:
    """Resource id -> the lines of its url (or of the resource itself), in file order."""
    found: dict[str, list[int]] = {}

    def walk(node: Any) -> None:
        if isinstance(node, CommentedMap):
            if "id" in node and "kind" in node and isinstance(node["id"], str):
                key = "url" if "url" in node else "id"
                found.setdefault(node["id"], []).append(node.lc.key(key)[0] + 1)
            for value in node.values():
                walk(value)
        elif isinstance(node, CommentedSeq):
            for value in node:
                walk(value)

    walk(tree)
    return found


def load_roadmap(path: str) -> RoadmapDocument:
    """Parse and validate a roadmap file; raise `RoadmapError` listing every problem found."""
    return load_roadmap_text(path, read_text(path))


def load_roadmap_text(path: str, text: str) -> RoadmapDocument:
    """Parse and validate roadmap text that claims to come from `path`."""
    problems = tab_problems(path, text) or nesting_problems(path, text)
    if problems:
        raise RoadmapError(problems)
    tree = parse_yaml(path, text)
    if not isinstance(tree, CommentedMap):
        raise RoadmapError([InputError("the top level must be a mapping with 'title' and "
                                       "'sections'", path, 1, 1)])
    problems = alias_problems(path, tree)
    if problems:
        raise RoadmapError(problems)
    try:
        roadmap = Roadmap.model_validate(yamltree.plain(tree))
    except ValidationError as exc:
        raise RoadmapError(schema_problems(path, tree, exc)) from exc
    problems = duplicate_id_problems(path, tree, roadmap) + numbering_problems(path, tree, roadmap)
    if problems:
        raise RoadmapError(problems)
    lines = {rid: found[0] for rid, found in resource_lines(tree).items()}
    return RoadmapDocument(path=path, roadmap=roadmap, lines=lines)
