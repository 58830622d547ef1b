"""Review intelligence: sentiment per review, aspects, topics, and per-product sentiment over time.

Writes ``review_sentiment`` (one row per review) and ``product_sentiment`` (per product and
month) plus ``customer_review_sentiment`` (per customer), so customer features can use them.
Labels for training come from star ratings (1-2 negative, 3 neutral, 4-5 positive) unless
a fitted :class:`~growthpilot.genai.sentiment.SentimentClassifier` is given.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable

import numpy as np
import pandas as pd

from growthpilot.errors import DataError
from growthpilot.genai.aspects import clause_aspects, learn_topics
from growthpilot.genai.sentiment import SentimentClassifier
from growthpilot.warehouse.contracts import TableContract, register

REVIEW_SENTIMENT = register(TableContract(
    "review_sentiment",
    {"review_id": "string", "product_id": "string", "customer_id": "string", "ts": "timestamp", "language": "string",
     "label": "string", "probability": "float64", "aspects": "string", "topic": "int64", "model_version": "string",
     "run_id": "string"},
    keys=("review_id",), required=("review_id", "label"),
    description="Sentiment per review (label, its probability), aspects as JSON {aspect: label}, NMF topic id.",
))
PRODUCT_SENTIMENT = register(TableContract(
    "product_sentiment",
    {"product_id": "string", "month": "date", "n_reviews": "int64", "share_positive": "float64",
     "share_negative": "float64", "net_sentiment": "float64", "avg_rating": "float64", "top_aspects": "string",
     "model_version": "string", "run_id": "string"},
    keys=("product_id", "month"), required=("product_id", "month"),
    description="Review sentiment per product and month; net_sentiment = share_positive - share_negative.",
))
CUSTOMER_REVIEW_SENTIMENT = register(TableContract(
    "customer_review_sentiment",
    {"customer_id": "string", "n_reviews": "int64", "share_negative": "float64", "net_sentiment": "float64",
     "last_review_ts": "timestamp", "last_label": "string", "model_version": "string", "run_id": "string"},
    keys=("customer_id",), required=("customer_id",),
    description="Per-customer summary of their reviews' sentiment (a customer feature).",
))


def rating_label(rating: object) -> str | None:
    """Star rating to label: 1-2 negative, 3 neutral, 4-5 positive; ``None`` when unknown."""
    if rating is None or pd.isna(rating):
        return None
    r = float(rating)
    return "negative" if r <= 2 else "neutral" if r < 4 else "positive"


def _label_name(x: object) -> str:
    return {"1": "positive", "0": "negative", "True": "positive", "False": "negative"}.get(str(x), str(x))


class ReviewAnalyzer:
    """Label reviews, find aspects and topics, aggregate per product and month.

    Parameters
    ----------
    classifier : a fitted :class:`SentimentClassifier`; ``None`` trains one on rated reviews.
    include_neutral : keep 3-star reviews as a neutral class when training from ratings.
    n_topics : NMF topics.
    """

    def __init__(self, *, classifier: SentimentClassifier | None = None, include_neutral: bool = True,
                 n_topics: int = 8) -> None:
        self.classifier = classifier
        self.include_neutral = include_neutral
        self.n_topics = n_topics

    def fit(self, reviews: pd.DataFrame, progress: Callable[[int], None] | None = None) -> ReviewAnalyzer:
        """Train the classifier on rated reviews (skipped when a fitted one was given)."""
        if self.classifier is not None and hasattr(self.classifier, "classes_"):
            self.classifier_ = self.classifier
            return self
        lab = reviews["rating"].map(rating_label) if "rating" in reviews else pd.Series(None, index=reviews.index)
        if not self.include_neutral:
            lab = lab.where(lab != "neutral")
        train = reviews[lab.notna()]
        if len(train) < 20 or lab.dropna().nunique() < 2:
            raise DataError(f"only {len(train)} reviews have a usable rating; train a classifier on labelled "
                            "reviews (growthpilot reviews --train-data PATH) or ingest ratings")
        self.classifier_ = (self.classifier or SentimentClassifier()).fit(
            train["text"].astype(str).tolist(), lab[lab.notna()].to_numpy(), progress=progress)
        return self

    def transform(self, reviews: pd.DataFrame, run_id: str = "",
                  progress: Callable[[int], None] | None = None) -> pd.DataFrame:
        """``review_sentiment`` rows for ``reviews``."""
        if not hasattr(self, "classifier_"):
            raise DataError("ReviewAnalyzer is not fitted; call fit(reviews) first")
        run_id = run_id or f"reviews-{uuid.uuid4().hex[:8]}"
        clf = self.classifier_
        texts = reviews["text"].astype(str).tolist()
        proba = clf.predict_proba(texts, progress=progress)
        labels = [_label_name(x) for x in clf.classes_[proba.argmax(1)]]
        # aspect sentiment: classify the clause that mentions each aspect (n-gram part only when cheap)
        pairs = [clause_aspects(t) for t in texts]
        flat = [c for ps in pairs for _, c in ps]
        clause_labels = iter([_label_name(x) for x in clf.predict(flat)] if flat else [])
        aspects = [json.dumps({a: next(clause_labels) for a, _ in ps}, ensure_ascii=False) for ps in pairs]
        topics, self.topic_terms_ = learn_topics(texts, n_topics=self.n_topics)
        out = pd.DataFrame({
            "review_id": reviews["review_id"].astype(str).to_numpy(),
            "product_id": reviews.get("product_id", pd.Series(None, index=reviews.index)).to_numpy(),
            "customer_id": reviews.get("customer_id", pd.Series(None, index=reviews.index)).to_numpy(),
            "ts": reviews.get("ts", pd.Series(pd.NaT, index=reviews.index)).to_numpy(),
            "language": reviews.get("language", pd.Series(None, index=reviews.index)).to_numpy(),
            "label": labels, "probability": proba.max(1), "aspects": aspects, "topic": topics.astype("int64"),
            "model_version": clf.model_version, "run_id": run_id,
        })
        return out


def product_sentiment(scored: pd.DataFrame, reviews: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per product and calendar month: counts, shares, net sentiment, average rating, top aspects."""
    df = scored.copy()
    if reviews is not None and "rating" in reviews:
        df = df.merge(reviews[["review_id", "rating"]].astype({"review_id": str}), on="review_id", how="left")
    else:
        df["rating"] = np.nan
    df = df[df["product_id"].notna()]
    df["month"] = pd.to_datetime(df["ts"]).dt.to_period("M").dt.to_timestamp().dt.date
    rows = []
    for (pid, month), g in df.groupby(["product_id", "month"], dropna=False):
        counts: dict[str, int] = {}
        for a in g["aspects"]:
            for k in json.loads(a or "{}"):
                counts[k] = counts.get(k, 0) + 1
        pos, neg = (g["label"] == "positive").mean(), (g["label"] == "negative").mean()
        rows.append({"product_id": pid, "month": month, "n_reviews": len(g), "share_positive": pos,
                     "share_negative": neg, "net_sentiment": pos - neg, "avg_rating": g["rating"].astype(float).mean(),
                     "top_aspects": json.dumps(sorted(counts, key=lambda k: -counts[k])[:3]),
                     "model_version": g["model_version"].iloc[0], "run_id": g["run_id"].iloc[0]})
    return pd.DataFrame(rows, columns=list(PRODUCT_SENTIMENT.columns))


def customer_review_sentiment(scored: pd.DataFrame) -> pd.DataFrame:
    """Per customer: number of reviews, share negative, net sentiment, last review's label."""
    df = scored[scored["customer_id"].notna()].sort_values("ts")
    if df.empty:
        return pd.DataFrame(columns=list(CUSTOMER_REVIEW_SENTIMENT.columns))
    g = df.groupby("customer_id")
    out = pd.DataFrame({
        "n_reviews": g.size(), "share_negative": g["label"].apply(lambda s: (s == "negative").mean()),
        "net_sentiment": g["label"].apply(lambda s: (s == "positive").mean() - (s == "negative").mean()),
        "last_review_ts": g["ts"].last(), "last_label": g["label"].last(),
        "model_version": g["model_version"].last(), "run_id": g["run_id"].last(),
    }).reset_index()
    return out
