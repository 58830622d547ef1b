"""The audit log: one row for every write and every read of personal data.

Rows are buffered in memory and flushed in batches (the API flushes from a background
thread every second and before erasure), so auditing does not slow the request path.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

import pandas as pd

from growthpilot.warehouse import TableContract, Warehouse, register

AUDIT_LOG = register(TableContract(
    "audit_log",
    {"audit_id": "string", "ts": "timestamp", "key_id": "string", "role": "string", "action": "string",
     "method": "string", "path": "string", "subject_id": "string", "status": "int64", "detail": "string"},
    keys=("audit_id",), required=("audit_id", "ts", "action"),
    description="Every write and every read of personal data: who (key), what (path, subject), when, outcome.",
))


@dataclass
class AuditEntry:
    """One audited access. ``subject_id`` names the customer touched, when there is one."""

    action: str
    key_id: str = ""
    role: str = ""
    method: str = ""
    path: str = ""
    subject_id: str | None = None
    status: int = 0
    detail: str = ""
    audit_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    ts: datetime = field(default_factory=lambda: datetime.now(UTC).replace(tzinfo=None))


class AuditLog:
    """A thread-safe buffer in front of the ``audit_log`` table."""

    def __init__(self, warehouse: Warehouse, *, lock: threading.RLock | None = None) -> None:
        self.warehouse = warehouse
        self._buffer: list[AuditEntry] = []
        self._buf_lock = threading.Lock()
        self._wh_lock = lock or threading.RLock()

    def record(self, entry: AuditEntry) -> None:
        """Queue one entry (cheap; call :meth:`flush` to persist)."""
        with self._buf_lock:
            self._buffer.append(entry)

    def pending(self) -> int:
        with self._buf_lock:
            return len(self._buffer)

    def flush(self) -> int:
        """Write queued entries to the warehouse; returns how many were written."""
        with self._buf_lock:
            batch, self._buffer = self._buffer, []
        if not batch:
            return 0
        df = pd.DataFrame([asdict(e) for e in batch])
        try:
            with self._wh_lock:
                if not self.warehouse.has_table("audit_log"):
                    self.warehouse.write("audit_log", df, mode="replace")
                elif self.warehouse.backend == "duckdb":  # fast path: DuckDB's native append
                    cols = list(AUDIT_LOG.columns)
                    self.warehouse.con.con.append("audit_log", AUDIT_LOG.conform(df)[cols])
                else:
                    self.warehouse.write("audit_log", df, mode="append")
        except Exception:
            with self._buf_lock:  # keep them for the next try
                self._buffer = batch + self._buffer
            raise
        return len(batch)

    def drop_subject(self, identifiers: set[str]) -> int:
        """Forget queued entries naming any of ``identifiers`` (erasure of the buffer)."""
        with self._buf_lock:
            before = len(self._buffer)
            self._buffer = [
                e for e in self._buffer
                if not any(i and (i == e.subject_id or i in e.path or i in e.detail) for i in identifiers)
            ]
            return before - len(self._buffer)
