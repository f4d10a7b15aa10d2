"""The benchmark's simulated web: H loopback hosts, each with a latency and a server-side cap.

Host i listens on 127.0.0.(2+i) (all of 127/8 is routed to `lo` on Linux), every host on
the same port, so each simulated site is a distinct host *name* for every link checker:
all of them key their per-host limits by host. Each host answers after `latency` seconds,
at most `cap` requests at a time (a semaphore: the rest queue, as on a real throttled site).
Paths under `/gone/` answer 404 (the known-broken links); everything else is a small
200 HTML page. Hosts 0..K-1 can be made slow (`--slow-hosts`, a long latency), the next
`--drip-hosts` hostile: a 200 head, then a body that drips one chunk every 100 ms and never
ends (bounded by DRIP_LIMIT_S or the client hanging up); the next `--shell-hosts` are
single-page-app hosts with a catch-all: their `/docs/` pages are short and load a script (so
each could be an app shell, and a careful checker probes the host once), and every other path,
`/gone/` included, answers 200 with the same app shell (the known-broken links are soft 404s).

With `--caps LO-HI` host i allows LO + i % (HI-LO+1) requests at once instead of `--cap`;
with `--refuse` a request above a host's cap is answered 429 at once (Retry-After:
REFUSE_RETRY_AFTER_S) instead of queueing, as a rate-limited site does; the refusals are
counted per host.

The hosts are sharded over `--workers` processes (host i belongs to worker i % W), so each
host's semaphore lives in exactly one process and the cap is exact. Each worker counts
requests per (host, path, method) and reports them, with its own CPU time, at
`/__bench/stats` on any of its hosts; `POST /__bench/reset` clears them.

Server cost (measured with wrk, latency 0, one worker): about 16,000 requests/s on one core,
i.e. ~0.06 ms of CPU per request, ~0.6 s of CPU per 10,000 links; uvloop measured no faster
(14,500/s), so the default loop is used. The runner reports the server's CPU per run.

With `--tls-dir`, every host serves https under a certificate of its own naming its address,
signed by a certificate authority made for the run (clients trust its ca.pem through
SSL_CERT_FILE).

Loopback only; every process stops by itself after `--max-seconds`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import ipaddress
import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import web

FIRST_HOST = ipaddress.IPv4Address("127.0.0.2")
CONTROL_PREFIX = "/__bench/"
BROKEN_PREFIX = "/gone/"
MOVED_PREFIX = "/moved"  # where a moved host's pages are now, on the last host
PAGE = (
    "<!doctype html><html lang=en><head><meta charset=utf-8>"
    "<title>Simulated page {path}</title></head>"
    "<body><h1>Simulated page</h1><p>A healthy page of the benchmark web.</p></body></html>"
)
NOT_FOUND = "<!doctype html><title>404 Not Found</title><h1>Not Found</h1>"
SHELL_PAGE = PAGE.replace("</head>", '<script src="/assets/app.js"></script></head>')
APP_SHELL = (
    "<!doctype html><html lang=en><head><meta charset=utf-8><title>Simulated app</title>"
    '<script type=module src="/assets/index-4f2a9c.js"></script></head>'
    "<body><noscript>Enable JavaScript to run this app.</noscript><div id=root></div></body></html>"
)
DOCS_PREFIX = "/docs/"
DRIP_INTERVAL_S = 0.1
DRIP_LIMIT_S = 120.0
REFUSE_RETRY_AFTER_S = 1


def host_address(index: int) -> str:
    """The loopback address of simulated host `index` (0-based)."""
    address = FIRST_HOST + index
    if not address.is_loopback:
        raise ValueError(f"host index {index} leaves 127.0.0.0/8")
    return str(address)


@dataclass
class HostState:
    """Counters and the server-side cap of one simulated host."""

    index: int
    kind: str  # "fast", "slow", "drip", "shell", "failing" or "moved"
    latency: float
    cap: int
    semaphore: asyncio.Semaphore
    inflight: int = 0
    max_inflight: int = 0
    refused: int = 0
    first_arrival: float | None = None
    last_done: float | None = None
    counts: dict[tuple[str, str], int] = field(default_factory=dict)
    peers: set[object] = field(default_factory=set)

    def arrive(self, method: str, path: str, peer: object) -> None:
        """Count one request as it arrives (before it queues for the cap)."""
        self.peers.add(peer)  # distinct client ports: connections opened (keep-alive or not)
        key = (method, path)
        self.counts[key] = self.counts.get(key, 0) + 1
        self.inflight += 1
        self.max_inflight = max(self.max_inflight, self.inflight)
        if self.first_arrival is None:
            self.first_arrival = time.time()

    def depart(self) -> None:
        """Mark one request answered."""
        self.inflight -= 1
        self.last_done = time.time()

    def reset(self) -> None:
        """Forget everything counted so far (between two tools' runs)."""
        self.counts.clear()
        self.peers.clear()
        self.max_inflight = self.inflight
        self.refused = 0
        self.first_arrival = None
        self.last_done = None

    def stats(self) -> dict[str, object]:
        """This host's counters as JSON-ready data."""
        return {
            "index": self.index,
            "kind": self.kind,
            "latency": self.latency,
            "cap": self.cap,
            "inflight": self.inflight,
            "max_inflight": self.max_inflight,
            "refused": self.refused,
            "connections": len(self.peers),
            "first_arrival": self.first_arrival,
            "last_done": self.last_done,
            "requests": [[m, p, n] for (m, p), n in self.counts.items()],
        }


@dataclass(frozen=True)
class WorkerConfig:
    """What one worker process serves."""

    port: int
    hosts: int
    workers: int
    worker: int
    latency: float
    cap: int
    slow_hosts: int
    slow_latency: float
    drip_hosts: int
    shell_hosts: int
    max_seconds: float
    caps: tuple[int, int] | None = None  # (lo, hi): host i allows lo + i % (hi - lo + 1)
    refuse: bool = False  # above the cap: 429 at once instead of a queue
    tls_dir: str = ""  # serve https with the certificates in tls_dir (see write_certificates)
    failing_hosts: int = 0  # after the shell hosts: 502 to every request (a dead backend)
    # After the failing hosts: every page moved to the last host (301 to /moved/PATH there),
    # whose own links stay where they are: a site that moved its docs to another host.
    moved_hosts: int = 0

    def my_hosts(self) -> list[int]:
        """Indices of the hosts this worker owns."""
        return list(range(self.worker, self.hosts, self.workers))

    def kind_of(self, index: int) -> str:
        """Hosts 0..slow_hosts-1 are slow, the next drip_hosts drip, the next shell_hosts are
        app-shell hosts, the next failing_hosts answer 502, the next moved_hosts redirect to
        the last host, the rest are fast."""
        if index < self.slow_hosts:
            return "slow"
        if index < self.slow_hosts + self.drip_hosts:
            return "drip"
        special = self.slow_hosts + self.drip_hosts + self.shell_hosts
        if index < special:
            return "shell"
        if index < special + self.failing_hosts:
            return "failing"
        return "moved" if index < special + self.failing_hosts + self.moved_hosts else "fast"

    def cap_of(self, index: int) -> int:
        """How many requests host `index` serves at once."""
        if self.caps is None:
            return self.cap
        low, high = self.caps
        return low + index % (high - low + 1)

    def latency_of(self, index: int) -> float:
        """How long the host takes before it answers."""
        return self.slow_latency if self.kind_of(index) == "slow" else self.latency


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def make_app(config: WorkerConfig) -> web.Application:
    """The aiohttp app of one worker: link pages plus the control endpoints."""
    states = {
        host_address(i): HostState(
            i, config.kind_of(i), config.latency_of(i), config.cap_of(i),
            asyncio.Semaphore(config.cap_of(i)),
        )
        for i in config.my_hosts()
    }

    async def serve(request: web.Request) -> web.StreamResponse:
        if request.path.startswith(CONTROL_PREFIX):
            return control(request, states)
        state = states[local_address(request)]
        peer = request.transport.get_extra_info("peername") if request.transport else None
        state.arrive(request.method, request.path, peer)
        if config.refuse and state.inflight > state.cap:
            state.refused += 1
            state.depart()
            return refusal()
        try:
            async with state.semaphore:
                await asyncio.sleep(state.latency)
                if state.kind == "drip":
                    return await drip(request)
                if state.kind == "failing":
                    return web.Response(status=502, text="Bad Gateway")
                if state.kind == "moved" and not request.path.startswith(BROKEN_PREFIX):
                    return moved(request, host_address(config.hosts - 1))
        finally:
            state.depart()
        return page_response(request.path, state.kind == "shell")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", serve)
    return app


async def drip(request: web.Request) -> web.StreamResponse:
    """A 200 whose body never ends: one small chunk every DRIP_INTERVAL_S (bounded)."""
    response = web.StreamResponse(headers={"Content-Type": "text/html; charset=utf-8"})
    await response.prepare(request)
    await response.write(b"<!doctype html><html><head><title>Drip</title></head><body>")
    try:
        for _ in range(int(DRIP_LIMIT_S / DRIP_INTERVAL_S)):
            await asyncio.sleep(DRIP_INTERVAL_S)
            await response.write(b"<p>more</p>\n")
        await response.write_eof()
    except ConnectionResetError:
        pass  # the client gave up, as it should
    return response


def moved(request: web.Request, target: str) -> web.Response:
    """A page that moved for good to `target` (same scheme and port), under /moved/."""
    location = request.url.with_host(target).with_path(MOVED_PREFIX + request.path)
    return web.Response(status=301, headers={"Location": str(location), "LinkChecker": "benchmark"})


def refusal() -> web.Response:
    """What a rate-limited host answers to a request above its cap."""
    headers = {"Retry-After": str(REFUSE_RETRY_AFTER_S), "LinkChecker": "benchmark"}
    return web.Response(status=429, text="too many requests", headers=headers)


def local_address(request: web.Request) -> str:
    """The address the client connected to: that is the simulated host."""
    sockname = request.transport.get_extra_info("sockname") if request.transport else None
    return str(sockname[0]) if sockname else ""


def page_response(path: str, shell: bool = False) -> web.Response:
    """A 404 for the known-broken paths, a small HTML page for everything else; on an
    app-shell host, a scripted page under /docs/ and the app shell everywhere else."""
    # LinkChecker only goes past 10 requests/s per host when the server opts in with this header.
    headers = {"LinkChecker": "benchmark"}
    if shell:
        text = SHELL_PAGE.format(path=path) if path.startswith(DOCS_PREFIX) else APP_SHELL
        return web.Response(text=text, content_type="text/html", headers=headers)
    if path.startswith(BROKEN_PREFIX):
        return web.Response(status=404, text=NOT_FOUND, content_type="text/html", headers=headers)
    return web.Response(text=PAGE.format(path=path), content_type="text/html", headers=headers)


def control(request: web.Request, states: dict[str, HostState]) -> web.Response:
    """`/__bench/stats` (GET) and `/__bench/reset` (POST) for the benchmark runner."""
    if request.path == CONTROL_PREFIX + "reset" and request.method == "POST":
        for state in states.values():
            state.reset()
        return web.json_response({"reset": len(states)})
    if request.path == CONTROL_PREFIX + "stats":
        times = os.times()
        return web.json_response(
            {
                "pid": os.getpid(),
                "cpu_s": times.user + times.system,
                "hosts": [s.stats() for s in states.values()],
            }
        )
    return web.Response(status=404, text="unknown control path")


async def serve_worker(config: WorkerConfig) -> None:
    """Bind every host of this worker, say `ready`, then serve until stopped or timed out."""
    # A request whose client gave up (timed out) must leave the host's queue, or it would
    # keep the host busy into the next tool's run.
    runner = web.AppRunner(
        make_app(config), access_log=None, handle_signals=False, handler_cancellation=True
    )
    await runner.setup()
    for index in config.my_hosts():
        tls = None
        if config.tls_dir:
            tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            folder = Path(config.tls_dir)
            tls.load_cert_chain(folder / f"host-{index}.pem", folder / "key.pem")
        await web.TCPSite(runner, host_address(index), config.port, backlog=2048,
                          ssl_context=tls).start()
    print("ready", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=config.max_seconds)
    await runner.cleanup()


def write_certificates(directory: Path, addresses: list[str]) -> None:
    """A certificate authority (ca.pem, which clients trust through SSL_CERT_FILE, as they
    would a real one) and, signed by it, a certificate for each simulated host naming its
    address (host-N.pem, one key.pem for all), in `directory`. One certificate per host, as on
    the web: one naming all 200 addresses made each client's handshake decode 200 names."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.datetime.now(datetime.UTC)

    def issued(subject: str, key: ec.EllipticCurvePrivateKey) -> x509.CertificateBuilder:
        return (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
            .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "simulated CA")]))
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(hours=1))
            .not_valid_after(now + datetime.timedelta(days=2))
        )  # fmt: skip

    ca_key = ec.generate_private_key(ec.SECP256R1())  # what most real sites serve now
    ca = issued("simulated CA", ca_key).add_extension(
        x509.BasicConstraints(ca=True, path_length=0), critical=True).sign(ca_key, hashes.SHA256())
    key = ec.generate_private_key(ec.SECP256R1())
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (directory / "key.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    for index, address in enumerate(addresses):
        cert = (
            issued(address, key)
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address(address))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]),
                           critical=False)
            .sign(ca_key, hashes.SHA256())
        )  # fmt: skip
        (directory / f"host-{index}.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def free_port() -> int:
    """A port that is free on the first simulated host (the others are checked by binding)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host_address(0), 0))
        return int(sock.getsockname()[1])


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options of the simulated web."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=200)
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--cap", type=int, default=4, help="concurrent requests per host")
    parser.add_argument("--caps", default="", help="LO-HI: per-host caps spread over a range")
    parser.add_argument("--refuse", action="store_true", help="429 above the cap, no queue")
    parser.add_argument("--workers", type=int, default=2, help="server processes")
    parser.add_argument("--slow-hosts", type=int, default=0, help="hosts 0..K-1 are slow")
    parser.add_argument("--slow-latency-ms", type=float, default=5000.0)
    parser.add_argument("--drip-hosts", type=int, default=0, help="hosts with endless bodies")
    parser.add_argument("--shell-hosts", type=int, default=0, help="app-shell (catch-all) hosts")
    parser.add_argument("--failing-hosts", type=int, default=0, help="hosts answering 502")
    parser.add_argument("--moved-hosts", type=int, default=0,
                        help="hosts whose pages moved to the last host (301)")
    parser.add_argument("--max-seconds", type=float, default=3600.0, help="stop by itself")
    parser.add_argument("--tls-dir", default="",
                        help="serve https; a certificate for every host is written here")
    parser.add_argument("--worker", type=int, default=-1, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def worker_config(args: argparse.Namespace, worker: int) -> WorkerConfig:
    """The frozen settings of worker `worker`."""
    return WorkerConfig(
        port=args.port,
        hosts=args.hosts,
        workers=args.workers,
        worker=worker,
        latency=args.latency_ms / 1000,
        cap=args.cap,
        slow_hosts=args.slow_hosts,
        slow_latency=args.slow_latency_ms / 1000,
        drip_hosts=args.drip_hosts,
        shell_hosts=args.shell_hosts,
        max_seconds=args.max_seconds,
        caps=parse_caps(args.caps),
        refuse=args.refuse,
        tls_dir=args.tls_dir,
        failing_hosts=args.failing_hosts,
        moved_hosts=args.moved_hosts,
    )


def parse_caps(text: str) -> tuple[int, int] | None:
    """`LO-HI` -> (lo, hi); empty -> None (every host has `--cap`)."""
    if not text:
        return None
    low, _, high = text.partition("-")
    return int(low), int(high or low)


def spawn_workers(args: argparse.Namespace) -> list[subprocess.Popen[str]]:
    """Start one process per worker and wait until each has bound its hosts."""
    base = [sys.executable, os.path.abspath(__file__)]
    options = [
        f"--{k.replace('_', '-')}" if v is True else f"--{k.replace('_', '-')}={v}"
        for k, v in vars(args).items()
        if k != "worker" and v is not False
    ]
    children = [
        subprocess.Popen([*base, *options, f"--worker={w}"], stdout=subprocess.PIPE, text=True)
        for w in range(args.workers)
    ]
    for child in children:
        line = child.stdout.readline() if child.stdout else ""
        if line.strip() != "ready":
            stop_workers(children)
            raise SystemExit(f"simweb: a worker failed to start (port {args.port} taken?)")
    return children


def stop_workers(children: list[subprocess.Popen[str]]) -> None:
    """Terminate the workers and reap them (bounded wait, then kill)."""
    for child in children:
        if child.poll() is None:
            child.terminate()
    for child in children:
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def supervise(args: argparse.Namespace) -> None:
    """The parent: start the workers, print `READY <port> <workers>`, stop them on a signal."""
    children = spawn_workers(args)
    print(json.dumps({"ready": True, "port": args.port, "workers": args.workers}), flush=True)
    stopping: list[int] = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda signum, _frame: stopping.append(signum))
    deadline = time.monotonic() + args.max_seconds
    while not stopping and time.monotonic() < deadline and all(c.poll() is None for c in children):
        time.sleep(0.2)
    stop_workers(children)


def main(argv: list[str] | None = None) -> None:
    """Entry point: a worker when `--worker` is given, else the supervising parent."""
    args = parse_args(argv)
    if args.worker >= 0:
        asyncio.run(serve_worker(worker_config(args, args.worker)))
        return
    if args.port == 0:
        args.port = free_port()
    host_address(args.hosts - 1)  # fails early when the hosts do not fit in 127/8
    if args.tls_dir:
        write_certificates(Path(args.tls_dir), [host_address(i) for i in range(args.hosts)])
    supervise(args)


if __name__ == "__main__":
    main()
