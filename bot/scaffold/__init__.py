"""What `roadmap-bot init` writes into a repository: example workflows and a commented config.

The texts are templates shipped in the package (`templates/`); filling them in is pure, so
the README's example and the tests see exactly what `init` writes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from importlib.resources import files
from types import MappingProxyType

# The action lives at the root of this repository, so `uses:` names the repository itself.
ACTION_REPOSITORY = "marvelousmlops/mlops_roadmap_2024"
DEFAULT_REF = "main"

# Where each template goes, relative to the repository root.
TARGETS: Mapping[str, str] = MappingProxyType({
    "roadmap-bot.yaml": "roadmap-bot.yaml",
    "roadmap-bot-nightly.yml": ".github/workflows/roadmap-bot-nightly.yml",
    "roadmap-bot-pr.yml": ".github/workflows/roadmap-bot-pr.yml",
})


def template(name: str) -> str:
    return (files("bot.scaffold") / "templates" / name).read_text(encoding="utf-8")


def action_reference(ref: str) -> str:
    """`owner/repo@ref`: the whole action, at a branch, a tag or (safest) a commit SHA."""
    return f"{ACTION_REPOSITORY}@{ref}"


def _quoted(pattern: str) -> str:
    return "'" + pattern.replace("'", "''") + "'"


def fill(text: str, patterns: Sequence[str], ref: str) -> str:
    """A template with the action reference and the file patterns (in the config) put in."""
    return (text.replace("__ACTION__", action_reference(ref))
            .replace("__FILES_YAML__", "\n".join(f"    - {_quoted(p)}" for p in patterns)))


def scaffold(patterns: Sequence[str], ref: str = DEFAULT_REF) -> dict[str, str]:
    """Target path -> text, for every file `init` writes."""
    return {target: fill(template(name), patterns, ref) for name, target in TARGETS.items()}
