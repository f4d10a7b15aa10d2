"""The explain text: requests, headers that mattered, the chain and the deciding rule."""

from __future__ import annotations

from bot.check.classify import classify
from bot.check.explain_text import explain_lines, shown_headers, verdict_line
from bot.check.observation import Exchange, Failure, Observation, Verdict
from bot.model import Hop, Status, Via

OLD, NEW = "https://example.org/old", "https://example.org/new"


def test_redirect_to_404_is_explained_step_by_step() -> None:
    observation = Observation(
        url=OLD,
        exchanges=(
            Exchange("GET", OLD, 301, {"Location": "/new", "Server": "nginx", "X-Other": "no"}, 12),
            Exchange("GET", NEW, 404, {"Content-Type": "text/html"}, 30),
        ),
        hops=(Hop(OLD, 301),),
        final_url=NEW,
        final_status=404,
        attempts=1,
        elapsed_ms=42,
    )
    assert explain_lines(observation, classify(observation)) == [
        f"url: {OLD}",
        f"GET {OLD} -> 301 in 12 ms",
        "    location: /new",
        "    server: nginx",
        f"GET {NEW} -> 404 in 30 ms",
        "    content-type: text/html",
        f"redirects: {OLD} (301) -> {NEW}",
        f"final: {NEW} HTTP 404 after 1 attempt(s), 42 ms",
        "verdict: broken (redirect_to_404) — decided by rule status-table:redirect-to-404: "
        f"the redirect chain ends in HTTP 404 at {NEW}",
    ]


def test_a_page_that_redirects_by_itself_is_named_in_the_chain() -> None:
    observation = Observation(
        url=OLD, exchanges=(Exchange("GET", OLD, 200), Exchange("GET", NEW, 200)),
        hops=(Hop(OLD, 200, Via.META_REFRESH),), final_url=NEW, final_status=200,
        final_headers={"content-type": "text/html"}, body=b"<title>New</title>" + b"x" * 3000,
        attempts=1,
    )
    lines = explain_lines(observation, classify(observation))
    assert f"redirects: {OLD} (200 meta refresh) -> {NEW}" in lines
    assert lines[-1] == ("verdict: redirected (permanent_redirect) — decided by rule "
                         f"redirect:meta-refresh: the page sends every reader to {NEW} "
                         "(an immediate meta refresh)")


def test_failures_and_retries_are_listed() -> None:
    observation = Observation(
        url=OLD,
        exchanges=(
            Exchange("GET", OLD, 503, {"Retry-After": "2"}, 5, detail="retry after 2.0 s"),
            Exchange("GET", OLD, None, {}, 1000, Failure.TIMEOUT, "no first byte in 1.0 s"),
        ),
        failure=Failure.TIMEOUT,
        attempts=2,
        elapsed_ms=3005,
    )
    lines = explain_lines(observation, classify(observation))
    assert lines[1:4] == [
        f"GET {OLD} -> 503 in 5 ms (retry after 2.0 s)",
        "    retry-after: 2",
        f"GET {OLD} -> failed: timeout in 1000 ms (no first byte in 1.0 s)",
    ]
    assert lines[-2] == f"final: {OLD} no answer (timeout) after 2 attempt(s), 3005 ms"
    assert lines[-1].startswith("verdict: error (timeout) — decided by rule failure:timeout")


def test_cookie_values_are_hidden_and_page_text_is_defanged() -> None:
    headers = {"Set-Cookie": "datadome=SECRETVALUE; Path=/", "Server": "x\x1b[31mred" + "a" * 300}
    shown = dict(shown_headers(headers))
    assert shown["set-cookie"] == "datadome=…"
    assert "\x1b" not in shown["server"] and len(shown["server"]) == 160


def test_verdict_line_and_empty_observation() -> None:
    verdict = Verdict(Status.BLOCKED, "bot_protection", "signature:cloudflare-mitigated", "why")
    assert verdict_line(verdict) == (
        "verdict: blocked (bot_protection) — decided by rule signature:cloudflare-mitigated: why"
    )
    lines = explain_lines(Observation(url=OLD), verdict)
    assert "no request was made" in lines
