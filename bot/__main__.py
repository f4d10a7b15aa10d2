"""`python -m bot` is the same program as the `roadmap-bot` console script."""

from bot.cli import console

console()
