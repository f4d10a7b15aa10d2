"""Maintainers' comment commands (`/roadmap-bot ...`) on the bot's issues and fixes PR."""
