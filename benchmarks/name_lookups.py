"""How long the first round over many hosts waits for their names: N distinct names looked
up at once through the guarded resolver, each answered by a stand-in for the operating
system's getaddrinfo after a fixed delay (no resolver is asked), against the same lookups in
the event loop's default thread pool (what the resolver used before: min(32, CPUs + 4)
threads).

    .venv/bin/python benchmarks/name_lookups.py --names 1000 --delay-ms 50 --concurrency 64
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import time
from dataclasses import replace
from typing import Any

from bot.check.resolver import GuardedResolver
from bot.check.settings import CheckSettings


def stand_in(delay: float) -> Any:
    def lookup(host: str, port: int, *_: Any) -> list[tuple[Any, ...]]:
        time.sleep(delay)  # a lookup the system resolver answers after `delay`
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", ("127.0.0.1", port))]
    return lookup


async def through_resolver(names: list[str], concurrency: int) -> float:
    settings = replace(CheckSettings(), allow_private=True, concurrency=concurrency)
    resolver = GuardedResolver(settings)
    started = time.perf_counter()
    try:
        await _bounded(names, concurrency, lambda name: resolver.resolve(name, 443))
    finally:
        resolver.close()
    return time.perf_counter() - started


async def through_default_pool(names: list[str], concurrency: int) -> float:
    loop = asyncio.get_running_loop()
    started = time.perf_counter()
    await _bounded(names, concurrency, lambda name: loop.getaddrinfo(name, 443))
    return time.perf_counter() - started


async def _bounded(names: list[str], concurrency: int, lookup: Any) -> None:
    # At most `concurrency` at once, as the checker's workers ask (one name per worker).
    gate = asyncio.Semaphore(concurrency)

    async def one(name: str) -> None:
        async with gate:
            await lookup(name)

    await asyncio.gather(*(one(name) for name in names))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--names", type=int, default=1000)
    parser.add_argument("--delay-ms", type=float, default=50.0)
    parser.add_argument("--concurrency", type=int, default=64)
    args = parser.parse_args()
    socket.getaddrinfo = stand_in(args.delay_ms / 1000)  # type: ignore[assignment]
    names = [f"host{n}.example.test" for n in range(args.names)]
    ours = asyncio.run(through_resolver(names, args.concurrency))
    default = asyncio.run(through_default_pool(names, args.concurrency))
    print(f"{args.names} names, {args.delay_ms:g} ms each, {args.concurrency} at once: "
          f"guarded resolver {ours:.2f} s, event loop's default pool {default:.2f} s")


if __name__ == "__main__":
    main()
