"""roadmap-bot: keeps the MLOps Roadmap's links alive and its resources fresh."""

__version__ = "0.1.0"
