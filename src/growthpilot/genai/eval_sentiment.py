"""Sentiment benchmark logic: load labelled review files, train, score, write predictions."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import train_test_split

from growthpilot.errors import ValidationError
from growthpilot.genai.sentiment import SentimentClassifier


def load_labelled(path: str | Path, text_col: str = "text", label_col: str | None = "label", *,
                  drop_unlabelled: bool = True) -> pd.DataFrame:
    """Read a review file as columns ``text`` (and ``label`` when ``label_col`` is set).

    CSV/TSV (optionally gzipped) with a header; headerless ``sentence<TAB>label`` files (the UCI
    sets) are recognised too, and ``text_col``/``label_col`` may then be column numbers (``0``, ``1``).
    ``drop_unlabelled=False`` keeps every row (a test file must keep its order).
    """
    p = Path(path)
    if not p.exists():
        raise ValidationError("review file not found", file=str(p), expected="an existing CSV/TSV file")
    name = p.name.lower().removesuffix(".gz")
    sep = "\t" if name.endswith((".tsv", ".txt")) else ","
    df = pd.read_csv(p, sep=sep, quoting=3 if sep == "\t" else 0, dtype=str, keep_default_na=False)
    if text_col not in df.columns:
        raw = pd.read_csv(p, sep=sep, header=None, quoting=3 if sep == "\t" else 0, dtype=str, keep_default_na=False)
        if text_col.isdigit():
            df = raw.rename(columns={int(text_col): text_col})
            if label_col is not None and label_col.isdigit():
                df = df.rename(columns={int(label_col): label_col})
        elif raw.shape[1] == 2 and text_col == "text" and label_col in ("label", None):
            df = raw.set_axis(["text", "label"], axis=1)
        else:
            raise ValidationError("text column not found", file=str(p), column=text_col,
                                  expected=f"one of {list(df.columns)} (or a column number for headerless files)")
    out = pd.DataFrame({"text": df[text_col].astype(str)})
    if label_col is not None:
        if label_col not in df.columns:
            raise ValidationError("label column not found", file=str(p), column=label_col,
                                  expected=f"one of {list(df.columns)}")
        out["label"] = df[label_col].astype(str).str.strip()
        if drop_unlabelled:
            out = out[out["label"] != ""]
    return out.reset_index(drop=True)


def run_sentiment(train: pd.DataFrame, test: pd.DataFrame, *, features: str = "auto", random_state: int = 0,
                  embedder=None, progress: Callable[[int], None] | None = None) -> tuple[dict, pd.DataFrame]:
    """Fit on ``train`` and score ``test``; returns metrics and per-row predictions (test order)."""
    t0 = time.monotonic()
    model = SentimentClassifier(features=features, random_state=random_state, embedder=embedder)
    model.fit(train["text"].tolist(), train["label"].to_numpy(), progress=progress)
    t_fit = time.monotonic() - t0
    proba = model.predict_proba(test["text"].tolist(), progress=progress)
    pred = model.classes_[proba.argmax(1)]
    preds = pd.DataFrame({"predicted_label": pred, "probability": proba.max(1)})
    metrics = {
        "n_train": len(train), "n_test": len(test), "blend_weight_embeddings": model.weight_,
        "features_used": "tfidf" if model.weight_ == 0 else "embeddings" if model.weight_ == 1 else "tfidf+embeddings",
        "validation": model.val_scores_, "fit_seconds": round(t_fit, 1),
        "total_seconds": round(time.monotonic() - t0, 1),
    }
    if "label" in test and (test["label"] != "").all():
        y = test["label"].to_numpy()
        metrics["accuracy"] = float(accuracy_score(y, pred))
        metrics["macro_f1"] = float(f1_score(y, pred, average="macro"))
        # also the share of the positive class given by probability, for binary sets
        if len(model.classes_) == 2:
            metrics["classes"] = [str(c) for c in model.classes_]
    return metrics, preds


def split(df: pd.DataFrame, test_size: float = 0.2, random_state: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Stratified train/test split."""
    tr, te = train_test_split(np.arange(len(df)), test_size=test_size, random_state=random_state,
                              stratify=df["label"])
    return df.iloc[tr].reset_index(drop=True), df.iloc[te].reset_index(drop=True)
