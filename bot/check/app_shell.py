"""App shells, pure: whether a page could be a single-page app's shell, its fingerprint, and
what a made-up path on its host showed (the probe), as the classifier's input.

A host with a catch-all answers every unknown path with 200 and the same shell: the site's
name, an empty root element, scripts. A removed page then looks exactly like a path that never
existed. The engine asks such a host once per run for a made-up path and hands the answer to
the classifier, which compares fingerprints: a page indistinguishable from the made-up path is
dead when other pages of the host differ, and cannot be judged when none does.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from urllib.parse import unquote

from bot.check.observation import Observation
from bot.urls import split_normal

# An app shell shows its title and perhaps "Loading…"; a page with more to read was rendered
# by the server and is judged on what it says.
SHELL_TEXT_CHARS = 300
PROBE_PREFIX = "/roadmap-bot-probe-"

# Per-request noise two answers of one shell may differ by: nonces, CSRF tokens, build and
# request ids (long runs of token characters), timestamps and counters (digits).
_TOKEN = re.compile(r"[A-Za-z0-9+/_=-]{16,}")
_DIGITS = re.compile(r"\d+")


_SCRIPT = re.compile("<script", re.IGNORECASE | re.ASCII)


def could_be_shell(visible: str | None, head: str) -> bool:
    """True for a page that shows next to nothing and loads scripts: only such a page can be
    an app shell, so only its host is ever probed."""
    return visible is not None and len(visible) <= SHELL_TEXT_CHARS and bool(_SCRIPT.search(head))


def fingerprint(text: str, url: str) -> str:
    """What two answers of one shell have in common, hashed: the page with its own path (some
    shells echo it), tokens and digits masked, spaces collapsed."""
    path = split_normal(url)[2]
    for echo in sorted({path, unquote(path), path.rstrip("/")}, key=len, reverse=True):
        if len(echo) > 1:
            text = text.replace(echo, "")
    text = _DIGITS.sub("0", _TOKEN.sub("~", text))
    return hashlib.blake2b(" ".join(text.split()).encode("utf-8", "replace"),
                           digest_size=8).hexdigest()


def origin_of(url: str) -> str:
    """``scheme://host[:port]``: what one probe stands for."""
    scheme, host, _, _ = split_normal(url)
    return f"{scheme}://{host}"


def probe_url(url: str, token: str) -> str:
    """The made-up path probed on `url`'s host (the token is fresh each run)."""
    return f"{origin_of(url)}{PROBE_PREFIX}{token}"


@dataclass(frozen=True, slots=True)
class ShellEvidence:
    """What the classifier is told about a page's host: what its made-up path answered
    (`probe_print` is None when that was no app shell: a real 404, an error, a page with
    content), and a page of the host seen in this run that differs from it, if any."""

    probe_url: str
    probe_status: int | None
    probe_print: str | None
    differing_page: str | None = None


@dataclass(frozen=True, slots=True)
class ShellComparison:
    """For `explain`: the probe as it went, and the page's fingerprint it was compared with."""

    probe: Observation
    page_print: str
    evidence: ShellEvidence
