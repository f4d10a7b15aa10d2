"""Whole-flow nights: the simulated web + the fake GitHub, the real `run` pipeline, 24 h apart."""

from __future__ import annotations

import difflib
import os

from bot.curate.fingerprint import fingerprint_marker
from bot.model import Status
from tests.curate.nights import World, break_, heal, share_urls
from tests.fakes.providers import start_upstreams
from tests.simweb import Page, Redirect


async def test_a_link_breaks_stays_broken_recovers_and_breaks_again(world: World) -> None:
    await world.night(0)
    assert world.issues() == [] and world.github.pulls == {}
    assert len(world.github.calls) == 2  # a quiet night: list issues, list pulls
    break_(world, "beta")
    await world.night(1)
    assert world.issues() == []  # one bad night is not proof
    await world.night(2)
    (issue,) = world.issues()
    assert issue["title"] == "Broken link: Beta Course"
    assert {label["name"] for label in issue["labels"]} == {"roadmap-bot", "roadmap-bot:broken-link"}
    assert "roadmap-bot:fingerprint=resource:beta-course" in issue["body"]
    assert "| HTTP status | 404 |" in issue["body"]
    await world.night(3)  # still broken: no duplicate, no comment, no edit
    assert len(world.issues()) == 1 and world.github.comments.get(issue["number"]) is None
    assert world.github.writes() == [] and len(world.github.calls) == 2
    heal(world, "beta")
    await world.night(4)
    assert issue["state"] == "closed" and len(world.github.comments[issue["number"]]) == 1
    break_(world, "beta")
    await world.night(5)
    await world.night(6)
    assert len(world.issues()) == 1 and issue["state"] == "open"  # reopened, not recreated
    assert "broke again" in world.github.comments[issue["number"]][-1]["body"]


async def test_one_url_one_issue_listing_every_place(world: World) -> None:
    """A dead URL used twice and a walled URL used twice give one issue each, listing every
    place; the per-resource issues an older run opened converge into one, nothing new."""
    lines = share_urls(world, delta="beta", gamma="alpha")
    github = world.adapter()
    labels = ("roadmap-bot", "roadmap-bot:broken-link")
    old = {rid: github.create_issue(f"Broken link: {rid}", fingerprint_marker(
        f"resource:{rid}") + "\nwritten by an older roadmap-bot\n", labels)
        for rid in ("beta-course", "delta-article")}
    break_(world, "beta")
    world.hosts["alpha"].route("/alpha", Page("<title>Forbidden</title>", status=403))
    for n in range(5):
        await world.night(n)
    kept, merged = (world.github.issues[old[rid]] for rid in ("beta-course", "delta-article"))
    assert kept["state"] == "open" and merged["state"] == "closed"
    assert f"tracked in #{kept['number']}" in world.github.comments[merged["number"]][-1]["body"]
    assert "fingerprint=resource:beta-course" in kept["body"]
    assert "Used in 2 places" in kept["body"] and "Delta Article" in kept["body"]
    assert all(f"roadmap.yaml#L{line}" in kept["body"] for line in lines["beta"])
    (manual,) = [i for i in world.issues() if i["number"] not in old.values()]
    assert manual["title"] == "Needs a manual check: Alpha Guide"
    assert "Used in 2 places" in manual["body"] and "Gamma Tutorial" in manual["body"]
    assert all(f"roadmap.yaml#L{line}" in manual["body"] for line in lines["alpha"])
    await world.night(5)
    assert world.github.writes() == [] and len(world.issues()) == 3


BOOK = """\
          - id: terraform-book
            title: "Terraform: Up and Running, 3rd Edition"
            kind: book
            authors: [Yevgeniy Brikman]
            edition: 3
"""


async def test_issue_text_says_only_what_is_known_and_links_the_line(world: World) -> None:
    """Nothing dated the broken course and article: their issues say only what is known (the
    course is gone). The book has a newer edition (the fake Open Library): its stale issue
    links its line of roadmap.yaml."""
    roadmap = world.root / "roadmap.yaml"
    roadmap.write_text(roadmap.read_text() + BOOK)
    book_line = roadmap.read_text().splitlines().index("          - id: terraform-book") + 1
    break_(world, "beta")
    break_(world, "delta")
    upstreams = await start_upstreams()
    try:
        for n in range(3):
            await world.night(n, freshness=upstreams.settings(timeout=1.0))
    finally:
        await upstreams.close()
    issues = {issue["title"]: issue for issue in world.issues()}
    assert set(issues) == {"Broken link: Beta Course", "Broken link: Delta Article",
                           "Stale resource: Terraform: Up and Running, 3rd Edition"}
    broken = issues["Broken link: Beta Course"]["body"]
    for unknown in ("`unknown`", "updated unknown", "from unknown", "| unknown |"):
        assert unknown not in broken
    assert "- **Verdict:** `broken`" in broken  # the course is gone: that much is known
    assert "#### Freshness" not in issues["Broken link: Delta Article"]["body"]
    stale = issues["Stale resource: Terraform: Up and Running, 3rd Edition"]["body"]
    assert f"/blob/main/roadmap.yaml#L{book_line})" in stale
    assert "Fourth Edition" in stale and "- **Verdict:** `stale`" in stale


