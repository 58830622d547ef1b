"""Response cache for LLM calls, keyed by model identity, messages and sampling settings.

In memory (LRU) by default; give ``path`` to persist answers in a small SQLite file so
repeated runs (benchmarks, re-generated campaigns) skip the model entirely.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def cache_key(model_id: str, messages: Sequence[dict[str, str]], params: dict[str, Any]) -> str:
    """SHA-256 of the model identity, the messages and the sampling settings."""
    blob = json.dumps({"model": model_id, "messages": list(messages), "params": params},
                      sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


class ResponseCache:
    """Thread-safe LRU of answers, optionally backed by SQLite.

    Parameters
    ----------
    max_items : entries kept in memory.
    path : SQLite file for a persistent cache; ``None`` keeps it in memory only.
    """

    def __init__(self, *, max_items: int = 4096, path: str | Path | None = None) -> None:
        self.max_items = max_items
        self.path = Path(path) if path is not None else None
        self._mem: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._db() as con:
                con.execute("CREATE TABLE IF NOT EXISTS llm_cache (key TEXT PRIMARY KEY, text TEXT NOT NULL)")

    def _db(self) -> sqlite3.Connection:
        return sqlite3.connect(str(self.path), timeout=30)

    def get(self, key: str) -> str | None:
        with self._lock:
            if key in self._mem:
                self._mem.move_to_end(key)
                self.hits += 1
                return self._mem[key]
        if self.path is not None:
            with self._db() as con:
                row = con.execute("SELECT text FROM llm_cache WHERE key = ?", (key,)).fetchone()
            if row is not None:
                self._remember(key, row[0])
                with self._lock:
                    self.hits += 1
                return row[0]
        with self._lock:
            self.misses += 1
        return None

    def put(self, key: str, text: str) -> None:
        self._remember(key, text)
        if self.path is not None:
            with self._db() as con:
                con.execute("INSERT OR REPLACE INTO llm_cache (key, text) VALUES (?, ?)", (key, text))

    def _remember(self, key: str, text: str) -> None:
        with self._lock:
            self._mem[key] = text
            self._mem.move_to_end(key)
            while len(self._mem) > self.max_items:
                self._mem.popitem(last=False)

    def __len__(self) -> int:
        return len(self._mem)
