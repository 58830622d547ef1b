"""Aspects and topics in reviews.

Aspects come from a small bilingual lexicon of what shoppers talk about (quality, price,
delivery, ...); topics are learned per run with NMF on TF-IDF character n-grams, so new
themes show up without a lexicon.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import TfidfVectorizer

from growthpilot.genai.text_utils import tokens

ASPECTS: dict[str, tuple[str, ...]] = {
    "quality": ("quality", "well made", "broke", "broken", "defect", "durable", "cheaply made", "flimsy", "sturdy",
                "质量", "做工", "品质", "坏了", "破损", "耐用", "结实"),
    "price": ("price", "value", "expensive", "cheap", "worth", "money", "overpriced", "价格", "性价比", "贵", "便宜", "划算",
              "值"),
    "delivery": ("delivery", "shipping", "arrived", "late", "fast", "slow", "courier", "物流", "快递", "发货", "送货", "到货",
                 "配送"),
    "packaging": ("packaging", "package", "box", "wrapped", "包装", "盒子"),
    "service": ("service", "support", "seller", "refund", "return", "customer care", "客服", "服务", "卖家", "退货",
                "退款", "态度"),
    "taste": ("taste", "flavor", "flavour", "delicious", "fresh", "stale", "口感", "味道", "好吃", "新鲜", "难吃"),
    "size_fit": ("size", "fit", "fits", "small", "large", "tight", "loose", "尺码", "大小", "合身", "偏大", "偏小"),
    "battery": ("battery", "charge", "charging", "电池", "充电", "续航"),
    "sound": ("sound", "audio", "volume", "noise", "音质", "声音", "噪音"),
    "skin": ("skin", "moistur", "greasy", "irritat", "皮肤", "保湿", "油腻", "过敏"),
}
_PATTERNS = {a: re.compile("|".join((rf"\b{re.escape(k)}" if k.isascii() else re.escape(k)) for k in kws), re.I)
             for a, kws in ASPECTS.items()}


def detect_aspects(text: str) -> list[str]:
    """Aspects mentioned in ``text`` (lexicon match, English and Chinese)."""
    t = str(text or "")
    return [a for a, p in _PATTERNS.items() if p.search(t)]


def clause_aspects(text: str) -> list[tuple[str, str]]:
    """``(aspect, clause)`` pairs: the clause of the review that mentions each aspect."""
    clauses = [c.strip() for c in re.split(r"[.!?;。！？；，,]|\bbut\b|但是|不过", str(text or "")) if c and c.strip()]
    out = []
    for a, p in _PATTERNS.items():
        c = next((c for c in clauses if p.search(c)), None)
        if c is not None:
            out.append((a, c))
    return out


def _topic_terms(text: str) -> list[str]:
    return [t for t in tokens(text) if (t.isascii() and len(t) > 2) or (not t.isascii() and len(t) == 2)]


def learn_topics(texts: Sequence[str], *, n_topics: int = 8, top_terms: int = 6,
                 random_state: int = 0) -> tuple[np.ndarray, list[list[str]]]:
    """NMF topics over English words and Chinese character bigrams: per-text topic id and top terms."""
    texts = [str(t or "") for t in texts]
    k = max(1, min(n_topics, len(texts) // 5))
    vec = TfidfVectorizer(analyzer=_topic_terms, min_df=2 if len(texts) > 50 else 1, max_features=20000,
                          sublinear_tf=True)
    X = vec.fit_transform(texts)
    if X.shape[1] == 0 or len(texts) < 2:
        return np.zeros(len(texts), dtype=int), [[]]
    nmf = NMF(n_components=k, init="nndsvda", random_state=random_state, max_iter=300)
    W = nmf.fit_transform(X)
    vocab = np.array(vec.get_feature_names_out())
    terms = [[str(t) for t in vocab[np.argsort(-comp)[:top_terms]]] for comp in nmf.components_]
    return W.argmax(1), terms
