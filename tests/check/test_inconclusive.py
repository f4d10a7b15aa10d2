"""Run health: a run where most hosts fail at the network level is inconclusive."""

from __future__ import annotations

import pytest

from bot.check.inconclusive import run_health
from bot.model import LinkResult, Status


def result(url: str, status: Status, reason: str) -> LinkResult:
    return LinkResult(url=url, status=status, reason=reason)


def dns(host: str, path: str = "/") -> LinkResult:
    return result(f"https://{host}{path}", Status.ERROR, "dns_temporary")


def ok(host: str, path: str = "/") -> LinkResult:
    return result(f"https://{host}{path}", Status.OK, "http_200")


CASES = [
    ("all hosts offline", [dns(f"h{i}.example") for i in range(33)], True,
     "33 of 33 hosts failed at the DNS or connection level: the machine is probably offline"),
    ("31 of 33", [dns(f"h{i}.example") for i in range(31)] + [ok("a.example"), ok("b.example")],
     True,
     "31 of 33 hosts failed at the DNS or connection level: the machine is probably offline"),
    ("mixed network reasons", [
        result("https://a.example/", Status.BROKEN, "dns"),
        result("https://b.example/", Status.BROKEN, "connection_refused"),
        result("https://c.example/", Status.ERROR, "timeout"),
        result("https://d.example/", Status.ERROR, "tls"),
        result("https://e.example/", Status.ERROR, "connection_reset"),
    ], True, "5 of 5 hosts failed at the DNS or connection level: the machine is probably offline"),
    ("healthy", [ok(f"h{i}.example") for i in range(10)], False, None),
    ("half is not most", [dns("a.example"), dns("b.example"), ok("c.example"), ok("d.example")],
     False, None),
    ("too few hosts", [dns("a.example"), dns("b.example")], False, None),
    ("many links on one dead host", [dns("dead.example", f"/{i}") for i in range(50)]
     + [ok("a.example"), ok("b.example")], False, None),
    ("a host with one good link is not offline", [
        dns("a.example", "/1"), ok("a.example", "/2"), dns("b.example"), ok("c.example"),
    ], False, None),
    ("http errors are answers", [result(f"https://h{i}.example/", Status.BROKEN, "http_404")
                                 for i in range(5)], False, None),
    ("skipped links do not count", [dns("a.example"), dns("b.example")] + [
        result(f"https://s{i}.example/", Status.SKIPPED, "excluded") for i in range(5)
    ], False, None),
    ("nothing checked", [], False, None),
]


@pytest.mark.parametrize(("name", "results", "inconclusive", "reason"), CASES,
                         ids=[case[0] for case in CASES])
def test_run_health(name: str, results: list[LinkResult], inconclusive: bool,
                    reason: str | None) -> None:
    assert run_health(results) == (inconclusive, reason)


def test_thresholds_are_parameters() -> None:
    results = [dns("a.example"), ok("b.example")]
    assert run_health(results, share=0.4, min_hosts=2)[0] is True
    assert run_health(results, share=0.5, min_hosts=2)[0] is False


def test_unproven_turns_network_broken_into_error_and_keeps_the_rest() -> None:
    from bot.check.inconclusive import unproven

    results = [
        LinkResult("https://a.example/", Status.BROKEN, "dns"),
        LinkResult("https://b.example/", Status.BROKEN, "connection_refused"),
        LinkResult("https://c.example/", Status.BROKEN, "http_404", 404),
        LinkResult("https://d.example/", Status.OK, "http_200", 200),
    ]
    assert [(r.status, r.reason) for r in unproven(results)] == [
        (Status.ERROR, "dns"), (Status.ERROR, "connection_refused"),
        (Status.BROKEN, "http_404"), (Status.OK, "http_200"),
    ]
