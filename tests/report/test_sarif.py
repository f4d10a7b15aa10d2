"""SARIF output: valid against the 2.1.0 schema, one located result per non-ok occurrence."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from bot.model import LinkResult, Report, Source, Status
from bot.report import FORMATS, sarif
from tests.report.samples import GENERATED_AT, roadmap_report, small_report

SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"


@cache
def validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def log_of(report: Report) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(sarif.render(report))
    return data


@pytest.mark.parametrize("make", [small_report, roadmap_report,
                                  lambda: Report((), GENERATED_AT, ())])
def test_valid_against_the_sarif_schema(make: Any) -> None:
    errors = sorted(validator().iter_errors(log_of(make())), key=str)
    assert errors == []


def test_schema_rejects_a_broken_log() -> None:
    # The validation above must be able to fail: a result without a message is invalid.
    log = log_of(small_report())
    del log["runs"][0]["results"][0]["message"]
    assert list(validator().iter_errors(log))


def test_one_result_per_non_ok_occurrence_at_its_line() -> None:
    results = log_of(small_report())["runs"][0]["results"]
    located = [(r["ruleId"], r["level"],
                r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results]
    assert located == [
        ("broken/http_404", "error", "roadmap.yaml", 12),
        ("broken/http_404", "error", "roadmap.yaml", 140),
        ("redirected/permanent_redirect", "warning", "roadmap.yaml", 80),
        ("error/timeout", "note", "roadmap.yaml", 200),
        ("blocked/bot_protection", "note", "roadmap.yaml", 30),
    ]


def test_rules_are_indexed_and_sorted() -> None:
    run = log_of(small_report())["runs"][0]
    ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert ids == sorted(ids)
    for result in run["results"]:
        assert ids[result["ruleIndex"]] == result["ruleId"]


def test_fingerprints_survive_a_line_move() -> None:
    def fingerprint(line: int) -> str:
        moved = Source("roadmap.yaml", line, "Python Crash Course", "pcc", "x")
        link = LinkResult("https://gone.example/book", Status.BROKEN, "http_404",
                          sources=(moved,))
        result = log_of(Report((), GENERATED_AT, (link,)))["runs"][0]["results"][0]
        return str(result["partialFingerprints"][sarif.FINGERPRINT_KEY])

    assert fingerprint(12) == fingerprint(99)


def test_deterministic_and_registered() -> None:
    report = small_report()
    reversed_report = Report(report.inputs, report.generated_at, tuple(reversed(report.links)))
    assert sarif.render(report) == sarif.render(reversed_report)
    assert FORMATS["sarif"] is sarif.render


@pytest.mark.parametrize(("file", "uri"), [("roadmap.yaml", "roadmap.yaml"),
                                          ("docs/my notes.md", "docs/my%20notes.md"),
                                          ("<stdin>", "%3Cstdin%3E")])
def test_artifact_uri_is_a_uri_reference(file: str, uri: str) -> None:
    link = LinkResult("https://a.example/", Status.BROKEN, "http_404",
                      sources=(Source(file, 3),))
    result = log_of(Report((), GENERATED_AT, (link,)))["runs"][0]["results"][0]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == uri


def test_a_second_opinion_is_in_the_message_and_the_properties() -> None:
    log = json.loads(sarif.render(small_report()))
    walled = next(r for r in log["runs"][0]["results"]
                  if r["properties"]["url"] == "https://walled.example/x")
    assert "Second opinion: seen alive by the Internet Archive on 2026-11-02." in (
        walled["message"]["text"])
    assert walled["properties"]["verification"]["verdict"] == "alive"
