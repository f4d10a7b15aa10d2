"""What roadmap-bot's own checking costs per link, with the network taken out: every request
is answered at once, in process, by the answer the simulated web gives (the same page, 404
for the known-broken paths), and the 10,000 links go through the whole check of one
process (planning, per-host windows and ceilings, the redirect walk, classification, the
freshness scrape, results). What is left of a real run's CPU beyond this is the network
path (sockets, the HTTP client, the kernel), start-up and the report.

    .venv/bin/python benchmarks/checker_cost.py --links 10000 --repeat 5
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import tempfile
from collections.abc import Mapping
from email.utils import formatdate
from pathlib import Path

from generate import make_plan, write_inputs
from multidict import CIMultiDict, CIMultiDictProxy
from simweb_bench import BROKEN_PREFIX, NOT_FOUND, PAGE

from bot.check import http
from bot.check.classify import classify
from bot.check.observation import Observation
from bot.check.parallel import check_in_workers
from bot.check.settings import CheckSettings
from bot.check.target import Target
from bot.extract.collect import links_from_inputs
from bot.freshness.scrape import scrape_page
from bot.model import PageSnapshot

DATE = formatdate(usegmt=True)  # one date for the run: formatting it is no cost of the bot's


def simulated_answer(path: str) -> http.Answer:
    """The simulated web's answer to `path`, headers as its server writes them."""
    status, text = (
        (404, NOT_FOUND) if path.startswith(BROKEN_PREFIX) else (200, PAGE.format(path=path))
    )
    body = text.encode()
    headers = CIMultiDictProxy(
        CIMultiDict(
            {
                "LinkChecker": "benchmark",
                "Content-Type": "text/html; charset=utf-8",
                "Content-Length": str(len(body)),
                "Date": DATE,
                "Server": "Python/3.11 aiohttp/3.14.5",
            }
        )
    )
    return http.Answer(status, headers, body=body, encoding="utf-8", bytes_read=len(body))


async def answer_at_once(
    self: http.HttpClient, method: str, target: Target, headers: Mapping[str, str]
) -> http.Answer:
    await asyncio.sleep(0)  # a request still yields to the event loop once
    return simulated_answer(target.raw_path_qs)


def per_page_us(calls: int) -> tuple[float, float]:
    """CPU a verdict and a freshness scrape take on the simulated page, alone (us each)."""
    url = "http://127.0.0.2:8080/docs/page-1.html"
    answer = simulated_answer("/docs/page-1.html")
    seen = Observation(
        url,
        final_url=url,
        final_status=200,
        final_headers=answer.headers,
        body=answer.body,
        encoding="utf-8",
    )
    snapshot = PageSnapshot(url, 200, answer.headers, answer.body, "utf-8")
    spent = []
    for call in (lambda: classify(seen), lambda: scrape_page(snapshot)):
        started = cpu_seconds()
        for _ in range(calls):
            call()
        spent.append(1e6 * (cpu_seconds() - started) / calls)
    return spent[0], spent[1]


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--links", type=int, default=10_000)
    parser.add_argument("--hosts", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-scrape", action="store_true", help="without the freshness scrape")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="rb-cost-") as folder:
        markdown, _ = write_inputs(make_plan(args.links, args.hosts, 8080), Path(folder))
        links = links_from_inputs([str(markdown)])
    settings = CheckSettings(allow_private=True, concurrency=args.hosts * 4, per_host=4)
    if not hasattr(http.HttpClient, "_request"):  # renamed: the run would go to the network
        raise SystemExit("HttpClient._request is gone: update answer_at_once's target")
    http.HttpClient._request = answer_at_once  # type: ignore[method-assign]
    hook = None if args.no_scrape else scrape_page
    seconds = []
    for _ in range(args.repeat):
        started = cpu_seconds()
        report = asyncio.run(check_in_workers(links, settings, 1, page_hook=hook))
        seconds.append(cpu_seconds() - started)
    counts = report.summary.to_json()
    print(
        f"{args.links} links ({counts['ok']} ok, {counts['broken']} broken), one process, "
        f"{'no freshness scrape, ' if args.no_scrape else ''}"
        f"answers given at once: {min(seconds):.2f} s of CPU best, "
        f"{statistics.median(seconds):.2f} s median of {args.repeat} "
        f"({1e6 * statistics.median(seconds) / args.links:.0f} us a link)"
    )
    verdict, scrape = per_page_us(args.links)
    print(f"of which, alone on the same page: a verdict {verdict:.0f} us, a scrape {scrape:.0f} us")


if __name__ == "__main__":
    main()
