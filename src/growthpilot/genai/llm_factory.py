"""Pick the LLM backend from :class:`growthpilot.config.Settings` (``llm_backend``)."""

from __future__ import annotations

from growthpilot.config import Settings
from growthpilot.errors import ConfigError
from growthpilot.genai.llm_base import LLMBackend
from growthpilot.genai.llm_cache import ResponseCache


def get_backend(settings: Settings | None = None, *, cache_path: str | None = None, **kwargs) -> LLMBackend:
    """The configured backend: ``embedded`` (GGUF via llama.cpp) or ``openai`` (HTTP).

    ``kwargs`` go to the backend constructor (``timeout_s``, ``n_parallel``, ...).
    ``cache_path`` persists the response cache in a SQLite file.
    """
    s = settings or Settings()
    cache = ResponseCache(path=cache_path) if cache_path else None
    kind = (s.llm_backend or "embedded").lower()
    if kind in ("embedded", "llamacpp", "gguf"):
        from growthpilot.genai.llm_embedded import EmbeddedLlamaBackend

        return EmbeddedLlamaBackend(model_path=s.llm_model_path or None, cache=cache, **kwargs)
    if kind in ("openai", "http", "vllm", "ollama"):
        from growthpilot.genai.llm_http import OpenAIHTTPBackend

        return OpenAIHTTPBackend(base_url=s.llm_base_url, model=s.llm_model or "default",
                                 api_key=s.llm_api_key.get_secret_value(), cache=cache, **kwargs)
    raise ConfigError(f"unknown llm_backend {s.llm_backend!r}; use 'embedded' or 'openai' "
                      "(GROWTHPILOT_LLM_BACKEND)")
