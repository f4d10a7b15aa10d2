"""What roadmap-bot's verdict and freshness scrape cost per page on a large page, in process
(no network): a synthetic page shaped like a modern docs or blog page (inline script and
styles in its head, a modified-time meta tag, navigation, long text), cut to the body prefix
the checker keeps (256 KiB). The simulated web's pages are 250 bytes; real ones are not.

    .venv/bin/python benchmarks/page_cost.py --kb 275 --calls 50
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable

from multidict import CIMultiDict, CIMultiDictProxy

from bot.check.classify import classify
from bot.check.observation import Observation
from bot.check.settings import CheckSettings
from bot.freshness.scrape import scrape_page
from bot.model import PageSnapshot

WORDS = ["the", "of", "and", "to", "in", "model", "data", "pipeline", "deploy", "training", "feature", "store", "monitoring", "drift", "kubernetes", "docker", "mlops"]


def synthetic_page(kb: int) -> bytes:
    """About `kb` KiB of HTML: head with 24 KB of inline script and 26 KB of style."""
    rng = random.Random(1)

    def words(n: int) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(n))

    head = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        "<title>Feature stores for MLOps | Example Docs</title>"
        f'<meta name="description" content="{words(30)}">'
        '<meta property="og:title" content="Feature stores">'
        '<meta property="article:modified_time" content="2024-05-01T10:00:00Z">'
        + "".join(f'<link rel="stylesheet" href="/assets/s{i}.css">' for i in range(20))
        + "<script>" + "var x=1;" * 3000 + "</script><style>" + ".a{color:red}" * 2000
        + "</style></head>"
    )
    body = ["<body><nav>", *(f'<a href="/p{i}">{words(3)}</a>' for i in range(300)),
            "</nav><main><h1>Feature stores</h1>"]
    page = head + "".join(body)
    while len(page) < kb * 1024:
        page += f"<div class=c><p>{words(60)}</p><pre>{words(20)}</pre></div>"
    return (page + "</main></body></html>").encode()


def per_call_ms(fn: Callable[[], object], calls: int) -> float:
    fn()
    started = time.process_time()
    for _ in range(calls):
        fn()
    return (time.process_time() - started) / calls * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb", type=int, default=275)
    parser.add_argument("--calls", type=int, default=50)
    args = parser.parse_args()
    kept = synthetic_page(args.kb)[: CheckSettings().max_decompressed_bytes]
    headers = CIMultiDictProxy(CIMultiDict({"Content-Type": "text/html; charset=utf-8"}))
    url = "https://docs.example.org/feature-stores"
    seen = Observation(url, final_url=url, final_status=200, final_headers=headers, body=kept,
                       encoding="utf-8")
    snapshot = PageSnapshot(url, 200, headers, kept, "utf-8")
    verdict = per_call_ms(lambda: classify(seen), args.calls)
    scrape = per_call_ms(lambda: scrape_page(snapshot), args.calls)
    print(f"{len(kept) // 1024} KiB kept: classify {verdict:.2f} ms, scrape {scrape:.2f} ms, "
          f"together {verdict + scrape:.2f} ms a page ({args.calls} calls each, CPU time)")


if __name__ == "__main__":
    main()
