"""The recommend stage on a workspace: orders (+ products) in, ``recommendations`` out."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection

import numpy as np
import pandas as pd

from growthpilot.errors import DataError
from growthpilot.recommend import contracts  # noqa: F401  (registers the table contract)
from growthpilot.recommend.base import BaseRecommender
from growthpilot.recommend.hybrid import MODELS, HybridRecommender
from growthpilot.recommend.rules import BusinessRules

ALL_MODELS = {**MODELS, "hybrid": HybridRecommender}


def load_interactions(wh) -> pd.DataFrame:
    """Purchases (order lines, returns excluded) with a known customer and product."""
    if not wh.has_table("orders"):
        raise DataError("the workspace has no orders table; ingest or simulate data first "
                        "(growthpilot ingest ... or growthpilot simulate ...)")
    t = wh.table("orders")
    expr = t.filter(t.customer_id.notnull() & t.product_id.notnull())
    if "is_return" in t.columns:
        expr = expr.filter(t.is_return.isnull() | ~t.is_return)
    df = wh.read(expr.select("customer_id", "product_id", "ts"))
    if len(df) == 0:
        raise DataError("no purchases with a customer_id and product_id in orders; nothing to learn from")
    return df


def product_text(products: pd.DataFrame) -> pd.Series:
    """Title + category + description (English, then Chinese) per product, for embeddings."""
    cols = [c for c in ("title", "category", "subcategory", "description", "title_zh", "description_zh")
            if c in products.columns]
    txt = products[cols].fillna("").astype(str).agg(" ".join, axis=1).str.strip()
    return pd.Series(txt.to_numpy(), index=products["product_id"].to_numpy())


def recommend_workspace(
    ws,
    *,
    k: int = 10,
    model: str = "hybrid",
    half_life_days: float | None = None,
    repeat_categories: Collection[str] = (),
    mmr_lambda: float | None = None,
    progress: Callable[[str], None] | None = None,
) -> tuple[pd.DataFrame, dict]:
    """Fit a recommender on the workspace's purchases and write the ``recommendations`` table.

    Parameters
    ----------
    ws : an opened :class:`growthpilot.workspace.Workspace`.
    k : products per customer.
    model : a name from :data:`ALL_MODELS` (``hybrid`` chooses and blends by validation).
    half_life_days : recency weighting of purchases.
    repeat_categories : categories that may be recommended again after purchase.
    mmr_lambda : MMR diversity trade-off (None = off).
    progress : called with a short message per step.

    Returns
    -------
    (recommendations, metrics)
    """
    if model not in ALL_MODELS:
        raise DataError(f"unknown model {model!r}; choose one of {sorted(ALL_MODELS)}")
    say = progress or (lambda _msg: None)
    wh = ws.warehouse
    say("reading purchases")
    inter = load_interactions(wh)
    products = wh.read("products") if wh.has_table("products") else None
    customers = wh.read(wh.table("customers").select("customer_id")) if wh.has_table("customers") else None
    params = {"k": k, "model": model, "half_life_days": half_life_days,
              "repeat_categories": sorted(repeat_categories), "mmr_lambda": mmr_lambda}
    with ws.run("recommend", params) as run:
        say("fitting")
        est: BaseRecommender = ALL_MODELS[model](half_life_days=half_life_days) if model != "sar" else ALL_MODELS[
            model](half_life_days=half_life_days or 30.0)
        text = product_text(products) if products is not None and model in ("hybrid", "content") else None
        items = None if products is None else products["product_id"].dropna().to_numpy()
        est.fit(inter, user_col="customer_id", item_col="product_id", time_col="ts", items=items, item_text=text)
        rules = BusinessRules.from_products(products, repeat_categories=repeat_categories,
                                            mmr_lambda=mmr_lambda) if products is not None else \
            BusinessRules(mmr_lambda=mmr_lambda)
        users = pd.unique(pd.concat([inter["customer_id"], customers["customer_id"]]) if customers is not None
                          else inter["customer_id"])
        users = [u for u in users if u is not None and u == u]
        say(f"recommending for {len(users)} customers")
        ids, scores = est.recommend(users, k=k, rules=rules)
        desc = est.describe() if isinstance(est, HybridRecommender) else est.name
        version = f"{est.name}-{hashlib.sha1(f'{desc}|{len(inter)}'.encode()).hexdigest()[:10]}"
        out = pd.DataFrame({
            "customer_id": np.repeat(np.asarray(users, dtype=object), k),
            "rank": np.tile(np.arange(1, k + 1), len(users)),
            "product_id": ids.ravel(), "score": scores.ravel(),
        })
        out = out[out["product_id"].notna()].reset_index(drop=True)
        out["model"] = desc
        out["model_version"] = version
        out["run_id"] = run.run_id
        wh.write("recommendations", out, mode="replace")
        run.model_version = version
        run.metrics.update(customers=len(users), rows=len(out), interactions=len(inter),
                           coverage=float(out["product_id"].nunique() / max(len(est.item_ids_), 1)))
        if isinstance(est, HybridRecommender):
            run.metrics["validation_ndcg"] = est.blend_ndcg_
        return out, dict(run.metrics, run_id=run.run_id, model=desc, model_version=version)
