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
    own, inclusive, total = tally(parse(args.profile.read_text().splitlines()))
    print(report(own, total or 1, args.top, "self"))
    print()
    print(report(inclusive, total or 1, args.top, "inclusive"))


if __name__ == "__main__":
    main()
