"""`pretty_json.dumps` must write what `json.dumps(indent=2, ensure_ascii=False)` writes:
reports and the history are compared and diffed as text, night after night."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot import pretty_json

SCALARS = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True)
           | st.text())
KEYS = st.text() | st.integers() | st.booleans() | st.none() | st.floats(allow_nan=False)
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


def test_a_report_like_value() -> None:
    link = {"url": "https://example.org/ü", "status": "ok", "redirects": [], "metadata": {},
            "sources": [{"file": "README.md", "line": 7, "resource": None}],
            "nested": {"a": [1, 2.5, {"b": "\"quoted\"\n"}], 3: "number key"}}
    value = {"schema_version": 1, "links": [link, link], "empty": {}, "tuple": (1, "x")}
    assert pretty_json.dumps(value) == standard(value)


@pytest.mark.parametrize("bad", [{"a": {1, 2}}, [object()]])
def test_what_json_cannot_encode_fails_alike(bad: Any) -> None:
    with pytest.raises(TypeError):
        standard(bad)
    with pytest.raises(TypeError):
        pretty_json.dumps(bad)
