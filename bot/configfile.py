"""roadmap-bot.yaml: one reader for every stage's section; each stage validates its own.

The YAML parser (ruamel) and the schemas (pydantic) cost ~80 ms of imports: a run without a
config file, or without a given section, never loads them (see `ConfigSection.node`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeVar

from bot.errors import ConfigError, InputError

if TYPE_CHECKING:
    from pydantic import BaseModel, ValidationError

Schema = TypeVar("Schema", bound="BaseModel")

DEFAULT_CONFIG = "roadmap-bot.yaml"
# The names looked for at the repository root, in this order; a dot-file keeps the root of a
# list repository tidy.
CONFIG_NAMES = (DEFAULT_CONFIG, ".roadmap-bot.yaml")


def discover_config(root: str = ".") -> str | None:
    """The config file at `root` (a path as given, joined to `root`), None when there is none.

    Both names present is an error: which one wins would be a guess.
    """
    found = [name for name in CONFIG_NAMES if os.path.isfile(os.path.join(root, name))]
    if len(found) > 1:
        raise ConfigError(f"both {found[0]} and {found[1]} exist: keep one",
                          os.path.normpath(os.path.join(root, found[1])))
    if not found:
        return None
    return found[0] if root == "." else os.path.join(root, found[0])


def config_path(given: str | None) -> str | None:
    """The config file a command uses: the one named, else the one discovered at the root."""
    if given is not None:
        return given
    return discover_config()


def _nothing() -> Mapping[str, Any]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class ConfigSection:
    """One top-level section (`check:`, `freshness:`, `curate:`), empty when absent."""

    name: str
    path: str | None = None
    # The section's YAML tree (a ruamel CommentedMap, with positions); an empty mapping when
    # the file or the section is absent.
    node: Mapping[str, Any] = field(default_factory=_nothing)

    @property
    def given(self) -> bool:
        """True when the file has this section: without one, every setting is its default."""
        return bool(self.node)

    def plain(self) -> dict[str, Any]:
        if not self.node:
            return {}
        from bot import yamltree

        data: dict[str, Any] = yamltree.plain(self.node)
        return data

    def line_of(self, loc: Sequence[int | str]) -> int | None:
        """The line of a key path inside the section (a validation error's location)."""
        if self.path is None or not self.node:
            return None
        from bot import yamltree

        return yamltree.locate(self.node, loc)[0]

    def error(self, message: str, loc: Sequence[int | str] = ()) -> ConfigError:
        return ConfigError(message, self.path, self.line_of(loc))

    def parsed(self, schema: type[Schema]) -> Schema:
        """The section read by its pydantic `schema`; the first complaint, at its line."""
        from pydantic import ValidationError

        try:
            return schema.model_validate(self.plain())
        except ValidationError as exc:
            raise self.invalid(exc) from exc

    def invalid(self, exc: ValidationError) -> ConfigError:
        """A schema's first complaint, as `name.key: message` at the key's line."""
        error = exc.errors()[0]
        return self.error(first_problem(self.name, exc), error["loc"])


def first_problem(name: str, exc: ValidationError) -> str:
    """`name.key: message` for a schema's first complaint about a section called `name`."""
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error["loc"])
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{name}.{where}: {message}" if where else f"{name}: {message}"


def read_section(path: str | None, name: str) -> ConfigSection:
    """The named section of the config file at `path` (None: no file, defaults)."""
    if path is None:
        return ConfigSection(name)
    from ruamel.yaml.comments import CommentedMap

    from bot import yamltree

    try:
        with open(path, "rb") as handle:
            text = handle.read().decode("utf-8")
        tree = yamltree.parse(path, text)
    except OSError as exc:
        raise ConfigError(f"cannot read config: {exc.strerror}", path) from exc
    except UnicodeDecodeError as exc:
        raise ConfigError("config file is not valid UTF-8", path) from exc
    except InputError as exc:
        raise ConfigError(exc.message, exc.file, exc.line, exc.column) from exc
    if tree is None:
        return ConfigSection(name, path)
    if not isinstance(tree, CommentedMap):
        raise ConfigError("the config file must be a mapping of sections", path, 1, 1)
    section = tree.get(name)
    if section is None:
        return ConfigSection(name, path)
    if not isinstance(section, CommentedMap):
        line, column = tree.lc.key(name)
        raise ConfigError(f"`{name}:` must be a mapping", path, line + 1, column + 1)
    return ConfigSection(name, path, section)
