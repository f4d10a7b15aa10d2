"""Generate the benchmark roadmap: N distinct links spread evenly over H simulated hosts.

Link i goes to host i % H (so every host gets N/H links, give or take one); every
`N // broken`-th link points under `/gone/`, which the simulated web answers with 404.
The Markdown looks like a roadmap (sections, bullet lists of titled links); an HTML twin
with the same links serves checkers that do not read Markdown (LinkChecker).
"""

from __future__ import annotations

import argparse
import html
from dataclasses import dataclass
from pathlib import Path

from simweb_bench import BROKEN_PREFIX, host_address

LINKS_PER_SECTION = 50


@dataclass(frozen=True)
class Plan:
    """The links of one benchmark roadmap, and which of them are known to be broken."""

    urls: tuple[str, ...]
    broken: frozenset[str]


def link_url(index: int, hosts: int, port: int, is_broken: bool, scheme: str = "http") -> str:
    """The URL of link `index`: on host `index % hosts`, under `/gone/` when broken."""
    prefix = BROKEN_PREFIX.strip("/") if is_broken else "docs"
    return f"{scheme}://{host_address(index % hosts)}:{port}/{prefix}/page-{index}.html"


def make_plan(links: int, hosts: int, port: int, broken: int = 20, scheme: str = "http") -> Plan:
    """`links` distinct URLs over `hosts` hosts, `broken` of them spread evenly as 404s."""
    step = links // broken if broken else 0
    broken_at = {i for i in range(links) if step and i % step == step - 1}
    urls = tuple(link_url(i, hosts, port, i in broken_at, scheme) for i in range(links))
    return Plan(urls, frozenset(u for u in urls if BROKEN_PREFIX in u))


def render_markdown(plan: Plan) -> str:
    """A roadmap-like Markdown document listing every link once."""
    lines = ["# Benchmark roadmap", "", f"{len(plan.urls)} links, generated.", ""]
    for start in range(0, len(plan.urls), LINKS_PER_SECTION):
        lines += [f"## Section {start // LINKS_PER_SECTION + 1}", ""]
        for i, url in enumerate(plan.urls[start : start + LINKS_PER_SECTION], start):
            lines.append(f"- [Resource {i}]({url}) - a resource to study, number {i}.")
        lines.append("")
    return "\n".join(lines)


def render_html(plan: Plan) -> str:
    """The same links as an HTML page."""
    items = "\n".join(
        f'<li><a href="{html.escape(url)}">Resource {i}</a></li>' for i, url in enumerate(plan.urls)
    )
    return (
        "<!doctype html><html><head><meta charset=utf-8><title>Benchmark roadmap</title>"
        f"</head><body><ul>\n{items}\n</ul></body></html>\n"
    )


def write_inputs(plan: Plan, directory: Path) -> tuple[Path, Path]:
    """Write `roadmap.md` and `roadmap.html` into `directory`; return both paths."""
    directory.mkdir(parents=True, exist_ok=True)
    markdown, page = directory / "roadmap.md", directory / "roadmap.html"
    markdown.write_text(render_markdown(plan), encoding="utf-8")
    page.write_text(render_html(plan), encoding="utf-8")
    return markdown, page


def main() -> None:
    """CLI: write the roadmap for a simulated web already listening on `--port`."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--links", type=int, default=10_000)
    parser.add_argument("--hosts", type=int, default=200)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--broken", type=int, default=20, help="known-broken links (404)")
    parser.add_argument("--out-dir", type=Path, default=Path("."))
    args = parser.parse_args()
    plan = make_plan(args.links, args.hosts, args.port, args.broken)
    for path in write_inputs(plan, args.out_dir):
        print(path)


if __name__ == "__main__":
    main()
