"""The `source:` section of roadmap-bot.yaml: which files are the source of truth."""

from __future__ import annotations

from dataclasses import dataclass

from bot.configfile import read_section

# With nothing configured and no file named on the command line, the first of these that
# exists is read: the roadmap when there is one, else the README of a plain Markdown list.
DEFAULT_FILES = ("roadmap.yaml", "README.md")


@dataclass(frozen=True, slots=True)
class SourceSettings:
    """Paths or globs (``**`` spans directories) of the files to read, and globs to skip."""

    files: tuple[str, ...] = ()
    exclude_files: tuple[str, ...] = ()


def load_source_config(path: str | None) -> SourceSettings:
    """The `source:` section (defaults when absent), errors located in the file."""
    section = read_section(path, "source")
    if not section.given:
        return SourceSettings()
    from bot.sources.settings_schema import SourceModel

    model = section.parsed(SourceModel)
    return SourceSettings(tuple(model.files), tuple(model.exclude_files))
