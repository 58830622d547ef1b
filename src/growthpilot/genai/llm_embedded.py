"""Embedded llama.cpp backend through the prebuilt ``xllamacpp`` wheel (any GGUF file).

The model runs in-process; no server, no network. With no ``model_path`` the packaged
SmolLM2-135M-Instruct GGUF is used after its SHA-256 is verified
(:mod:`growthpilot.genai.packaged_model`). Timeouts are enforced inside the token stream:
the stream callback tells llama.cpp to stop once the deadline passes.
"""

from __future__ import annotations

import os
import queue
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from growthpilot.errors import require
from growthpilot.genai.llm_base import GenerationParams, LLMBackend, LLMError, LLMTimeoutError, Message
from growthpilot.genai.llm_cache import ResponseCache
from growthpilot.genai.packaged_model import DEFAULT_MODEL, default_model_path, file_sha256, verify_model_file

_DONE = object()


def default_threads() -> int:
    """llama.cpp threads: half the cores, at least 1 (full use of a shared CPU makes spin-waits stall)."""
    return max(1, (os.cpu_count() or 2) // 2)


class EmbeddedLlamaBackend(LLMBackend):
    """llama.cpp in-process via xllamacpp.

    Parameters
    ----------
    model_path : GGUF file; ``None`` = the packaged default model (checksum verified).
    sha256 : expected checksum of ``model_path``; verified when given.
    n_ctx : context window (tokens), shared across parallel slots.
    n_threads : CPU threads; default half the cores.
    n_parallel : llama.cpp slots decoded together (continuous batching); also the concurrency limit.
    n_gpu_layers : layers offloaded to a GPU wheel build (0 on the CPU wheel).
    verbose : let llama.cpp print its log.
    timeout_s, retries, backoff_s, cache : see :class:`LLMBackend`.
    """

    name = "embedded"

    def __init__(self, *, model_path: str | Path | None = None, sha256: str | None = None, n_ctx: int = 2048,
                 n_threads: int | None = None, n_parallel: int = 1, n_gpu_layers: int = 0, verbose: bool = False,
                 timeout_s: float = 300.0, retries: int = 0, backoff_s: float = 0.5,
                 cache: ResponseCache | None = None) -> None:
        super().__init__(timeout_s=timeout_s, retries=retries, backoff_s=backoff_s,
                         max_concurrency=n_parallel, cache=cache)
        if model_path is None:
            self.model_path = default_model_path(verify=True)
            self._model_id = f"gguf:{DEFAULT_MODEL.name}:{DEFAULT_MODEL.sha256[:16]}"
        else:
            self.model_path = Path(model_path)
            if sha256:
                verify_model_file(self.model_path, sha256)
            elif not self.model_path.is_file():
                raise LLMError(f"GGUF model {self.model_path} not found; give an existing .gguf path")
            self._model_id = f"gguf:{self.model_path.name}:{(sha256 or file_sha256(self.model_path))[:16]}"
        self.n_ctx = n_ctx
        self.n_threads = n_threads or default_threads()
        self.n_parallel = n_parallel
        self.n_gpu_layers = n_gpu_layers
        self.verbose = verbose
        self._server: Any = None
        self._load_lock = threading.Lock()

    @property
    def model_id(self) -> str:
        return self._model_id

    def _load(self) -> Any:
        with self._load_lock:
            if self._server is None:
                xlc = require("xllamacpp", "llm")
                p = xlc.CommonParams()
                p.model.path = str(self.model_path)
                p.n_ctx = self.n_ctx * max(1, self.n_parallel)
                p.n_parallel = self.n_parallel
                p.cpuparams.n_threads = self.n_threads
                p.cpuparams_batch.n_threads = self.n_threads
                p.n_gpu_layers = self.n_gpu_layers
                p.verbosity = 3 if self.verbose else -1
                try:
                    self._server = xlc.Server(p)
                except Exception as exc:  # noqa: BLE001 - native loader errors vary
                    raise LLMError(f"llama.cpp could not load {self.model_path}: {exc}; is it a GGUF file?") from exc
        return self._server

    def _stream_raw(self, messages: Sequence[Message], params: GenerationParams,
                    deadline: float) -> Iterator[str]:
        server = self._load()
        request = {"messages": list(messages), "stream": True, "cache_prompt": True, **params.as_dict()}
        q: queue.Queue[Any] = queue.Queue()
        stop = threading.Event()

        def on_chunk(chunk: Any) -> bool:
            if isinstance(chunk, dict):
                for choice in chunk.get("choices", []):
                    piece = (choice.get("delta") or {}).get("content")
                    if piece:
                        q.put(piece)
                if "error" in chunk:
                    q.put(LLMError(f"llama.cpp error: {chunk['error']}"))
            return stop.is_set() or time.monotonic() > deadline

        def worker() -> None:
            try:
                result = server.handle_chat_completions(request, on_chunk)
                if isinstance(result, dict) and "error" in result:
                    q.put(LLMError(f"llama.cpp error: {result['error']}"))
            except Exception as exc:  # noqa: BLE001
                q.put(LLMError(f"llama.cpp generation failed: {exc}"))
            finally:
                q.put(_DONE)

        threading.Thread(target=worker, daemon=True).start()
        try:
            while True:
                try:
                    item = q.get(timeout=max(0.01, deadline - time.monotonic()))
                except queue.Empty:
                    stop.set()
                    raise LLMTimeoutError(
                        f"the embedded model gave no token within {self.timeout_s:.0f}s; raise timeout_s, lower "
                        "max_tokens or use a smaller model") from None
                if item is _DONE:
                    break
                if isinstance(item, Exception):
                    raise item
                yield item
                if time.monotonic() > deadline:
                    stop.set()
                    raise LLMTimeoutError(f"generation passed the {self.timeout_s:.0f}s timeout; raise timeout_s "
                                          "or lower max_tokens")
        finally:
            stop.set()

    def close(self) -> None:
        self._server = None
