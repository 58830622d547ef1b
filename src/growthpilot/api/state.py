"""Per-app state: the workspace, one lock around the warehouse, keys, audit, caches.

DuckDB connections are not safe for concurrent use, so every warehouse call from the
API goes through :meth:`AppState.locked`. Hot per-customer lookups (recommendations,
scores) are served from :class:`TableIndex`, an in-memory copy refreshed in the
background when the table changes, so the request path never waits on the engine.
"""

from __future__ import annotations

import gc
import json
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pandas as pd

from growthpilot.api.keys import KeyStore, RateLimiter
from growthpilot.api.records import records
from growthpilot.privacy import AuditLog
from growthpilot.warehouse import Warehouse
from growthpilot.workspace import Workspace

log = logging.getLogger("growthpilot.api")


class TableIndex:
    """``table`` rows grouped by ``key_col`` in memory, sorted by ``order_by``."""

    def __init__(self, state: AppState, table: str, key_col: str, order_by: tuple[str, ...] = ()) -> None:
        self.state, self.table, self.key_col, self.order_by = state, table, key_col, order_by
        self._groups: dict[str, list[dict[str, Any]]] | None = None
        self._json: dict[str, list[str]] = {}
        self._signature: tuple | None = None
        self._lock = threading.Lock()

    def _current_signature(self) -> tuple | None:
        wh = self.state.warehouse
        with self.state.locked():
            if not wh.has_table(self.table):
                return None
            if wh.backend == "duckdb":  # cheap: skip expression compilation on the common engine
                cols = {r[0] for r in wh.con.con.execute(f'DESCRIBE "{self.table}"').fetchall()}
                extra = ", max(run_id)" if "run_id" in cols else ""
                return tuple(wh.con.con.execute(f'SELECT count(*){extra} FROM "{self.table}"').fetchone())
            t = wh.table(self.table)
            aggs = {"n": t.count()}
            if "run_id" in t.columns:
                aggs["r"] = t.run_id.max()
            row = wh.read(t.aggregate(**aggs)).iloc[0]
            return tuple(row.tolist())

    def _load(self, signature: tuple | None) -> None:
        wh = self.state.warehouse
        groups: dict[str, list[dict[str, Any]]] = {}
        if signature is not None:
            with self.state.locked():
                df = wh.read(self.table)
            if self.order_by:
                df = df.sort_values([self.key_col, *self.order_by], kind="stable")
            for key, part in df.groupby(self.key_col, sort=False):
                groups[str(key)] = records(part)
        self._json = {k: [json.dumps(r) for r in rows] for k, rows in groups.items()}
        self._groups, self._signature = groups, signature
        # long-lived rows: keep them out of the cyclic GC's full collections (pauses grow with them)
        gc.collect()
        gc.freeze()

    def get(self, key: str) -> list[dict[str, Any]] | None:
        """Rows for ``key`` (empty list when none); ``None`` when the table does not exist."""
        if self._groups is None:
            with self._lock:
                if self._groups is None:
                    self._load(self._current_signature())
        if self._signature is None:
            return None
        return (self._groups or {}).get(str(key), [])

    def get_json(self, key: str) -> list[str] | None:
        """Like :meth:`get`, each row already serialised as JSON text (the hot path)."""
        if self.get(key) is None:
            return None
        return self._json.get(str(key), [])

    def refresh(self) -> bool:
        """Reload when the table's row count or newest run changed; returns whether it did."""
        if self._groups is None:
            return False
        sig = self._current_signature()
        if sig == self._signature:
            return False
        with self._lock:
            self._load(sig)
        return True

    def invalidate(self) -> None:
        self._groups, self._signature = None, None


class AppState:
    """Everything the routes share; one per app."""

    def __init__(self, ws: Workspace, *, flush_seconds: float = 1.0, refresh_seconds: float = 15.0) -> None:
        self.ws = ws
        self.lock = threading.RLock()
        self.keys = KeyStore(ws.warehouse, lock=self.lock)
        self.limiter = RateLimiter()
        self.audit = AuditLog(ws.warehouse, lock=self.lock)
        self.indexes = {
            "recommendations": TableIndex(self, "recommendations", "customer_id", ("rank",)),
            "customer_scores": TableIndex(self, "customer_scores", "customer_id", ("horizon_days",)),
        }
        self.flush_seconds, self.refresh_seconds = flush_seconds, refresh_seconds
        self.use_llm = True
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def warehouse(self) -> Warehouse:
        return self.ws.warehouse

    @contextmanager
    def locked(self) -> Iterator[Warehouse]:
        with self.lock:
            yield self.ws.warehouse

    def read(self, expr_or_name: Any) -> pd.DataFrame:
        with self.lock:
            return self.ws.warehouse.read(expr_or_name)

    def has_table(self, name: str) -> bool:
        with self.lock:
            return self.ws.warehouse.has_table(name)

    def invalidate(self, *tables: str) -> None:
        for name in tables:
            if name in self.indexes:
                self.indexes[name].invalidate()

    # --- background: flush the audit buffer, refresh caches ------------------------------
    def _loop(self) -> None:
        ticks = 0
        while not self._stop.wait(self.flush_seconds):
            ticks += 1
            try:
                self.audit.flush()
                if ticks * self.flush_seconds >= self.refresh_seconds:
                    ticks = 0
                    for idx in self.indexes.values():
                        idx.refresh()
            except Exception:  # keep serving; the next tick retries
                log.exception("background maintenance failed")

    def start(self) -> None:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._loop, name="growthpilot-api-maintenance", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        try:
            self.audit.flush()
        except Exception:
            log.exception("final audit flush failed")
