"""RFM response model: penalised logistic regression of "buys again" on recency, frequency, monetary
value and tenure, the classic direct-marketing propensity model.

Inputs are each customer's percentile ranks among the cutoff's customers, not day counts or amounts. Ranks
mean the same at every cutoff, so the model transfers from training windows with a short history to a
later cutoff where day counts lie outside anything it was trained on (a tree model flattens there, a
linear model on raw values extrapolates wildly). It is a candidate for P(purchase) only, chosen, like
every candidate, by the inner backtest's ROC-AUC.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from growthpilot.customers.examples import RANK_COLUMNS
from growthpilot.errors import DataError

TARGETS = {"p_purchase": "any", "p_purchase_30d": "any_30d"}


def rfm_inputs(df: pd.DataFrame) -> np.ndarray:
    """The model's inputs: percentile ranks at the cutoff of recency, frequency, monetary value and tenure."""
    return np.nan_to_num(df[list(RANK_COLUMNS)].to_numpy(float), nan=0.5)


class RFMResponseModel:
    """P(purchase in the horizon) and P(purchase in 30 days) from RFM and tenure.

    Parameters
    ----------
    C : inverse L2 penalty of the logistic regression (inputs are standardised ranks).

    Examples
    --------
    >>> m = RFMResponseModel().fit(train_examples)            # doctest: +SKIP
    >>> m.predict(examples_at_cutoff)[["p_purchase"]].head()  # doctest: +SKIP
    """

    def __init__(self, *, C: float = 1.0) -> None:
        self.C = C

    def fit(self, train: pd.DataFrame) -> RFMResponseModel:
        """Fit one logistic regression per label (``any``, ``any_30d``) on an examples frame."""
        X = rfm_inputs(train)
        self.models_: dict[str, Pipeline | float] = {}
        for col, label in TARGETS.items():
            y = train[label].to_numpy(int)
            if len(np.unique(y)) < 2:
                if col == "p_purchase":
                    raise DataError(f"every training customer has {label} = {y[0]}: no response model")
                self.models_[col] = float(y.mean())  # the 30-day label can be one class: a constant rate
                continue
            self.models_[col] = make_pipeline(StandardScaler(), LogisticRegression(C=self.C, max_iter=2000)).fit(X, y)
        return self

    def predict(self, df: pd.DataFrame) -> pd.DataFrame:
        """``p_purchase`` and ``p_purchase_30d`` per row of an examples frame."""
        X = rfm_inputs(df)
        out = {col: (np.full(len(df), m) if isinstance(m, float) else m.predict_proba(X)[:, 1])
               for col, m in self.models_.items()}
        return pd.DataFrame(out, index=df.index)
