"""App shells, pure: which pages could be one, what their fingerprint ignores, and how the
classifier judges a page against its host's made-up path."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.check.app_shell import ShellEvidence, could_be_shell, fingerprint, probe_url
from bot.check.classify import classify
from bot.check.observation import Observation
from bot.model import Hop, Status

URL = "https://app.example.org/docs/removed"
PROBE = "https://app.example.org/roadmap-bot-probe-0a1b2c3d4e5f"
LIVE = "https://app.example.org/docs/intro"


def shell(nonce: str = "r4nd0mN0nc3Value1234", stamp: str = "2026-12-04T01:00:00Z",
          title: str = "Acme", echo: str = "") -> str:
    return (f'<!doctype html><html><head><title>{title}</title><meta name="csrf-token" '
            f'content="9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08">'
            f'<script nonce="{nonce}" src="/assets/index-4f2a9c.js"></script></head><body>'
            f'<div id="root" data-path="{echo}"></div><script>window.__T="{stamp}"</script>'
            "</body></html>")


def obs(body: str, url: str = URL, status: int = 200, hops: tuple[Hop, ...] = ()) -> Observation:
    return Observation(url=url, final_url=url, final_status=status, hops=hops,
                       final_headers={"content-type": "text/html"}, body=body.encode(),
                       attempts=1)


def test_fingerprints_ignore_per_request_noise_and_the_echoed_path() -> None:
    one = fingerprint(shell(), URL)
    assert one == fingerprint(shell(nonce="An0th3rN0nc3Value987", stamp="2026-12-04T01:00:07Z"),
                              URL)
    assert one == fingerprint(shell(echo="/docs/removed"), URL) == fingerprint(
        shell(echo="/roadmap-bot-probe-0a1b2c3d4e5f"), PROBE)
    assert one != fingerprint(shell(title="Acme docs: Intro"), URL)


@pytest.mark.parametrize(
    ("visible", "head", "could"),
    [
        ("Acme", '<title>Acme</title><script src="/a.js">', True),
        ("Acme", "<title>Acme</title>", False),  # no script: a short page, no app
        ("x" * 301, "<script>", False),  # something to read: rendered by the server
        (None, "<script>", False),  # too long to be a stub at all
    ],
)
def test_only_short_scripted_pages_could_be_shells(visible: str | None, head: str,
                                                   could: bool) -> None:
    assert could_be_shell(visible, head) is could


def test_the_probe_is_a_made_up_path_at_the_root_of_the_same_origin() -> None:
    assert probe_url("https://App.Example.org:8443/a/b?c=d", "abc") == (
        "https://app.example.org:8443/roadmap-bot-probe-abc")


def test_a_page_that_could_be_a_shell_asks_for_a_probe() -> None:
    verdict = classify(obs(shell()))
    assert (verdict.status, verdict.shell_print) == (Status.OK, fingerprint(shell(), URL))
    article = "<title>Intro</title><script src=/a.js></script><p>" + "Words. " * 100 + "</p>"
    assert classify(obs(article)).shell_print is None
    assert classify(obs("<title>Page not found</title><script></script>")).shell_print is None


def evidence(probe_body: str | None, differing: str | None) -> ShellEvidence:
    probe_print = None if probe_body is None else fingerprint(probe_body, PROBE)
    return ShellEvidence(PROBE, 200 if probe_body else 404, probe_print, differing)


@pytest.mark.parametrize(
    ("page", "shell_evidence", "status", "reason", "rule"),
    [
        (shell(), evidence(shell(nonce="OtherNonceValue12345"), LIVE), Status.BROKEN,
         "soft_404", "soft-404:app-shell"),
        (shell(), evidence(shell(), None), Status.BLOCKED, "client_rendered",
         "app-shell:client-rendered"),
        (shell(), evidence(None, LIVE), Status.OK, "http_200", "status-table:200"),  # real 404s
        (shell(title="Acme | Pricing"), evidence(shell(), LIVE), Status.OK, "http_200",
         "status-table:200"),  # its own page
    ],
    ids=["dead", "cannot-tell", "probe-404", "different"],
)
def test_a_page_is_judged_against_its_hosts_made_up_path(
    page: str, shell_evidence: ShellEvidence, status: Status, reason: str, rule: str
) -> None:
    verdict = classify(obs(page), shell=shell_evidence)
    assert (verdict.status, verdict.reason, verdict.rule) == (status, reason, rule)
    assert verdict.shell_print is None  # asked and answered


def test_the_evidence_is_in_the_detail() -> None:
    verdict = classify(obs(shell()), shell=evidence(shell(), LIVE))
    assert PROBE in verdict.detail and LIVE in verdict.detail
    assert "indistinguishable from the made-up path" in verdict.detail


def test_a_permanent_redirect_to_a_shell_is_judged_on_the_shell() -> None:
    old = "https://app.example.org/old"
    moved = replace(obs(shell(), hops=(Hop(old, 301),)), url=old)
    assert classify(moved).status is Status.REDIRECTED and classify(moved).shell_print
    assert classify(moved, shell=evidence(shell(), LIVE)).reason == "soft_404"
