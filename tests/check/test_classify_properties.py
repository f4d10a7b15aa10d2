"""Property tests: classification never crashes and never calls a refusal "broken"."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.check.classify import classify, permanent_target
from bot.check.observation import Failure, Observation
from bot.model import Hop, Status
from bot.urls import normalize
from tests.extract.strategies import urls

PROPERTY = settings(max_examples=150, deadline=None)
HEADER_NAMES = st.sampled_from(["server", "content-type", "cf-mitigated", "x-datadome", "location",
                                "set-cookie", "Server", "CONTENT-TYPE", "x-sucuri-id"])
HEADERS = st.dictionaries(HEADER_NAMES, st.text(max_size=40), max_size=4)
BODIES = st.binary(max_size=300) | st.text(max_size=300).map(lambda text: text.encode()) | \
    st.sampled_from([b"<title>Just a moment...</title>", b"<title>Page not found</title>",
                     b"This domain is for sale", b"<h1>404</h1>"])
HOPS = st.lists(st.builds(Hop, urls(), st.sampled_from([301, 302, 303, 307, 308])), max_size=3)


def observations(codes: st.SearchStrategy[int]) -> st.SearchStrategy[Observation]:
    return st.builds(
        Observation,
        url=urls(), hops=HOPS.map(tuple), final_url=urls(), final_status=codes,
        final_headers=HEADERS, body=BODIES, encoding=st.none() | st.sampled_from(["utf-8", "bogus"]),
    )


@PROPERTY
@given(observations(st.integers(min_value=0, max_value=1000)),
       st.none() | st.sampled_from(list(Failure)))
def test_classify_always_gives_a_contract_verdict(observation: Observation,
                                                  failure: Failure | None) -> None:
    verdict = classify(Observation(**{**_fields(observation), "failure": failure}))
    assert verdict.status in set(Status) and verdict.reason and verdict.rule


@PROPERTY
@given(observations(st.sampled_from([401, 403, 405, 406, 429, 500, 502, 503, 504, 520, 999])))
def test_a_refusal_or_server_error_is_never_broken(observation: Observation) -> None:
    assert classify(observation).status is not Status.BROKEN


@PROPERTY
@given(observations(st.just(200)))
def test_a_proposed_replacement_is_never_the_original(observation: Observation) -> None:
    target = permanent_target(observation)
    assert target is None or normalize(target) != normalize(observation.url)


def _fields(observation: Observation) -> dict[str, object]:
    return {name: getattr(observation, name) for name in Observation.__slots__}
