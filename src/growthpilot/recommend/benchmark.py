"""Benchmark logic behind ``benchmarks/recommend.py``: load, split, fit every model, score, time.

Kept in the library so tests exercise it; the script only parses flags and prints.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from growthpilot.errors import DataError
from growthpilot.files import read_table
from growthpilot.recommend.base import BaseRecommender
from growthpilot.recommend.ease import EASE, UserEASE
from growthpilot.recommend.evaluate import Split, evaluate_model, finish_split, make_split, serving_latency
from growthpilot.recommend.factors import ALS, BPR
from growthpilot.recommend.hybrid import HybridRecommender
from growthpilot.recommend.itemknn import ItemKNN
from growthpilot.recommend.lowrank import LowRankFilter
from growthpilot.recommend.metrics import ranking_metrics
from growthpilot.recommend.popularity import Popularity
from growthpilot.recommend.sar import SAR

FACTORIES: dict[str, Callable[[], BaseRecommender]] = {
    "popularity": lambda: Popularity(),
    "popularity_recent": lambda: Popularity(half_life_days=30.0),
    "itemknn": lambda: ItemKNN(),
    "sar": lambda: SAR(),
    "ease": lambda: EASE(),
    "user_ease": lambda: UserEASE(),
    "als": lambda: ALS(),
    "bpr": lambda: BPR(),
    "lowrank": lambda: LowRankFilter(),
    "hybrid": lambda: HybridRecommender(),
}
DEFAULT_MODELS = ("popularity", "popularity_recent", "itemknn", "sar", "ease", "user_ease", "als", "bpr", "lowrank",
                  "hybrid")


def simulated_interactions(*, customers: int = 2000, products: int = 200, days: int = 365,
                           seed: int = 42) -> pd.DataFrame:
    """Purchases (customer_id, product_id, ts) from the project's simulator, returns excluded."""
    from growthpilot.simulate import SimConfig, simulate_shop

    tables = simulate_shop(SimConfig(customers=customers, products=products, days=days, seed=seed))
    o = tables["orders"]
    o = o[o["customer_id"].notna() & o["product_id"].notna()]
    if "is_return" in o.columns:
        o = o[~o["is_return"].fillna(False).astype(bool)]
    return o[["customer_id", "product_id", "ts"]].reset_index(drop=True)


def run_benchmark(split: Split, *, user_col: str, item_col: str, time_col: str | None = None,
                  rating_col: str | None = None, models: tuple[str, ...] = DEFAULT_MODELS, k: int = 10,
                  chosen: str = "hybrid", latency_calls: int = 300, extra_threshold: float | None = None,
                  log: Callable[[str], None] | None = None) -> tuple[list[dict], pd.DataFrame, dict]:
    """Fit and score every model on one split.

    Parameters
    ----------
    split : from :func:`make_split` or :func:`split_from_files`.
    rating_col : ratings, given to the models as interaction strengths (the split has already applied any
        threshold; models that binarise ignore the values).
    models : names in :data:`FACTORIES`; ``popularity_recent`` is skipped without a time column.
    chosen : the model whose top-k is returned as predictions (the hybrid: chosen by validation).
    latency_calls : one-customer top-k calls timed on the chosen model (0 = skip).
    extra_threshold : also report nDCG@k with test relevance ``rating >= extra_threshold``.

    Returns
    -------
    (rows, predictions of ``chosen``, latency)
    """
    say = log or (lambda _m: None)
    rows, preds, latency = [], None, {}
    for name in models:
        if name not in FACTORIES:
            raise DataError(f"unknown model {name!r}; choose from {sorted(FACTORIES)}")
        if name == "popularity_recent" and not time_col:
            continue
        say(f"fitting {name}")
        t0 = time.perf_counter()
        try:
            m, reco, model = evaluate_model(FACTORIES[name], split, k=k, user_col=user_col, item_col=item_col,
                                            time_col=time_col, rating_col=rating_col)
        except (DataError, MemoryError) as exc:
            say(f"{name} skipped: {exc}")
            continue
        row = {"model": name, **m}
        if extra_threshold is not None and rating_col and rating_col in split.test.columns:
            rel = split.test[split.test[rating_col] >= extra_threshold]
            row[f"ndcg_at_k_rel_ge_{extra_threshold:g}"] = ranking_metrics(
                rel, reco.rename(columns={"score": "prediction"}), k=k, col_user=user_col,
                col_item=item_col)["ndcg_at_k"]
        if isinstance(model, HybridRecommender):
            row["blend"] = model.describe()
        row["total_s"] = time.perf_counter() - t0
        rows.append(row)
        if name == chosen:
            preds = reco
            if latency_calls:
                latency = serving_latency(model, list(pd.unique(split.test[user_col])), k=k, n=latency_calls)
    if preds is None and rows:
        preds = pd.DataFrame()
    return rows, preds, latency


