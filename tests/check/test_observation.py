"""`Observation.as_attempt` is `dataclasses.replace` of four fields, written out for speed:
it must carry every other field, including any field added later."""

from __future__ import annotations

from dataclasses import fields, replace
from types import MappingProxyType
from typing import Any

from bot.check.observation import Exchange, Failure, Observation
from bot.model import Hop

# One value per field, none of them the default: a new field without a value here fails
# the test below with a KeyError, so it cannot be forgotten in `as_attempt` unnoticed.
SAMPLES: dict[str, Any] = {
    "url": "http://a.test/old",
    "exchanges": (Exchange("GET", "http://a.test/old", 301),),
    "hops": (Hop("http://a.test/old", 301),),
    "final_url": "http://a.test/new",
    "final_status": 200,
    "final_headers": MappingProxyType({"content-type": "text/html"}),
    "body": b"<title>x</title>",
    "encoding": "utf-8",
    "failure": Failure.TIMEOUT,
    "redirect_loop": True,
    "too_many_redirects": True,
    "attempts": 1,
    "elapsed_ms": 12,
}


def test_as_attempt_is_replace_of_its_four_fields() -> None:
    seen = Observation(**{field.name: SAMPLES[field.name] for field in fields(Observation)})
    earlier = (Exchange("GET", "http://a.test/target", 503), *seen.exchanges)
    got = seen.as_attempt("http://a.test/target", earlier, 2, 99)
    assert got == replace(seen, url="http://a.test/target", exchanges=earlier, attempts=2,
                          elapsed_ms=99)
