"""Serving-time business rules: stock, allow-lists, categories, repeat purchases, MMR diversity."""

import numpy as np
import pandas as pd
import pytest

from growthpilot.errors import DataError
from growthpilot.recommend import EASE, BusinessRules, ItemKNN


def category(item: str) -> str:
    return "tea" if int(item[1:]) % 2 == 0 else "coffee"


@pytest.fixture
def fitted(groups):
    return EASE(l2=10.0).fit(groups)


def test_out_of_stock_and_not_allowed(fitted):
    base, _ = fitted.recommend(["u0"], k=3)
    rules = BusinessRules(out_of_stock={base[0, 0]}, not_allowed={base[0, 1]})
    ids, _ = fitted.recommend(["u0"], k=3, rules=rules)
    assert base[0, 0] not in ids[0] and base[0, 1] not in ids[0]
    assert ids[0, 0] == base[0, 2]


def test_category_filters(fitted):
    cats = {i: category(i) for i in fitted.item_ids_}
    ids, _ = fitted.recommend(["u0", "u45"], k=5, rules=BusinessRules(item_category=cats, include_categories={"tea"}))
    assert all(category(i) == "tea" for i in ids.ravel() if i is not None)
    ids, _ = fitted.recommend(["u0"], k=5, rules=BusinessRules(item_category=cats, exclude_categories={"tea"}))
    assert all(category(i) == "coffee" for i in ids.ravel())
    with pytest.raises(DataError, match="item_category"):
        BusinessRules(include_categories={"tea"})


def test_repeat_categories_may_be_bought_again(groups, fitted):
    cats = {i: category(i) for i in fitted.item_ids_}
    bought = set(groups.loc[groups.customer_id == "u0", "product_id"])
    ids, _ = fitted.recommend(["u0"], k=10, rules=BusinessRules(item_category=cats, repeat_categories={"tea"}))
    again = set(ids[0]) & bought
    assert again and all(category(i) == "tea" for i in again)
    ids, _ = fitted.recommend(["u0"], k=10)
    assert not set(ids[0]) & bought


def test_from_products_reads_stock_and_category(fitted):
    products = pd.DataFrame({"product_id": list(fitted.item_ids_),
                             "category": [category(i) for i in fitted.item_ids_],
                             "in_stock": [i != "i0" for i in fitted.item_ids_]})
    rules = BusinessRules.from_products(products, exclude_categories={"coffee"})
    ids, _ = fitted.recommend(["u1", "u2", "u3"], k=5, rules=rules)
    assert "i0" not in ids.ravel()
    assert all(category(i) == "tea" for i in ids.ravel())


def test_mmr_increases_diversity(groups):
    model = ItemKNN(n_neighbors=30).fit(groups)
    users = [f"u{i}" for i in range(0, 60, 3)]

    def mean_pairwise_similarity(ids):
        total = []
        for row in ids:
            cols = model.item_index_.get_indexer(pd.Index(list(row)))
            sim = model.item_similarity(cols)
            total.append(sim[np.triu_indices(len(cols), 1)].mean())
        return float(np.mean(total))

    plain, _ = model.recommend(users, k=5)
    diverse, _ = model.recommend(users, k=5, rules=BusinessRules(mmr_lambda=0.3, mmr_pool=20))
    assert mean_pairwise_similarity(diverse) < mean_pairwise_similarity(plain)
    same, _ = model.recommend(users, k=5, rules=BusinessRules(mmr_lambda=1.0))
    assert same.tolist() == plain.tolist()
    with pytest.raises(DataError):
        BusinessRules(mmr_lambda=2.0)
