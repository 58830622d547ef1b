"""Late-bound adapters to library capabilities the API triggers (copy, assistant, sends).

Each adapter looks for the capability in its package when called, so the API works
while the packages are still being built and answers 503 with the fix when one is
missing. Connect a new implementation by editing only this file.
"""

from __future__ import annotations

import importlib
from typing import Any

from growthpilot.api.problems import Problem
from growthpilot.workspace import Workspace


def _find(module: str, *names: str) -> Any:
    try:
        mod = importlib.import_module(module)
    except ImportError:
        return None
    for name in names:
        fn = getattr(mod, name, None)
        if fn is not None:
            return fn
    return None


def unavailable(what: str, module: str) -> Problem:
    return Problem(503, f"{what} is not available in this installation ({module} has no entry point yet); "
                   "install growthpilot[llm] and run the matching CLI command, or use existing rows",
                   slug="capability-unavailable")


_BACKENDS: dict[tuple, Any] = {}
_ASSISTANTS: dict[tuple, Any] = {}
_CHANNEL = {"email": "email_subject", "sms": "sms", "push": "push", "ads": "ad_headline"}


def _backend(ws: Workspace) -> Any:
    """The configured LLM backend, loaded once per process."""
    s = ws.settings
    key = (s.llm_backend, s.llm_model_path, s.llm_base_url, s.llm_model)
    if key not in _BACKENDS:
        from growthpilot.genai import get_backend

        _BACKENDS[key] = get_backend(s)
    return _BACKENDS[key]


def _products(ws: Workspace) -> Any:
    wh = ws.warehouse
    if not wh.has_table("products"):
        raise Problem(404, "table 'products' does not exist yet; ingest a catalogue first", slug="table-not-built")
    return wh.read("products")


def generate_copy(ws: Workspace, brief: dict[str, Any], *, use_llm: bool = True) -> list[dict[str, Any]]:
    """Generate, check and store copy variants for ``brief``; returns the ``copy_variants`` rows.

    The genai copy studio writes candidates with the LLM (unless ``use_llm`` is False) and
    grounded templates, verifies every claim against the catalogue and ranks the survivors;
    rejected candidates come back too, with their reasons.
    """
    fn = _find("growthpilot.genai", "CopyStudio")
    if fn is None:
        raise unavailable("copy generation", "growthpilot.genai")
    import re
    import uuid

    from growthpilot.api.records import records
    from growthpilot.genai.briefs import briefs_for_segments

    products = _products(ws)
    pct = re.search(r"(\d{1,2})\s*%", brief.get("offer") or "")
    pids = [brief["product_id"]] if brief.get("product_id") else []
    briefs = briefs_for_segments([brief.get("segment") or "all"], products,
                                 channel=_CHANNEL.get(brief.get("channel", "email"), "email_subject"),
                                 language=brief.get("language", "en"), product_ids=pids,
                                 discount_pct=float(pct.group(1)) if pct else None, prefix=f"api-{uuid.uuid4().hex[:8]}")
    studio = fn(llm=_backend(ws) if use_llm else None, products=products)
    df = studio.generate(briefs, n_variants=int(brief.get("n_variants", 3)))
    df["channel"] = brief.get("channel", "email")  # the campaign channel the builder filters on
    ws.warehouse.write("copy_variants", df, mode="upsert")
    return records(df)


def assistant_chat(ws: Workspace, messages: list[dict[str, str]], *, use_llm: bool = True) -> dict[str, Any]:
    """Answer the last user message from the catalogue and policies; cites sources or refuses."""
    cls = _find("growthpilot.genai", "CatalogueAssistant")
    if cls is None:
        raise unavailable("the assistant", "growthpilot.genai")
    wh = ws.warehouse
    key = (str(ws.root), wh.count("products"), use_llm)
    if key not in _ASSISTANTS:
        _ASSISTANTS.clear()
        _ASSISTANTS[key] = cls(products=_products(ws), llm=_backend(ws) if use_llm else None).fit()
    bot = _ASSISTANTS[key]
    question = next((m["content"] for m in reversed(messages) if m["role"] == "user"), "")
    answer = bot.ask(question)
    return {"answer": answer.text, "sources": list(answer.citations),
            "model": getattr(bot.llm, "model_id", None) or "grounded-retrieval"}


def send_campaign(ws: Workspace, campaign_id: str) -> dict[str, Any]:
    """Send a builder campaign through the campaigns package (consent, caps, holdout, file export)."""
    from growthpilot.api import builder

    return builder.send(ws, campaign_id)