async def test_a_maintainers_close_stands(world: World) -> None:
    break_(world, "beta")
    await world.night(0)
    await world.night(1)
    (issue,) = world.issues()
    world.github.human_close(issue["number"])
    for n in (2, 3, 4):
        await world.night(n)
    assert len(world.issues()) == 1 and issue["state"] == "closed"
    assert world.github.comments.get(issue["number"]) is None


async def test_a_permanent_redirect_becomes_one_pr_with_a_one_line_yaml_diff(world: World) -> None:
    gamma = world.hosts["gamma"]
    new = gamma.route("/gamma-new", Page("<title>gamma</title>"))
    gamma.route("/gamma", Redirect(new, 301))
    await world.night(0)
    (pull,) = world.github.pulls.values()
    assert pull["head_ref"] == "roadmap-bot/fixes" and pull["state"] == "open"
    before = world.github.file_at("main", "roadmap.yaml") or ""
    after = world.github.file_at("roadmap-bot/fixes", "roadmap.yaml") or ""
    diff = [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(),
                                                  lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert diff == [f"-            url: {world.urls['gamma']}", f"+            url: {new}"]
    readme = world.github.file_at("roadmap-bot/fixes", "README.md") or ""
    assert f"]({new})" in readme and readme.endswith("More text.\n")
    assert "permanent redirect" in pull["body"] and world.issues() == []
    await world.night(1)  # same fix: nothing to write
    assert world.github.writes() == []
    world.github.human_close_pull(pull["number"])  # rejected
    await world.night(2)
    assert len(world.github.pulls) == 1 and world.github.writes() == []


async def test_a_front_page_leading_into_its_own_site_is_not_a_move(world: World) -> None:
    """gamma's front page redirects permanently to its /book/index.html: ok, with the hop in
    the report, and no fix; delta's front page moved to another site: that one is fixed."""
    gamma, delta = world.hosts["gamma"], world.hosts["delta"]
    book = gamma.route("/book/index.html", Page("<title>The book</title>"))
    gamma.route("/", Redirect(book, 301))
    elsewhere = world.hosts["alpha"].route("/delta-home", Page("<title>Delta</title>"))
    delta.route("/", Redirect(elsewhere, 301))
    roadmap = world.root / "roadmap.yaml"
    roadmap.write_text(roadmap.read_text().replace(world.urls["gamma"], gamma.url("/"))
                       .replace(world.urls["delta"], delta.url("/")))
    for n in range(3):
        report, _ = await world.night(n)
        front = next(r for r in report.links if r.url == gamma.url("/"))
        assert (front.status, front.final_url) == (Status.OK, book)
        assert [hop.status for hop in front.redirects] == [301]
    (pull,) = world.github.pulls.values()
    fixed = world.github.file_at("roadmap-bot/fixes", "roadmap.yaml") or ""
    assert f"url: {elsewhere}" in fixed and f"url: {gamma.url('/')}" in fixed
    assert book not in fixed and book not in pull["body"] and world.issues() == []


async def test_the_pr_closes_when_its_fix_is_no_longer_needed(world: World) -> None:
    gamma = world.hosts["gamma"]
    gamma.route("/gamma", Redirect(gamma.route("/gamma-new", Page()), 301))
    await world.night(0)
    heal(world, "gamma")
    await world.night(1)
    (pull,) = world.github.pulls.values()
    assert pull["state"] == "closed" and not pull["merged"]


async def test_dry_run_writes_nothing(world: World) -> None:
    break_(world, "beta")
    await world.night(0)
    history = (world.root / "reports/history.json").read_bytes()
    reports = sorted(os.listdir(world.root / "reports"))
    _, actions = await world.night(1, dry_run=True)
    assert [a.verb.value for a in actions] == ["create issue"]
    assert any(line.startswith("would create issue") for line in world.log)
    assert world.github.writes() == [] and world.issues() == []
    assert (world.root / "reports/history.json").read_bytes() == history
    assert sorted(os.listdir(world.root / "reports")) == reports


async def test_network_down_is_inconclusive_and_changes_nothing(world: World) -> None:
    break_(world, "beta")
    await world.night(0)
    await world.night(1)
    (issue,) = world.issues()
    history = (world.root / "reports/history.json").read_bytes()
    await world.web.close()  # every host now refuses connections
    report, actions = await world.night(2)
    assert report.inconclusive and actions == []
    assert world.github.writes() == [] and issue["state"] == "open"
    assert (world.root / "reports/history.json").read_bytes() == history
    assert any("inconclusive" in line for line in world.log)


async def test_quiet_night_history_is_byte_identical(world: World) -> None:
    await world.night(0)
    first = (world.root / "reports/history.json").read_bytes()
    await world.night(1)
    assert (world.root / "reports/history.json").read_bytes() == first
    assert "history unchanged: reports/history.json" in world.log
    extra = (world.root / "reports/latest.json").read_text()
    assert '"previous_summary": {' in extra and '"history": {' in extra


async def test_a_quiet_night_with_failing_links_leaves_the_history_byte_identical(
        world: World) -> None:
    """Blocked, erroring and newly broken links present, nothing changed in the world:
    history.json keeps every byte, night after night."""
    await world.night(0)
    world.hosts["alpha"].route("/alpha", Page("<title>Forbidden</title>", status=403))
    world.hosts["beta"].route("/beta", Page("try later", status=503))
    for n in range(1, 6):
        await world.night(n)
    break_(world, "gamma")  # newly broken on night 6
    report, _ = await world.night(6)
    assert {r.status.value for r in report.links} == {"blocked", "error", "broken", "ok"}
    path = world.root / "reports/history.json"
    before = path.read_bytes()
    for n in (7, 8):
        mark = len(world.log)
        await world.night(n)
        assert path.read_bytes() == before, f"night {n} rewrote the history"
        assert "history unchanged: reports/history.json" in world.log[mark:]
    titles = sorted(issue["title"] for issue in world.issues())
    assert titles == ["Broken link: Gamma Tutorial", "Needs a manual check: Alpha Guide",
                      "Needs a manual check: Beta Course"]
    assert [method for method, _ in world.github.calls] == ["GET", "GET"]  # night 8: two reads


async def test_a_second_run_the_same_day_does_not_count_toward_a_streak(world: World) -> None:
    """manual_check_runs counts runs at least confirm_hours apart: a manual dispatch two hours
    after each nightly does not bring the needs-manual-check issue forward."""
    world.hosts["alpha"].route("/alpha", Page("<title>Forbidden</title>", status=403))
    for n in range(4):
        await world.night(n)
        await world.night(n + 2 / 24)
        assert world.issues() == [], f"an issue after {2 * (n + 1)} runs on {n + 1} days"
    await world.night(4)
    (issue,) = world.issues()
    assert issue["title"] == "Needs a manual check: Alpha Guide"
    assert "| Consecutive failing runs | 5+ |" in issue["body"]


async def test_a_broken_link_needs_a_second_run_confirm_hours_later(world: World) -> None:
    break_(world, "beta")
    await world.night(0)
    await world.night(2 / 24)
    await world.night(19 / 24)
    assert world.issues() == []
    await world.night(20 / 24)
    (issue,) = world.issues()
    assert issue["title"] == "Broken link: Beta Course"


async def test_changed_evidence_edits_in_place_and_leaving_the_roadmap_closes(world: World) -> None:
    break_(world, "beta")
    await world.night(0)
    await world.night(1)
    (issue,) = world.issues()
    world.hosts["beta"].route("/beta", Page("<title>Gone</title>", status=410))
    await world.night(2)
    assert "| HTTP status | 410 |" in issue["body"] and issue["state"] == "open"
    assert world.github.comments.get(issue["number"]) is None  # an edit, not a comment
    roadmap = world.root / "roadmap.yaml"
    text = roadmap.read_text()
    start = text.index("          - id: beta-course")
    roadmap.write_text(text[:start] + text[text.index("      - label: More"):])
    await world.night(3)
    assert issue["state"] == "closed"
    assert "no longer in roadmap.yaml" in world.github.comments[issue["number"]][-1]["body"]