def split_from_files(train: pd.DataFrame, test: pd.DataFrame, *, user_col: str, item_col: str,
                     rating_col: str | None, rating_threshold: float | None) -> Split:
    """A split given as two files: fit on ``train``, evaluate on the users of ``test``."""
    for df, what in ((train, "train"), (test, "test")):
        for c in (user_col, item_col):
            if c not in df.columns:
                raise DataError(f"{what} file has no column {c!r} (columns: {list(df.columns)})")
    return finish_split(train, test, user_col=user_col, item_col=item_col, rating_col=rating_col,
                        rating_threshold=rating_threshold)


def prepare(df: pd.DataFrame, *, protocol: str, user_col: str, item_col: str, rating_col: str | None,
            time_col: str | None, rating_threshold: float | None, seed: int = 42) -> Split:
    """Validate columns and split by protocol."""
    for c in (user_col, item_col, rating_col, time_col):
        if c and c not in df.columns:
            raise DataError(f"column {c!r} not in the data (columns: {list(df.columns)}); check the --*-col flags")
    df = df[df[user_col].notna() & df[item_col].notna()]
    return make_split(df, protocol=protocol, user_col=user_col, item_col=item_col, rating_col=rating_col,
                      time_col=time_col, rating_threshold=rating_threshold, seed=seed)


def summary_json(rows: list[dict], latency: dict, *, split: Split, protocol: str, k: int, chosen: str,
                 user_col: str) -> dict:
    """The last-line JSON: per model MAP, nDCG@k, P@k, R@k, coverage, novelty, fit seconds."""
    keep = ("map", "ndcg_at_k", "precision_at_k", "recall_at_k", "coverage", "novelty", "fit_s", "fit_cpu_s")
    models = {}
    for r in rows:
        d = {key: round(float(r[key]), 4) for key in keep}
        d.update({key: round(float(v), 4) for key, v in r.items() if key.startswith("ndcg_at_k_rel")})
        models[r["model"]] = d
    best = max(rows, key=lambda r: r["ndcg_at_k"])["model"] if rows else None
    return {"protocol": protocol, "k": k, "train_rows": len(split.train), "test_rows": len(split.test),
            "test_users": int(split.test[user_col].nunique()),
            "chosen": chosen, "best_on_test": best, "models": models,
            "serving_latency_ms": {key: round(v, 3) for key, v in latency.items()}, "notes": split.notes}


def write_predictions(preds: pd.DataFrame, path: str | Path, *, user_col: str, item_col: str) -> None:
    """CSV with the given user and item column names plus rank and score."""
    out = preds[[user_col, item_col, "rank", "score"]].copy()
    out["rank"] = out.groupby(user_col, sort=False).cumcount() + 1
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(path, index=False)


__all__ = ["DEFAULT_MODELS", "FACTORIES", "prepare", "read_table", "run_benchmark", "simulated_interactions",
           "split_from_files", "summary_json", "write_predictions"]
