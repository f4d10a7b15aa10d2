"""`pretty_json.dumps` must write what `json.dumps(indent=2, ensure_ascii=False)` writes:
reports and the history are compared and diffed as text, night after night."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from types import MappingProxyType
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot import pretty_json
from bot.model import Status

# Control characters and lone surrogates too (a path read with surrogateescape holds them).
ANY_TEXT = st.text(st.characters() | st.characters(categories=["Cc", "Cs"]))
# Integers on both sides of orjson's 64-bit limits, beside hypothesis' own.
INTEGERS = st.integers() | st.sampled_from([2**63 - 1, -(2**63), 2**64 - 1, 2**64, -(2**63) - 1])
# NaN, infinities, tiny and huge magnitudes: orjson spells some of them otherwise.
FLOATS = (st.floats(allow_nan=True) | st.floats(0, 1e-4) | st.floats(1e15, 1e17)
          | st.floats(0, 1e4).map(lambda seconds: round(seconds, 3)))  # `waited_s`
SCALARS = (st.none() | st.booleans() | INTEGERS | FLOATS | st.text() | ANY_TEXT
           | st.sampled_from(Status))
KEYS = (st.text() | ANY_TEXT | st.sampled_from(Status) | st.integers() | st.booleans()
        | st.none() | st.floats(allow_nan=False))
JSON_LIKE = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner)
    | st.dictionaries(st.text(), inner, max_size=4)
    | st.dictionaries(KEYS, inner, max_size=3),
    max_leaves=25,
)


def standard(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


@given(JSON_LIKE)
def test_same_text_as_the_standard_library(value: Any) -> None:
    assert pretty_json.dumps(value) == standard(value)


def link(url: str) -> dict[str, Any]:
    return {"url": url, "status": "ok", "redirects": [], "metadata": {"title": "Zürich \"Ω\""},
            "sources": [{"file": "README.md", "line": 7, "resource": None}],
            "nested": {"a": [1, 2.5, {"b": "\"quoted\"\n\t\x00\x1f\x7f\u2028 </script>"}]}}


def report_like() -> dict[str, Any]:
    return {"schema_version": 1, "links": [link("https://example.org/ü"), link("http://a/b")],
            "empty": {}, "empty_list": [], "tuple": (1, "x", True, None),
            "throttling": {"hosts": [{"host": "a.example", "waited_s": 12.345}], "waited_s": 0.5}}


def test_a_report_like_value_is_written_by_orjson(monkeypatch: pytest.MonkeyPatch) -> None:
    # The fast path, not the fallback, must carry what a night's report holds.
    def no_fallback(value: Any, pad: str) -> str:
        raise AssertionError("fell back to the slow writer")

    monkeypatch.setattr(pretty_json, "_layout", no_fallback)
    assert pretty_json.dumps(report_like()) == standard(report_like())


@pytest.mark.parametrize("odd", [
    float("nan"), float("-inf"), 1e-05, -1.234e-07,  # orjson: null, 0.00001, -1.234e-7
    2**64, -(2**63) - 1,  # past orjson's 64 bits
    "lone \udc80 surrogate",
    {3: "number key", None: "null key", 2.5: "float key"},
    {Status.OK: "StrEnum key"},
])
def test_what_orjson_writes_otherwise_takes_the_standard_rules(odd: Any) -> None:
    value = {**report_like(), "odd": [odd, {"inner": odd}]}
    assert pretty_json.dumps(value) == standard(value)


class Colour(Enum):
    RED = "red"


@dataclass
class Point:
    x: int


@pytest.mark.parametrize("bad", [
    {"a": {1, 2}}, [object()], [Colour.RED], [uuid.UUID(int=1)], [Point(1)],
    [datetime(2026, 1, 1, tzinfo=UTC)], [MappingProxyType({"a": 1})], [b"bytes"],
])
def test_what_json_cannot_encode_fails_alike(bad: Any) -> None:
    # orjson writes enums, UUIDs, dataclasses and datetimes; json refuses them, and so must we.
    with pytest.raises(TypeError):
        standard(bad)
    with pytest.raises(TypeError):
        pretty_json.dumps(bad)
