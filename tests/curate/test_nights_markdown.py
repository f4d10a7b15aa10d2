"""An awesome list (no roadmap.yaml) through `run`, night after night, against the simulated web
and the fake GitHub: issues at the right file:line, none duplicated when lines move, one fixes
PR whose diff changes only URL bytes, references and angle brackets kept as written."""

from __future__ import annotations

import difflib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.extract.markdown_links import markdown_links
from tests.curate.nights import NOT_FOUND, World
from tests.fakes.github_api import FakeState
from tests.simweb import Page, Redirect, SimWeb

README = """\
# Awesome Testing [![Awesome]({badge})]({awesome})

> A curated list of things for the tests. [Contents](#contents) and [tools](docs/tools.md).

## Guides

- [Alpha Guide]({alpha}) - the first guide.
  - [Alpha, again]({alpha}) - nested, the same URL under another text.
- [Beta Course][beta] - written reference-style.
- <{gamma}> - an autolink.
- [Delta](<{delta}>) - angle brackets.

## Table

| Name | Link |
| --- | --- |
| Epsilon | [Epsilon home]({epsilon}) |
| Zeta | [Zeta][zeta] |

Code is not a link: `{beta}`.

[beta]: {beta}
[zeta]: <{zeta}>
"""

TOOLS = """\
# Tools

- [Alpha Guide]({alpha}) - listed twice in this repository.
- [Tracker]({tracked}?utm_source=list&id=7) - a tracking parameter.
"""

MOVED = ("gamma", "delta", "epsilon", "zeta")
FILES = ("README.md", "docs/tools.md")


@pytest.fixture
async def awesome(github: FakeState, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                  ) -> AsyncIterator[World]:
    async with SimWeb() as web:
        hosts = {name: await web.add_host(name) for name in ("one", "two", "three")}
        urls: dict[str, str] = {}
        for index, name in enumerate(("badge", "awesome", "alpha", "beta", "tracked", *MOVED)):
            host = hosts[("one", "two", "three")[index % 3]]
            urls[name] = host.route(f"/{name}", Page(f"<title>{name}</title>"))
            if name in MOVED:
                new = host.route(f"/{name}-new", Page(f"<title>{name}</title>"))
                host.route(f"/{name}", Redirect(new, 301))
                urls[f"{name}-new"] = new
        files = {"README.md": README.format(**urls), "docs/tools.md": TOOLS.format(**urls)}
        for path, text in files.items():
            (tmp_path / path).parent.mkdir(exist_ok=True)
            (tmp_path / path).write_text(text)
        github.seed(files)
        monkeypatch.chdir(tmp_path)
        yield World(web, github, tmp_path, hosts, urls)


def set_page(world: World, name: str, page: Page) -> None:
    host = next(h for h in world.hosts.values() if world.urls[name].startswith(h.url("/")))
    host.route(f"/{name}", page)


async def night(world: World, n: int) -> None:
    await world.night(n, roadmap=FILES[0], files=FILES)


def line_of(world: World, path: str, url: str) -> list[int]:
    text = (world.root / path).read_text()
    return sorted({link.line for link in markdown_links(text) if link.url == url})


def changed_lines(before: str, after: str) -> list[tuple[str, str]]:
    pairs, old, new = [], before.splitlines(), after.splitlines()
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new).get_opcodes():
        if tag != "equal":
            assert tag == "replace" and i2 - i1 == j2 - j1, "lines added or removed"
            pairs += list(zip(old[i1:i2], new[j1:j2], strict=True))
    return pairs


async def test_an_awesome_list_over_several_nights(awesome: World) -> None:
    world, urls = awesome, awesome.urls
    set_page(world, "beta", NOT_FOUND)
    await night(world, 0)
    assert world.issues() == []  # one bad night is not proof; the moves go to the PR
    (pull,) = world.github.pulls.values()

    # The PR: every changed line differs only by its URL, in its form as written.
    fixes = {urls[name]: urls[f"{name}-new"] for name in MOVED}
    fixes[f"{urls['tracked']}?utm_source=list&id=7"] = f"{urls['tracked']}?id=7"
    changes = []
    for path in FILES:
        before = world.github.file_at("main", path) or ""
        after = world.github.file_at("roadmap-bot/fixes", path) or ""
        for old_line, new_line in changed_lines(before, after):
            olds = [old for old in fixes if old in old_line]
            assert olds, old_line
            assert old_line.replace(olds[0], fixes[olds[0]]) == new_line
            changes.append(new_line)
    assert changes == [
        f"- <{urls['gamma-new']}> - an autolink.",
        f"- [Delta](<{urls['delta-new']}>) - angle brackets.",
        f"| Epsilon | [Epsilon home]({urls['epsilon-new']}) |",
        f"[zeta]: <{urls['zeta-new']}>",
        f"- [Tracker]({urls['tracked']}?id=7) - a tracking parameter.",
    ]
    assert "only the URL bytes change" in pull["body"]
    assert f"`{urls['beta']}`" in (world.github.file_at("roadmap-bot/fixes", "README.md") or "")

    await night(world, 1)
    (beta,) = world.issues()
    line = line_of(world, "README.md", urls["beta"])[0]  # the definition, where the URL is
    assert beta["title"] == "Broken link: Beta Course"
    assert f"[README\\.md line {line}]" in beta["body"]  # escaped: no autolinked file name
    assert f"https://github.com/owner/repo/blob/main/README.md#L{line}" in beta["body"]
    assert "- **Section:** Guides" in beta["body"]
    assert "- **Resource:** Beta Course\n" in beta["body"]  # the hashed id is not shown
    assert "Replace the URL in README.md" in beta["body"]

    # Lines move (a maintainer adds an intro) and another link breaks in three places.
    readme = world.root / "README.md"
    readme.write_text(readme.read_text().replace("## Guides\n", "## Guides\n\nRead these:\n\n"))
    set_page(world, "alpha", NOT_FOUND)
    await night(world, 2)
    assert len(world.issues()) == 1  # the moved lines made no new issue
    beta = world.github.issues[beta["number"]]  # the fake keeps the edited issue anew
    assert line_of(world, "README.md", urls["beta"]) == [line + 3]
    assert f"[README\\.md line {line + 3}]" in beta["body"]
    await night(world, 3)
    issues = {issue["title"]: issue for issue in world.issues()}
    assert set(issues) == {"Broken link: Beta Course", "Broken link: Alpha Guide"}
    alpha = issues["Broken link: Alpha Guide"]["body"]
    for path, where in (("README.md", line_of(world, "README.md", urls["alpha"])),
                        ("docs/tools.md", line_of(world, "docs/tools.md", urls["alpha"]))):
        for number in where:
            assert f"/blob/main/{path}#L{number}" in alpha

    set_page(world, "beta", Page("<title>beta</title>"))
    await night(world, 4)
    states = {issue["title"]: issue["state"] for issue in world.issues()}
    assert states == {"Broken link: Beta Course": "closed", "Broken link: Alpha Guide": "open"}
    assert len(world.github.pulls) == 1 and len(world.issues()) == 2

    # The broken link leaves the list: its issue closes, saying so.
    for path in FILES:
        text = (world.root / path).read_text()
        (world.root / path).write_text("".join(line for line in text.splitlines(True)
                                               if urls["alpha"] not in line))
    await night(world, 5)
    alpha_issue = next(i for i in world.issues() if i["title"] == "Broken link: Alpha Guide")
    assert alpha_issue["state"] == "closed"
    assert "no longer in the list" in world.github.comments[alpha_issue["number"]][-1]["body"]
