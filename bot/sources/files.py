"""Input patterns -> the files to read: globs expanded, exclusions dropped, defaults found."""

from __future__ import annotations

import glob
import os
from collections.abc import Sequence
from fnmatch import fnmatchcase

from bot.errors import InputError
from bot.sources.settings import DEFAULT_FILES, SourceSettings

STDIN = "-"
_GLOB_MARKS = frozenset("*?[")


def is_glob(pattern: str) -> bool:
    return any(mark in pattern for mark in _GLOB_MARKS)


def expand(pattern: str, root: str = ".") -> list[str]:
    """The files a pattern names, sorted; a plain path is kept as given (even if missing, so
    reading it later names it in the error), a glob that matches nothing is an error."""
    if pattern == STDIN or not is_glob(pattern):
        return [pattern]
    matches = sorted(os.path.normpath(found)
                     for found in glob.glob(pattern, root_dir=root, recursive=True)
                     if os.path.isfile(os.path.join(root, found)))
    if not matches:
        raise InputError(f"no file matches {pattern!r}", pattern)
    return matches


def excluded(path: str, patterns: Sequence[str]) -> bool:
    normal = path.replace(os.sep, "/")
    return any(fnmatchcase(normal, pattern) for pattern in patterns)


def default_files(root: str = ".") -> tuple[str, ...]:
    """The first default file that exists (roadmap.yaml, else README.md), or roadmap.yaml so
    that the error names the file the contract promises to read."""
    for name in DEFAULT_FILES:
        if os.path.isfile(os.path.join(root, name)):
            return (name,)
    return (DEFAULT_FILES[0],)


def resolve_inputs(given: Sequence[str], settings: SourceSettings, root: str = ".") -> list[str]:
    """The files to read: those given on the command line, else the configured ones, else the
    default; each glob expanded, exclusions dropped, each file once, in order."""
    patterns = list(given) or list(settings.files) or list(default_files(root))
    chosen: list[str] = []
    for pattern in patterns:
        for path in expand(pattern, root):
            if path not in chosen and not (is_glob(pattern) and
                                           excluded(path, settings.exclude_files)):
                chosen.append(path)
    return chosen
