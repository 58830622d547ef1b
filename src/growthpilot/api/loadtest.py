"""An open-loop HTTP/1.1 load generator (plain asyncio streams, keep-alive) for loopback benchmarks.

Requests are *scheduled* at a fixed rate; latency is measured from each request's
scheduled start (so a stalled server cannot hide queueing: no coordinated omission) and,
separately, from when it was actually sent. Any non-2xx answer or transport error counts
as an error.
"""

from __future__ import annotations

import asyncio
import itertools
import re
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

from growthpilot.errors import ValidationError

_LENGTH = re.compile(rb"content-length:\s*(\d+)")


@dataclass
class LoadResult:
    target_rps: float
    seconds: float
    requests: int
    errors: int
    achieved_rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    p99_ms_from_send: float
    status_counts: dict[str, int]

    def as_dict(self) -> dict:
        return asdict(self)


def _host_is_loopback(base_url: str) -> bool:
    from urllib.parse import urlparse

    host = urlparse(base_url).hostname or ""
    return host in ("127.0.0.1", "localhost", "::1")


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Read one HTTP/1.1 response; returns (status, server wants to close)."""
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    lower = head.lower()
    m = _LENGTH.search(lower)
    if m:
        await reader.readexactly(int(m.group(1)))
    elif b"transfer-encoding: chunked" in lower:
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    return status, b"connection: close" in lower


async def _run(base_url: str, paths: Sequence[str], headers: dict[str, str], rps: float, seconds: float,
               timeout: float, connections: int) -> tuple[list[float], list[float], dict[str, int]]:
    from urllib.parse import urlparse

    url = urlparse(base_url)
    host, port = url.hostname or "127.0.0.1", url.port or 80
    extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    n = int(rps * seconds)
    sched_lat: list[float] = []
    send_lat: list[float] = []
    statuses: dict[str, int] = {}
    queue: asyncio.Queue = asyncio.Queue()

    async def worker() -> None:
        conn = None
        while True:
            item = await queue.get()
            if item is None:
                break
            due, path = item
            sent = time.perf_counter()
            try:
                if conn is None:
                    conn = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
                reader, writer = conn
                writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n{extra}\r\n".encode())
                status, close = await asyncio.wait_for(_read_response(reader), timeout)
                code = str(status)
                if close:
                    writer.close()
                    conn = None
            except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError, ValueError) as exc:
                code = type(exc).__name__
                if conn is not None:
                    conn[1].close()
                conn = None
            done = time.perf_counter()
            statuses[code] = statuses.get(code, 0) + 1
            sched_lat.append((done - due) * 1000.0)
            send_lat.append((done - sent) * 1000.0)
        if conn is not None:
            conn[1].close()

    workers = [asyncio.create_task(worker()) for _ in range(connections)]
    path_iter = itertools.cycle(paths)
    start = time.perf_counter() + 0.05
    for i in range(n):
        due = start + i / rps
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        queue.put_nowait((due, next(path_iter)))
    for _ in workers:
        queue.put_nowait(None)
    await asyncio.gather(*workers)
    return sched_lat, send_lat, statuses


def run_load(base_url: str, paths: Sequence[str], *, headers: dict[str, str] | None = None, rps: float = 200.0,
             seconds: float = 60.0, timeout: float = 10.0, connections: int = 32) -> LoadResult:
    """Send ``rps`` GET requests per second for ``seconds`` to ``paths`` (cycled) on a loopback server."""
    if not _host_is_loopback(base_url):
        raise ValidationError("the load generator only targets loopback", value=base_url,
                              expected="http://127.0.0.1:PORT")
    if not paths or rps <= 0 or seconds <= 0 or rps * seconds > 1_000_000:
        raise ValidationError("bad load shape", value=(len(paths), rps, seconds),
                              expected="paths, rps > 0, seconds > 0, at most 1e6 requests")
    t0 = time.perf_counter()
    sched, sent, statuses = asyncio.run(_run(base_url, paths, headers or {}, rps, seconds, timeout, connections))
    wall = time.perf_counter() - t0
    lat = np.asarray(sched)
    errors = sum(v for k, v in statuses.items() if not (k.isdigit() and 200 <= int(k) < 300))
    return LoadResult(
        target_rps=rps, seconds=round(wall, 2), requests=len(lat), errors=errors,
        achieved_rps=round(len(lat) / max(seconds, 1e-9), 1),
        p50_ms=round(float(np.percentile(lat, 50)), 2), p90_ms=round(float(np.percentile(lat, 90)), 2),
        p99_ms=round(float(np.percentile(lat, 99)), 2), max_ms=round(float(lat.max()), 2),
        p99_ms_from_send=round(float(np.percentile(np.asarray(sent), 99)), 2), status_counts=statuses,
    )
