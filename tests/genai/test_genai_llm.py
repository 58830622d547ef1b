"""LLM layer: OpenAI-compatible backend through the fake transport, cache, retries, timeouts,
streaming, concurrency limit; backend factory; packaged-model checksum."""

from __future__ import annotations

import threading

import pytest

from growthpilot.config import Settings
from growthpilot.errors import ConfigError
from growthpilot.genai.llm_base import LLMError, LLMTimeoutError, TransientLLMError
from growthpilot.genai.llm_cache import ResponseCache
from growthpilot.genai.llm_factory import get_backend
from growthpilot.genai.packaged_model import (
    DEFAULT_MODEL,
    ModelFileError,
    file_sha256,
    packaged_model_path,
    verify_model_file,
)
from growthpilot.genai.testing import FakeTransport


def echo(messages, params):
    return "echo: " + messages[-1]["content"]


def test_complete_sends_openai_request_and_returns_text(fake_llm):
    llm = fake_llm(echo)
    out = llm.complete([{"role": "user", "content": "hello"}], max_tokens=5, seed=3)
    assert out.text == "echo: hello" and not out.cached
    body = llm.transport.calls[0]["body"]
    assert body["model"] == "fake" and body["max_tokens"] == 5 and body["seed"] == 3 and body["stream"] is True
    assert llm.transport.calls[0]["url"] == "http://fake.local/v1/chat/completions"


def test_stream_yields_pieces_in_order(fake_llm):
    llm = fake_llm(lambda m, p: "abcdefghij")
    pieces = list(llm.stream("x"))
    assert len(pieces) > 1 and "".join(pieces) == "abcdefghij"


def test_cache_is_keyed_by_model_and_prompt(fake_llm, tmp_path):
    cache = ResponseCache(path=tmp_path / "c.sqlite")
    llm = fake_llm(echo, cache=cache)
    llm.complete("a")
    assert llm.complete("a").cached
    llm.complete("b")
    assert len(llm.transport.calls) == 2
    # a second backend with the same model reads the persisted cache
    other = fake_llm(echo, cache=ResponseCache(path=tmp_path / "c.sqlite"))
    assert other.complete("a").cached and other.transport.calls == []
    # a different model name is a different key
    other.model = "other"
    assert not other.complete("a").cached


def test_retries_transient_errors_then_succeeds(fake_llm):
    llm = fake_llm(echo, transport=FakeTransport(echo, fail_first=2), retries=2)
    out = llm.complete("hi")
    assert out.text == "echo: hi" and out.attempts == 3


def test_gives_up_after_retries(fake_llm):
    llm = fake_llm(echo, transport=FakeTransport(echo, fail_first=5), retries=1)
    with pytest.raises(TransientLLMError, match="503"):
        llm.complete("hi")


def test_client_error_is_not_retried(fake_llm):
    t = FakeTransport(echo, fail_first=1, fail_status=401)
    llm = fake_llm(echo, transport=t, retries=3)
    with pytest.raises(LLMError, match="401"):
        llm.complete("hi")
    assert len(t.calls) == 1


def test_timeout_raises_timeout_error(fake_llm):
    llm = fake_llm(echo, transport=FakeTransport(echo, delay_s=1.0), timeout_s=0.05, retries=0)
    with pytest.raises(LLMTimeoutError):
        llm.complete("slow")
    assert isinstance(LLMTimeoutError("x"), TimeoutError)


def test_concurrency_limit_holds(fake_llm):
    t = FakeTransport(echo, delay_s=0.05)
    llm = fake_llm(echo, transport=t, max_concurrency=2)
    outs = llm.batch([f"q{i}" for i in range(8)])
    assert [o.text for o in outs] == [f"echo: q{i}" for i in range(8)]
    assert 1 <= t.max_in_flight <= 2


def test_threads_share_the_limit(fake_llm):
    t = FakeTransport(echo, delay_s=0.02)
    llm = fake_llm(echo, transport=t, max_concurrency=1)
    threads = [threading.Thread(target=llm.complete, args=(f"x{i}",)) for i in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert t.max_in_flight == 1


def test_plain_json_body_is_accepted(fake_llm):
    class NoStream(FakeTransport):
        def post(self, url, headers, body, timeout):
            import json

            req = json.loads(body)
            req["stream"] = False
            return super().post(url, headers, json.dumps(req).encode(), timeout)

    llm = fake_llm(echo, transport=NoStream(echo))
    assert llm.complete("z").text == "echo: z"


def test_factory_picks_backend_and_explains_bad_settings():
    llm = get_backend(Settings(llm_backend="openai", llm_base_url="http://localhost:9/v1", llm_model="m"))
    assert llm.model_id == "openai:http://localhost:9/v1:m"
    with pytest.raises(ConfigError, match="embedded"):
        get_backend(Settings(llm_backend="nope"))
    with pytest.raises(LLMError, match="base_url"):
        get_backend(Settings(llm_backend="openai", llm_base_url=""))


def test_packaged_model_checksum_is_pinned_and_verified(tmp_path):
    path = packaged_model_path()
    assert path.name == DEFAULT_MODEL.filename
    assert verify_model_file(path, DEFAULT_MODEL.sha256) == path
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"GGUF not really")
    with pytest.raises(ModelFileError, match="SHA-256"):
        verify_model_file(bad, DEFAULT_MODEL.sha256)
    assert file_sha256(bad) != DEFAULT_MODEL.sha256
    with pytest.raises(ModelFileError, match="not found"):
        verify_model_file(tmp_path / "missing.gguf", DEFAULT_MODEL.sha256)


def test_embedded_backend_refuses_missing_file(tmp_path):
    from growthpilot.genai.llm_embedded import EmbeddedLlamaBackend

    with pytest.raises(LLMError, match="not found"):
        EmbeddedLlamaBackend(model_path=tmp_path / "nope.gguf")
    with pytest.raises(ModelFileError):
        EmbeddedLlamaBackend(model_path=packaged_model_path(), sha256="0" * 64)
