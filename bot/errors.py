"""The project's one exception tree; adapters translate library exceptions into it.

    BotError                    anything the run cannot go on from
    ├── InputError              bad user input: a file, a line, a problem (CLI exit 2)
    │   └── ConfigError         a bad config file or setting
    ├── NotAvailableError       a subcommand or feature that is not built yet (exit 2)
    └── GitHubError             the GitHub API failed after bounded retries

A broken link is never an exception: it is a `LinkResult` with a verdict.
"""

from __future__ import annotations


class BotError(Exception):
    """Base of every error the bot raises on purpose."""


class InputError(BotError):
    """Bad input, located where possible as ``file:line:column: message``."""

    def __init__(
        self,
        message: str,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        super().__init__(self.located())

    def located(self) -> str:
        where = [str(part) for part in (self.file, self.line, self.column) if part is not None]
        return ":".join([*where, f" {self.message}"]) if where else self.message


class ConfigError(InputError):
    """A bad configuration file or value."""


class NotAvailableError(BotError):
    """A feature that later work will fill; said plainly instead of pretending."""


class GitHubError(BotError):
    """The GitHub API could not be used (after bounded retries)."""
