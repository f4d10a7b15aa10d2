"""Reading the Actions event: the payload as GitHub sends it, other events, bad files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.errors import InputError
from bot.respond.event import read_event
from tests.respond.harness import FIXTURE


def test_the_fixture_payload_reads_into_one_record(tmp_path: Path) -> None:
    event = read_event("issue_comment", str(FIXTURE))
    assert event is not None
    assert (event.repository, event.number, event.is_pull) == ("owner/repo", 1, False)
    assert (event.comment_id, event.author, event.association) == (2511223344, "maintainer",
                                                                  "MEMBER")
    assert event.issue_labels == frozenset({"roadmap-bot"}) and not event.author_is_bot


@pytest.mark.parametrize("name", ["push", "pull_request", "workflow_dispatch"])
def test_other_events_are_not_answered(name: str) -> None:
    assert read_event(name, str(FIXTURE)) is None


@pytest.mark.parametrize("action", ["edited", "deleted"])
def test_an_edited_or_deleted_comment_is_not_a_new_command(tmp_path: Path, action: str) -> None:
    data = json.loads(FIXTURE.read_text())
    data["action"] = action
    (tmp_path / "e.json").write_text(json.dumps(data))
    assert read_event("issue_comment", str(tmp_path / "e.json")) is None


def test_bad_payloads_are_one_located_line(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text('{\n "action": "created",\n oops')
    with pytest.raises(InputError) as info:
        read_event("issue_comment", str(tmp_path / "bad.json"))
    assert info.value.located().startswith(f"{tmp_path / 'bad.json'}:3:")
    data = json.loads(FIXTURE.read_text())
    del data["comment"]["id"]
    (tmp_path / "partial.json").write_text(json.dumps(data))
    with pytest.raises(InputError, match=r"comment\.id is missing or not a number"):
        read_event("issue_comment", str(tmp_path / "partial.json"))
    with pytest.raises(InputError, match="cannot read the event"):
        read_event("issue_comment", str(tmp_path / "absent.json"))
