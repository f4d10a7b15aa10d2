"""Where roadmap-bot's time goes before its first request: imports, link extraction and
planning, timed in one process on a generated roadmap (no network: nothing is requested).

    .venv/bin/python benchmarks/first_request.py --links 10000 --repeat 3
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from generate import make_plan, write_inputs
from peers import compile_bytecode

PHASES = """
import time
t0 = time.perf_counter()
import bot.commands.check
from bot.check.parallel import passes
from bot.check.settings import CheckSettings
from bot.extract.collect import links_from_inputs
t1 = time.perf_counter()
links = links_from_inputs([{path!r}])
t2 = time.perf_counter()
passes(links, CheckSettings(allow_private=True, concurrency=800), {jobs})
t3 = time.perf_counter()
print(f"{{t1 - t0:.3f}} {{t2 - t1:.3f}} {{t3 - t2:.3f}}")
"""


def main() -> None:
    """Time each phase in a fresh interpreter, `--repeat` times; print the best of each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--links", type=int, default=10_000)
    parser.add_argument("--hosts", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=1, help="workers the plan is dealt to")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    compile_bytecode()
    folder = Path(tempfile.mkdtemp(prefix="rb-first-"))
    markdown, _ = write_inputs(make_plan(args.links, args.hosts, 8080), folder)
    code = PHASES.format(path=str(markdown), jobs=args.jobs)
    runs = [
        [float(x) for x in subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.split()]
        for _ in range(args.repeat)
    ]  # fmt: skip
    best = [min(run[i] for run in runs) for i in range(3)]
    print(f"{args.links} links: imports {best[0]:.2f} s, extraction {best[1]:.2f} s, "
          f"planning {best[2]:.2f} s; sum {sum(best):.2f} s (best of {args.repeat})")


if __name__ == "__main__":
    main()
