"""Curation: verdicts and history become GitHub issues and one fixes pull request."""
