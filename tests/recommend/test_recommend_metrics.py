"""MS Recommenders ranking metrics on hand-computed examples."""

import math

import pandas as pd
import pytest

from growthpilot.recommend.metrics import catalog_coverage, novelty, ranking_metrics

LN = math.log


def frame(rows, cols):
    return pd.DataFrame(rows, columns=cols)


def test_single_user_hand_computed():
    # truth: a, b, c relevant. predictions ranked x, a, y, b (k=4): hits at ranks 2 and 4.
    true = frame([(1, "a"), (1, "b"), (1, "c")], ["userID", "itemID"])
    pred = frame([(1, "x", 0.9), (1, "a", 0.8), (1, "y", 0.7), (1, "b", 0.6), (1, "c", 0.1)],
                 ["userID", "itemID", "prediction"])
    m = ranking_metrics(true, pred, k=4)
    assert m["precision_at_k"] == pytest.approx(2 / 4)
    assert m["recall_at_k"] == pytest.approx(2 / 3)
    # MAP: (1/2 + 2/4) / |rel| = 1/3 ; MAP@k divides by min(|rel|, k) = 3 too
    assert m["map"] == pytest.approx((1 / 2 + 2 / 4) / 3)
    assert m["map_at_k"] == pytest.approx((1 / 2 + 2 / 4) / 3)
    dcg = 1 / LN(3) + 1 / LN(5)
    idcg = 1 / LN(2) + 1 / LN(3) + 1 / LN(4)
    assert m["ndcg_at_k"] == pytest.approx(dcg / idcg)


def test_map_at_k_caps_relevant_at_k():
    true = frame([(1, i) for i in "abcde"], ["userID", "itemID"])
    pred = frame([(1, "a", 2.0), (1, "z", 1.0)], ["userID", "itemID", "prediction"])
    m = ranking_metrics(true, pred, k=2)
    assert m["map"] == pytest.approx(1 / 5)
    assert m["map_at_k"] == pytest.approx(1 / 2)
    # IDCG uses min(|rel|, k) = 2 ideal positions
    assert m["ndcg_at_k"] == pytest.approx((1 / LN(2)) / (1 / LN(2) + 1 / LN(3)))


def test_two_users_averaging_and_user_missing_from_predictions():
    # user 1: 1 hit at rank 1 of 2 relevant; user 2: no hit; user 3 only in truth (no predictions)
    true = frame([(1, "a"), (1, "b"), (2, "c"), (3, "d")], ["userID", "itemID"])
    pred = frame([(1, "a", 0.9), (1, "q", 0.5), (2, "q", 0.9), (2, "r", 0.1)], ["userID", "itemID", "prediction"])
    m = ranking_metrics(true, pred, k=2)
    # precision / recall / map divide by users common to both tables (2)
    assert m["precision_at_k"] == pytest.approx((1 / 2) / 2)
    assert m["recall_at_k"] == pytest.approx((1 / 2) / 2)
    assert m["map"] == pytest.approx((1 / 2) / 2)
    # nDCG averages over every user of the truth table (3), as MS's outer merge does
    u1 = (1 / LN(2)) / (1 / LN(2) + 1 / LN(3))
    assert m["ndcg_at_k"] == pytest.approx(u1 / 3)


def test_ties_keep_input_order_and_no_hit_is_zero():
    true = frame([(1, "b")], ["userID", "itemID"])
    pred = frame([(1, "a", 1.0), (1, "b", 1.0)], ["userID", "itemID", "prediction"])
    assert ranking_metrics(true, pred, k=1)["precision_at_k"] == 0.0  # stable sort keeps "a" first
    assert ranking_metrics(true, pred, k=2)["precision_at_k"] == pytest.approx(0.5)
    none = ranking_metrics(true, frame([(1, "z", 1.0)], ["userID", "itemID", "prediction"]), k=1)
    assert all(v == 0.0 for v in none.values())


def test_custom_columns():
    true = frame([("u", "a")], ["cust", "prod"])
    pred = frame([("u", "a", 3.0)], ["cust", "prod", "s"])
    m = ranking_metrics(true, pred, k=10, col_user="cust", col_item="prod", col_prediction="s")
    assert m["precision_at_k"] == pytest.approx(0.1)
    assert m["ndcg_at_k"] == pytest.approx(1.0)


def test_coverage_and_novelty():
    train = frame([(1, "a"), (2, "a"), (3, "a"), (1, "b")], ["u", "i"])
    reco = frame([(1, "a"), (2, "b")], ["u", "i"])
    assert catalog_coverage(train, reco, col_item="i") == pytest.approx(1.0)
    assert catalog_coverage(train, reco.iloc[:1], col_item="i") == pytest.approx(0.5)
    # novelty: mean over recommended rows of -log2(share of training rows)
    expected = (-math.log2(3 / 4) - math.log2(1 / 4)) / 2
    assert novelty(train, reco, col_item="i") == pytest.approx(expected)
