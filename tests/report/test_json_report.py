"""The contract's JSON report: shape, derived summary and a lossless round trip."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot import pretty_json
from bot.errors import InputError
from bot.model import Hop, LinkResult, Report, Source, Status, Via
from bot.report import json_report
from tests.report.samples import roadmap_report, small_report

AT = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)


def sample() -> Report:
    return Report(
        inputs=("roadmap.yaml",),
        generated_at=AT,
        links=(
            LinkResult("https://example.org/a", Status.OK, "http_200", 200, "https://example.org/a",
                       (Hop("https://example.org/old", 302),), 1, 84, AT,
                       (Source("roadmap.yaml", 12, "Python Crash Course", "pcc", "1.1. Python"),),
                       {"title": "A", "published": "2024-01-05"}),
            LinkResult("https://example.org/b", Status.BROKEN, "http_404", 404, attempts=1),
            LinkResult("https://example.org/c", Status.REDIRECTED, "permanent_redirect", 200,
                       "https://example.org/d", (Hop("https://example.org/c", 200,
                                                     Via.META_REFRESH),), 1),
        ),
        extra={"freshness": {"pcc": {"verdict": "fresh"}}},
    )


def test_report_has_the_contract_keys_and_a_derived_summary() -> None:
    data = json.loads(json_report.render(sample()))
    assert list(data)[:8] == ["schema_version", "tool", "generated_at", "inputs", "inconclusive",
                              "inconclusive_reason", "summary", "links"]
    assert data["generated_at"] == "2026-11-28T03:00:00Z"
    assert data["summary"] == {"total": 3, "ok": 1, "redirected": 1, "broken": 1, "blocked": 0,
                               "error": 0, "skipped": 0,
                               "unverified": 0}
    first = data["links"][0]
    assert first["redirects"] == [{"url": "https://example.org/old", "status": 302}]
    assert first["sources"] == [{"file": "roadmap.yaml", "line": 12, "resource": "Python Crash Course",
                                 "resource_id": "pcc", "section": "1.1. Python"}]
    assert data["links"][1]["checked_at"] is None
    # A page's own redirect says how it was given; HTTP hops keep the contract's two keys.
    assert data["links"][2]["redirects"] == [{"url": "https://example.org/c", "status": 200,
                                              "via": "meta_refresh"}]
    assert data["freshness"] == {"pcc": {"verdict": "fresh"}}


def test_round_trip_is_lossless() -> None:
    text = json_report.render(sample())
    assert json_report.render(json_report.report_from_dict(json.loads(text))) == text


@pytest.mark.parametrize(("content", "message"), [
    ("{not json", "invalid JSON"),
    ('{"links": [{"status": "ok"}]}', "not a roadmap-bot report"),
    ('{"links": [{"url": "u", "status": "fine", "reason": "r"}]}', "not a roadmap-bot report"),
])
def test_bad_report_file_is_a_located_input_error(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "report.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message) as info:
        json_report.load(str(path))
    assert info.value.file == str(path)


def test_report_repr_is_short_whatever_its_size() -> None:
    big = Report(inputs=("a.md",), generated_at=AT,
                 links=tuple(LinkResult(f"https://e.org/{n}", Status.OK, "http_200")
                             for n in range(10_000)))
    assert repr(big) == ("Report(inputs=('a.md',), total=10000, ok=10000, redirected=0, broken=0, "
                         "blocked=0, error=0, skipped=0, unverified=0, inconclusive=False)")


ZONES = st.sampled_from([UTC, timezone(timedelta(hours=5, minutes=30)),
                         timezone(-timedelta(hours=8), "PST")])


@given(st.datetimes(min_value=datetime(2, 1, 1), max_value=datetime(9998, 12, 30),
                    timezones=ZONES))
def test_iso_is_the_utc_strftime(moment: datetime) -> None:
    # Each second is formatted once and remembered: the text must not depend on the rest.
    assert json_report.iso(moment) == moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert json_report.iso(moment.replace(microsecond=999_999)) == json_report.iso(moment)


@pytest.mark.parametrize("report", [sample(), small_report(), roadmap_report()],
                         ids=["sample", "small", "roadmap"])
def test_render_is_the_standard_librarys_text_written_fast(
        report: Report, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = json.dumps(json_report.report_to_dict(report), indent=2, ensure_ascii=False)

    def no_fallback(value: Any, pad: str) -> str:
        raise AssertionError("a report fell back to the slow JSON writer")

    monkeypatch.setattr(pretty_json, "_layout", no_fallback)
    assert json_report.render(report) == expected + "\n"
