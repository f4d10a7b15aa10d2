"""The `check:` section of roadmap-bot.yaml: defaults, rules, and located errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.check.settings import (
    CheckSettings,
    ConfigError,
    HttpClientKind,
    Remap,
    load_check_config,
    settings_from_mapping,
)

REPO = Path(__file__).resolve().parents[2]


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "roadmap-bot.yaml"
    path.write_text(text)
    return str(path)


def test_the_repository_config_loads() -> None:
    settings = load_check_config(str(REPO / "roadmap-bot.yaml"))
    assert settings.per_host_limit("www.linkedin.com") == 1
    assert settings.is_excluded("https://example.com/x")


def test_no_file_or_no_section_means_defaults(tmp_path: Path) -> None:
    assert load_check_config(None) == CheckSettings()
    assert load_check_config(write(tmp_path, "freshness:\n  max_age_days: 30\n")) == CheckSettings()
    assert load_check_config(write(tmp_path, "check: {}\n")) == CheckSettings()


def test_the_schemas_defaults_are_the_settings_defaults() -> None:
    # Without a `check:` section the schema is not even imported: its defaults must be these.
    assert settings_from_mapping({}) == CheckSettings()


def test_the_http_client_is_the_wire_one_unless_aiohttp_is_asked_for(tmp_path: Path) -> None:
    assert load_check_config(None).http_client is HttpClientKind.WIRE
    chosen = load_check_config(write(tmp_path, "check:\n  http_client: aiohttp\n"))
    assert chosen.http_client is HttpClientKind.AIOHTTP


def test_other_sections_are_left_to_their_owners(tmp_path: Path) -> None:
    path = write(tmp_path, "curate:\n  anything: [1, 2]\ncheck:\n  per_host: 2\n")
    assert load_check_config(path).per_host == 2


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ("check:\n  per_host: 0\n", ":2:", "check.per_host"),
        ("check:\n  retries: many\n", ":2:", "check.retries"),
        ("check:\n  http_client: requests\n", ":2:", "check.http_client"),
        ("check:\n  bogus: 1\n", ":2:", "check.bogus: Extra inputs are not permitted"),
        ("check:\n  exclude:\n    - '(unclosed'\n", ":3:", "check.exclude"),
        ("check:\n  domains:\n    - host: a.org\n      headers: {Cookie: x}\n", ":4:",
         "may not be configured"),
        ("check:\n  remaps:\n    - name: x\n      match: '['\n      replace: y\n", ":4:",
         "check.remaps.0.match"),
        ("check: [1]\n", ":1:", "must be a mapping"),
        ("check:\n  per_host: 1\n  per_host: 2\n", ":3:", "YAML error"),
    ],
)
def test_bad_config_is_located(tmp_path: Path, text: str, where: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_check_config(path)
    located = caught.value.located()
    assert located.startswith(path + where), located
    assert message in located


def test_domain_rules_match_host_and_subdomains() -> None:
    settings = settings_from_mapping({"domains": [
        {"host": "linkedin.com", "per_host": 1, "delay": 2.0, "accept": [999],
         "headers": {"Accept-Language": "en"}},
    ]})
    assert settings.per_host_limit("www.linkedin.com") == 1
    assert settings.per_host_limit("notlinkedin.com") == settings.per_host
    assert settings.delay_for("linkedin.com") == 2.0
    assert settings.headers_for("de.linkedin.com") == {"Accept-Language": "en"}
    assert settings.classify_rules.accepts("https://www.linkedin.com/in/x", 999)


@pytest.mark.parametrize(
    ("url", "checked"),
    [
        ("https://app.datacamp.com/learn/courses/intro-to-python",
         "https://www.datacamp.com/courses/intro-to-python"),
        ("https://app.datacamp.com/learn/courses/mlops-concepts?ref=x",
         "https://www.datacamp.com/courses/mlops-concepts"),
        ("https://www.datacamp.com/courses/x", "https://www.datacamp.com/courses/x"),
    ],
)
def test_builtin_remap(url: str, checked: str) -> None:
    assert CheckSettings().remap(url)[0] == checked


def test_config_remaps_come_after_the_builtin_ones() -> None:
    settings = settings_from_mapping({"remaps": [
        {"name": "coursera-app", "match": r"^https://app\.coursera\.org/(.*)$",
         "replace": r"https://www.coursera.org/\1"},
    ]})
    assert settings.remap("https://app.coursera.org/learn/ml") == (
        "https://www.coursera.org/learn/ml", "coursera-app")


@pytest.mark.parametrize(
    ("url", "checked"),
    [
        ("https://app.datacamp.com/learn/skill-tracks/python-programming",
         "https://www.datacamp.com/tracks/python-programming"),
        ("https://app.datacamp.com/learn/skill-tracks/python-fundamentals?ref=x#top",
         "https://www.datacamp.com/tracks/python-fundamentals"),
    ],
)
def test_builtin_skill_track_remap(url: str, checked: str) -> None:
    assert CheckSettings().remap(url) == (checked, "datacamp-app-skill-track")


@pytest.mark.parametrize(("pattern", "replacement", "url"), [
    (r"^https://app\.x\.org/(.*)$", r"https://www.x.org/\1", "https://app.x.org/a/b"),
    (r"^https://app\.x\.org/(.*)$", r"https://www.x.org/\1", "https://www.x.org/a"),
    (r"app\.", "www.", "https://app.x.org/app.html"),  # unanchored: the first match only
    (r"/(?P<id>\d+)", r"/item-\g<id>", "https://x.org/p/12/34?q=5"),
    (r"x*", "-", "https://x.org/"),  # an empty match at the start
    (r"$", "#end", "https://x.org/"),  # an empty match at the end
    (r"(a)|(b)", r"[\1\2]", "https://b.org/"),  # a group that did not take part
])
def test_a_remap_writes_what_one_substitution_writes(
        pattern: str, replacement: str, url: str) -> None:
    compiled = re.compile(pattern)
    rewritten, count = compiled.subn(replacement, url, count=1)
    assert Remap("r", compiled, replacement).apply(url) == (rewritten if count else None)
