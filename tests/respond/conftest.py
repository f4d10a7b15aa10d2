"""Fixtures: the nights' world (simulated web, fake GitHub, checkout), reused for commands."""

from tests.curate.conftest import fake, github, world

__all__ = ["fake", "github", "world"]
