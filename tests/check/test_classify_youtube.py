"""YouTube's removed-video rule reads the player response as JSON, whatever its whitespace:
compact, spaced after ':' and ',', or pretty-printed across lines."""

from __future__ import annotations

import json

import pytest

from bot.check.classify import classify
from bot.model import Status
from tests.check.test_classify import obs

WATCH = "https://www.youtube.com/watch?v=xxxxxxxxxxx"
PLAYER = {"playabilityStatus": {"status": "ERROR", "reason": "Video unavailable"},
          "videoDetails": None}
LAYOUTS = {
    "compact": {"separators": (",", ":")},
    "spaced": {"separators": (", ", ": ")},
    "pretty": {"indent": 2},
    "tabs": {"indent": "\t", "separators": (" ,", " : ")},
}


def watch_page(player: dict[str, object], layout: str) -> str:
    script = json.dumps(player, **LAYOUTS[layout])  # type: ignore[arg-type]
    return f"<html><head><title>YouTube</title></head><body><script>var " \
           f"ytInitialPlayerResponse = {script};</script></body></html>"


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_a_removed_video_is_found_whatever_the_json_whitespace(layout: str) -> None:
    verdict = classify(obs(200, watch_page(PLAYER, layout), url=WATCH))
    assert (verdict.status, verdict.reason, verdict.rule) == (
        Status.BROKEN, "video_removed", "site:youtube-video-unavailable"
    )


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_a_playable_video_is_ok_whatever_the_json_whitespace(layout: str) -> None:
    playable = {**PLAYER, "playabilityStatus": {"status": "OK", "reason": "ERROR"}}
    verdict = classify(obs(200, watch_page(playable, layout), url=WATCH))
    assert verdict.status is Status.OK


def test_the_rule_is_for_watch_pages_only() -> None:
    verdict = classify(obs(200, watch_page(PLAYER, "spaced"), url="https://example.org/watch"))
    assert verdict.status is Status.OK
