"""Sentiment classifier, review analysis tables and the sentiment benchmark helpers."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from growthpilot.errors import DataError, NotFittedError
from growthpilot.genai.eval_sentiment import load_labelled, run_sentiment, split
from growthpilot.genai.reviews import (
    PRODUCT_SENTIMENT,
    REVIEW_SENTIMENT,
    ReviewAnalyzer,
    customer_review_sentiment,
    product_sentiment,
    rating_label,
)
from growthpilot.genai.sentiment import SentimentClassifier

POS = ["great quality, love it", "excellent and fast delivery", "really happy, works well", "very good value",
       "质量很好，非常满意", "物流很快，好评", "很喜欢，推荐购买", "性价比高，不错"]
NEG = ["terrible, broke after a day", "awful quality, very disappointed", "slow delivery and bad service",
       "waste of money, poor", "质量太差，很失望", "物流太慢，差评", "坏了，不推荐", "太贵了，不值"]
NEU = ["it is okay, nothing special", "average product, fine", "一般般吧", "还行，普通"]


def corpus(n: int = 240, seed: int = 0, neutral: bool = False):
    rng = np.random.default_rng(seed)
    texts, labels = [], []
    pools = [("positive", POS), ("negative", NEG)] + ([("neutral", NEU)] if neutral else [])
    for i in range(n):
        lab, pool = pools[i % len(pools)]
        a, b = rng.choice(len(pool), 2)
        texts.append(f"{pool[a]}. {pool[b]}")
        labels.append(lab)
    return texts, np.array(labels)


def test_tfidf_model_learns_both_languages():
    X, y = corpus()
    m = SentimentClassifier(features="tfidf").fit(X, y)
    Xt, yt = corpus(80, seed=1)
    assert (m.predict(Xt) == yt).mean() >= 0.95
    p = m.predict_proba(Xt)
    assert p.shape == (80, 2) and np.allclose(p.sum(1), 1)
    assert m.weight_ == 0 and m.model_version.startswith("sentiment-")


def test_auto_blend_chosen_by_validation(embedder):
    X, y = corpus(200, neutral=True)
    m = SentimentClassifier(features="auto", embedder=embedder, C_grid=(1.0, 4.0)).fit(X, y)
    assert set(m.classes_) == {"positive", "negative", "neutral"}
    assert set(m.val_scores_) == {"w=0", "w=0.25", "w=0.5", "w=0.75", "w=1"}
    assert m.val_accuracy_ == max(m.val_scores_.values()) or m.weight_ == 0
    m2 = SentimentClassifier(features="embed", embedder=embedder).fit(X, y)
    assert m2.weight_ == 1 and m2.vectorizer_ is None


def test_errors_before_fit_and_on_bad_labels():
    with pytest.raises(NotFittedError):
        SentimentClassifier().predict(["x"])
    with pytest.raises(DataError, match="two labels"):
        SentimentClassifier().fit(["a", "b", "c"], ["p", "p", "p"])
    with pytest.raises(DataError, match="features"):
        SentimentClassifier(features="magic").fit(*corpus(20))


def test_review_analyzer_tables(embedder):
    X, _ = corpus(120, neutral=True)
    rng = np.random.default_rng(0)
    ratings = [5 if t.split(".")[0] in POS else 1 if t.split(".")[0] in NEG else 3 for t in X]
    reviews = pd.DataFrame({
        "review_id": [f"r{i}" for i in range(len(X))], "product_id": rng.choice(["p1", "p2"], len(X)),
        "customer_id": rng.choice(["c1", "c2", "c3"], len(X)),
        "ts": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 90, len(X)), unit="D"),
        "rating": ratings, "text": X, "language": "en",
    })
    an = ReviewAnalyzer(classifier=SentimentClassifier(features="tfidf"), n_topics=3).fit(reviews)
    scored = an.transform(reviews, run_id="run-1")
    REVIEW_SENTIMENT.conform(scored)
    truth = [rating_label(r) for r in ratings]
    assert (scored["label"] == truth).mean() >= 0.9
    assert any("quality" in json.loads(a) for a in scored["aspects"])
    per = product_sentiment(scored, reviews)
    PRODUCT_SENTIMENT.conform(per)
    assert set(per.product_id) == {"p1", "p2"} and per["n_reviews"].sum() == len(X)
    assert per["month"].nunique() >= 2
    assert np.allclose(per["net_sentiment"], per["share_positive"] - per["share_negative"])
    cust = customer_review_sentiment(scored)
    assert set(cust.customer_id) == {"c1", "c2", "c3"} and cust["n_reviews"].sum() == len(X)


def test_analyzer_needs_ratings_or_a_classifier():
    reviews = pd.DataFrame({"review_id": ["a"], "text": ["ok"], "rating": [None]})
    with pytest.raises(DataError, match="rating"):
        ReviewAnalyzer().fit(reviews)


def test_load_labelled_handles_headerless_and_named_columns(tmp_path):
    p = tmp_path / "uci.txt"
    p.write_text("Great phone.\t1\nBad battery.\t0\n")
    df = load_labelled(p)
    assert df.to_dict("list") == {"text": ["Great phone.", "Bad battery."], "label": ["1", "0"]}
    q = tmp_path / "zh.csv"
    pd.DataFrame({"cat": ["书籍"] * 2, "label": [1, 0], "review": ["很好", "很差"]}).to_csv(q, index=False)
    assert load_labelled(q, "review", "label")["text"].tolist() == ["很好", "很差"]
    assert load_labelled(p, "0", "1")["label"].tolist() == ["1", "0"]


def test_run_sentiment_keeps_test_order():
    X, y = corpus(200)
    df = pd.DataFrame({"text": X, "label": y})
    tr, te = split(df, 0.25)
    metrics, preds = run_sentiment(tr, te, features="tfidf")
    assert len(preds) == len(te) and list(preds.columns) == ["predicted_label", "probability"]
    assert metrics["accuracy"] == pytest.approx((preds.predicted_label.to_numpy() == te.label.to_numpy()).mean())
    assert 0 <= metrics["macro_f1"] <= 1


def test_llm_sentiment_option_parses_answers(fake_llm):
    from growthpilot.genai.llm_sentiment import LLMSentimentClassifier

    def judge(messages, params):
        text = messages[-1]["content"]
        return "Positive." if ("great" in text or "很好" in text) else "负面" if "差" in text else "hmm"

    clf = LLMSentimentClassifier(llm=fake_llm(judge)).fit()
    pred = clf.predict(["great tea", "质量很差", "质量很好", "no idea"])
    assert list(pred[:3]) == ["positive", "negative", "positive"]
    assert np.allclose(clf.predict_proba(["no idea"]), [[0.5, 0.5]])
    assert clf.model_version.startswith("llm-sentiment:")
