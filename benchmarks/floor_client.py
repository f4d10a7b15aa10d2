"""The floor: a minimal HTTP client that fetches every link of a roadmap once.

No parsing beyond the status line and Content-Length, no redirects, no verdicts: per host,
`--per-host` keep-alive connections each walk their share of the host's links. Its wall
time is what this machine and the simulated web allow at best, so it shows how much of a
checker's time is the checker's own. `--aiohttp` does the same through one aiohttp
ClientSession (GET, read the body), which is what any aiohttp-based checker pays at least.
Prints `{"failed": {url: status}}` as JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
import re
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp

LINK = re.compile(r"\]\((http://[^)\s]+)\)")


async def fetch_lane(host: str, port: int, urls: list[str], statuses: dict[str, int]) -> None:
    """One keep-alive connection fetching `urls` one after the other."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        for url in urls:
            path = urlsplit(url).path
            writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
            statuses[url] = int((await reader.readline()).split()[1])
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            await reader.readexactly(length)
    finally:
        writer.close()


async def aiohttp_lane(
    session: aiohttp.ClientSession, urls: list[str], statuses: dict[str, int]
) -> None:
    """The same lane through aiohttp: GET, read the body, next."""
    for url in urls:
        async with session.get(url, allow_redirects=False) as response:
            await response.read()
            statuses[url] = response.status


def lanes(urls: list[str], per_host: int) -> list[tuple[str, int, list[str]]]:
    """Split each host's URLs round-robin over `per_host` connections."""
    by_host: dict[tuple[str, int], list[str]] = defaultdict(list)
    for url in urls:
        parts = urlsplit(url)
        if not ipaddress.ip_address(parts.hostname or "0.0.0.0").is_loopback:
            raise SystemExit(f"refusing a non-loopback URL: {url}")
        by_host[(parts.hostname or "", parts.port or 80)].append(url)
    return [
        (host, port, share[i::per_host])
        for (host, port), share in by_host.items()
        for i in range(min(per_host, len(share)))
    ]


async def check_all(
    urls: list[str], per_host: int, limit: float, use_aiohttp: bool
) -> dict[str, int]:
    """Fetch every URL; give up (bounded) after `limit` seconds."""
    statuses: dict[str, int] = {}
    plan = lanes(urls, per_host)
    if not use_aiohttp:
        jobs = [fetch_lane(host, port, share, statuses) for host, port, share in plan]
        await asyncio.wait_for(asyncio.gather(*jobs), timeout=limit)
        return statuses
    connector = aiohttp.TCPConnector(limit=len(plan), limit_per_host=per_host)
    async with aiohttp.ClientSession(connector=connector) as session:
        jobs = [aiohttp_lane(session, share, statuses) for _, _, share in plan]
        await asyncio.wait_for(asyncio.gather(*jobs), timeout=limit)
    return statuses


def main() -> None:
    """CLI entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("markdown", type=Path)
    parser.add_argument("--per-host", type=int, default=4)
    parser.add_argument("--limit", type=float, default=600.0)
    parser.add_argument("--aiohttp", action="store_true", help="go through aiohttp")
    args = parser.parse_args()
    urls = LINK.findall(args.markdown.read_text(encoding="utf-8"))
    statuses = asyncio.run(check_all(urls, args.per_host, args.limit, args.aiohttp))
    failed = {url: statuses.get(url, 0) for url in urls if statuses.get(url) != 200}
    print(json.dumps({"checked": len(statuses), "failed": failed}))


if __name__ == "__main__":
    main()
