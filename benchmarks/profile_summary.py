"""Summarise a py-spy `--format raw` profile (collapsed stacks): where the samples go.

    .venv/bin/python benchmarks/profile_summary.py results/.../roadmap-bot/profile.txt --top 25

Prints the functions with the most samples on top of the stack (self) and anywhere in it
(inclusive), as shares of all samples, so a slow run can be traced to its hot spots.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path


def parse(lines: list[str]) -> list[tuple[list[str], int]]:
    """`frame;frame;frame count` lines into (frames, samples)."""
    stacks = []
    for line in lines:
        stack, _, count = line.rstrip().rpartition(" ")
        if stack and count.isdigit():
            stacks.append((stack.split(";"), int(count)))
    return stacks


def tally(stacks: list[tuple[list[str], int]]) -> tuple[Counter[str], Counter[str], int]:
    """Self and inclusive samples per frame, and the total."""
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for frames, count in stacks:
        total += count
        own[frames[-1]] += count
        for frame in set(frames):
            inclusive[frame] += count
    return own, inclusive, total


# Stages of a roadmap-bot run, by a frame that marks each (first match wins, top-down).
STAGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("start-up imports", ("<frozen importlib",)),
    ("freshness scraping (bot/freshness, bs4)", ("scrape_page (", "bot/freshness/", "bs4/")),
    ("verdict classification (bot/check/classify.py)", ("bot/check/classify.py",)),
    ("page text for classify (bot/check/page_text.py)", ("bot/check/page_text.py",)),
    ("HTTP request/response (bot/check/http.py, aiohttp)", ("bot/check/http.py", "aiohttp/")),
    ("URL normalisation (bot/urls.py)", ("bot/urls.py",)),
    ("link extraction (markdown)", ("markdown_it", "extract")),
    ("report building/writing", ("bot/report/", "json/")),
    ("event loop, timers, scheduling", ("asyncio/", "bot/check/engine.py")),
)


def by_stage(stacks: list[tuple[list[str], int]]) -> Counter[str]:
    """Samples per stage: the first stage whose marker appears anywhere in the stack."""
    stages: Counter[str] = Counter()
    for frames, count in stacks:
        joined = ";".join(frames)
        name = next((n for n, marks in STAGES if any(m in joined for m in marks)), "other")
        stages[name] += count
    return stages


def report(counter: Counter[str], total: int, top: int, title: str) -> str:
    """One ranked list as text."""
    lines = [f"{title} ({total} samples)"]
    for frame, count in counter.most_common(top):
        lines.append(f"{100 * count / total:6.1f}%  {frame}")
    return "\n".join(lines)


def main() -> None:
    """CLI entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("profile", type=Path)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    stacks = parse(args.profile.read_text().splitlines())
    own, inclusive, total = tally(stacks)
    print(report(by_stage(stacks), total or 1, len(STAGES) + 1, "by stage"))
    print()
    print(report(own, total or 1, args.top, "self"))
    print()
    print(report(inclusive, total or 1, args.top, "inclusive"))


if __name__ == "__main__":
    main()
