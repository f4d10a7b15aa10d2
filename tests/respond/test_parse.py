"""The command grammar, table-driven: what is a command, what is refused, what is not ours."""

from __future__ import annotations

import pytest

from bot.respond.parse import Command, Refusal, Verb, parse

LONG = "https://example.org/" + "a" * 2000


@pytest.mark.parametrize(("body", "expected"), [
    ("/roadmap-bot recheck", Command(Verb.RECHECK)),
    ("  /roadmap-bot  ignore  \nbecause it is a classic", Command(Verb.IGNORE)),
    ("/roadmap-bot\tunignore", Command(Verb.UNIGNORE)),
    ("/roadmap-bot explain\r", Command(Verb.EXPLAIN)),
    ("/roadmap-bot snooze 30d", Command(Verb.SNOOZE, days=30)),
    ("/roadmap-bot snooze 2w", Command(Verb.SNOOZE, days=14)),
    ("/roadmap-bot snooze 180d", Command(Verb.SNOOZE, days=180)),
    ("/roadmap-bot replace https://new.example/a?b=1#c",
     Command(Verb.REPLACE, url="https://new.example/a?b=1#c")),
    ("/roadmap-bot", Refusal("no command given")),
    ("/roadmap-bot Recheck", Refusal("unknown command")),
    ("/roadmap-bot rm -rf /", Refusal("unknown command")),
    ("/roadmap-bot recheck now", Refusal("usage: /roadmap-bot recheck")),
    ("/roadmap-bot replace", Refusal("usage: /roadmap-bot replace NEW_URL")),
    ("/roadmap-bot replace a b", Refusal("usage: /roadmap-bot replace NEW_URL")),
    ("/roadmap-bot snooze 0d", Refusal("snooze takes a number of days or weeks, like 30d or 2w")),
    ("/roadmap-bot snooze 3m", Refusal("snooze takes a number of days or weeks, like 30d or 2w")),
    ("/roadmap-bot snooze -3d", Refusal("snooze takes a number of days or weeks, like 30d or 2w")),
    ("/roadmap-bot snooze 26w", Refusal("snooze is limited to 180 days")),
    ("/roadmap-bot replace javascript:alert(1)",
     Refusal("NEW_URL must start with http:// or https://")),
    ("/roadmap-bot replace https://exämple.org/",
     Refusal("NEW_URL must be printable ASCII of at most 2000 characters")),
    (f"/roadmap-bot replace {LONG}",
     Refusal("NEW_URL must be printable ASCII of at most 2000 characters")),
    ("/roadmap-bot replace https://1.2.3.4.5/",
     Refusal("NEW_URL is not a valid URL: invalid IPv4 address '1.2.3.4.5'")),
    ("/roadmap-botignore", None),
    ("please /roadmap-bot ignore", None),
    ("> /roadmap-bot ignore", None),
    ("", None),
])
def test_parse(body: str, expected: Command | Refusal | None) -> None:
    assert parse(body) == expected


def test_the_canonical_text() -> None:
    assert Command(Verb.SNOOZE, days=14).text == "snooze 14d"
    assert Command(Verb.REPLACE, url="https://a.example/").text == "replace https://a.example/"
    assert Command(Verb.RECHECK).text == "recheck"
