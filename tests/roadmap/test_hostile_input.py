"""roadmap.yaml from an untrusted pull request: odd URLs handled, abuse refused with a located line."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import InputError
from bot.roadmap.load import MAX_FILE_BYTES, RoadmapError, load_roadmap
from bot.roadmap.schema import url_problem

HEAD = "title: T\nsections:\n  - number: \"1\"\n    title: S\n    items:\n      - resources:\n"


def one_resource(url: str) -> str:
    return HEAD + f"          - id: r\n            title: R\n            kind: article\n            url: '{url}'\n"


@pytest.mark.parametrize("url", [
    "https://mlops.community/how-to-configure-vs-code-for-ai-ml-and-mlops-development-in-python-🛠%EF%B8%8F%EF%B8%8F/",
    "https://bücher.example/straße?q=ü",
    "https://xn--bcher-kva.example/",
    "https://example.org/" + "a" * 3000,
    "http://[2001:db8::1]:8080/path",
    "https://example.org/a%20b?x=%zz",
])
def test_odd_but_valid_urls_are_kept_exactly(tmp_path: Path, url: str) -> None:
    path = tmp_path / "roadmap.yaml"
    path.write_text(one_resource(url), encoding="utf-8")
    document = load_roadmap(str(path))
    assert document.roadmap.sections[0].items[0].resources[0].url == url
    assert document.lines["r"] == 10


@pytest.mark.parametrize(("url", "problem"), [
    ("javascript:alert(1)", "URL scheme must be http or https, not 'javascript'"),
    ("file:///etc/passwd", "URL scheme must be http or https, not 'file'"),
    ("ftp://example.org/x", "URL scheme must be http or https, not 'ftp'"),
    ("https://example.org/a b", "URL contains whitespace"),
    ("https:///nohost", "URL has no host"),
    ("https://example.org:99999/", "URL cannot be parsed"),
    ("https://example.org/" + "a" * 5000, "URL is longer than 4096 characters"),
])
def test_unusable_urls_are_located_errors(tmp_path: Path, url: str, problem: str) -> None:
    assert url_problem(url) is not None
    path = tmp_path / "roadmap.yaml"
    path.write_text(one_resource(url), encoding="utf-8")
    with pytest.raises(RoadmapError) as info:
        load_roadmap(str(path))
    assert info.value.located().startswith(f"{path}:10:")
    assert problem in info.value.located()


def test_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(9))
    path = tmp_path / "roadmap.yaml"
    path.write_text(bomb, encoding="utf-8")
    with pytest.raises(RoadmapError) as info:
        load_roadmap(str(path))
    assert "YAML anchors and aliases are not allowed" in info.value.located()
    assert info.value.line is not None


def test_very_large_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "roadmap.yaml"
    path.write_bytes(b"# padding\n" * (MAX_FILE_BYTES // 10 + 1))
    with pytest.raises(InputError, match="file is larger than 2 MiB"):
        load_roadmap(str(path))


def test_deep_nesting_is_an_error_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "roadmap.yaml"
    path.write_text("title: x\nsections: " + "[" * 1500 + "]" * 1500 + "\n", encoding="utf-8")
    with pytest.raises(RoadmapError) as info:
        load_roadmap(str(path))
    assert info.value.located() == f"{path}:2:75: nesting deeper than 64 levels"


def test_large_valid_roadmap_loads(tmp_path: Path) -> None:
    resources = "".join(
        f"          - id: r{i}\n            title: R{i}\n            kind: article\n"
        f"            url: https://host{i % 50}.example/{i}\n" for i in range(1000))
    path = tmp_path / "roadmap.yaml"
    path.write_text(HEAD + resources, encoding="utf-8")
    document = load_roadmap(str(path))
    assert len(document.lines) == 1000
    assert document.lines["r999"] == 6 + 999 * 4 + 4
