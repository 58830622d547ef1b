"""CLI: growthpilot copy / ask / reviews on a small workspace (no model needed)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from typer.testing import CliRunner

from growthpilot.cli import app

runner = CliRunner()


def _seed(ws, products):
    wh = ws.warehouse
    wh.write("products", products, mode="replace")
    rng = np.random.default_rng(0)
    good = ["great quality, love it", "fast delivery, very happy", "质量很好，满意", "excellent value"]
    bad = ["terrible quality, broke", "slow delivery, disappointed", "质量太差，失望", "waste of money"]
    rows = []
    for i in range(80):
        pos = i % 2 == 0
        rows.append({"review_id": f"r{i}", "product_id": ["p1", "p2", "p3"][i % 3], "customer_id": f"c{i % 5}",
                     "ts": pd.Timestamp("2024-01-01") + pd.Timedelta(days=int(rng.integers(0, 60))),
                     "rating": 5 if pos else 1, "text": (good if pos else bad)[int(rng.integers(4))], "language": "en"})
    wh.write("reviews", pd.DataFrame(rows), mode="replace")


def test_copy_ask_reviews_commands(workspace, products):
    _seed(workspace, products)
    w = str(workspace.root)
    r = runner.invoke(app, ["copy", "-w", w, "--no-llm", "--product", "p1", "--discount", "20",
                            "--end-date", "2026-12-31", "--channel", "sms", "--variants", "2", "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout.strip().splitlines()[-1])
    assert len(out["accepted"]) == 2
    table = workspace.warehouse.read("copy_variants")
    assert set(table.status) <= {"accepted", "rejected"} and (table.run_id == out["run_id"]).all()

    r = runner.invoke(app, ["ask", "How much is the Organic green tea 100g?", "-w", w, "--json"])
    assert r.exit_code == 0, r.output
    ans = json.loads(r.stdout.strip().splitlines()[-1])
    assert ans["citations"] == ["p1"] and "12.99" in ans["answer"] and not ans["refused"]

    r = runner.invoke(app, ["reviews", "-w", w, "--features", "tfidf", "--json"])
    assert r.exit_code == 0, r.output
    res = json.loads(r.stdout.strip().splitlines()[-1])
    assert res["reviews"] == 80
    wh = workspace.warehouse
    scored = wh.read("review_sentiment")
    assert len(scored) == 80 and scored["run_id"].nunique() == 1
    assert wh.count("product_sentiment") >= 3 and wh.count("customer_review_sentiment") == 5


def test_copy_per_customer_follows_locale(workspace, products):
    wh = workspace.warehouse
    wh.write("products", products, mode="replace")
    wh.write("customers", pd.DataFrame({"customer_id": ["c1", "c2"], "locale": ["zh-CN", "en-GB"]}), mode="replace")
    wh.write("recommendations", pd.DataFrame({
        "customer_id": ["c1", "c1", "c2"], "rank": [1, 2, 1], "product_id": ["p2", "p1", "p3"], "score": [0.9, 0.5, 0.7],
        "model": "test", "model_version": "v", "run_id": "r"}), mode="replace")
    r = runner.invoke(app, ["copy", "-w", str(workspace.root), "--per-customer", "--no-llm", "--channel", "push",
                            "--variants", "1", "--json"])
    assert r.exit_code == 0, r.output
    table = wh.read("copy_variants")
    acc = table[table.status == "accepted"].set_index("customer_id")
    assert "马克杯" in acc.loc["c1", "text"] and "earbuds" in acc.loc["c2", "text"].lower()
    assert set(acc["language"]) == {"zh", "en"}
