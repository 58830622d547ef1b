"""Turn a feature frame into a numeric matrix the same way at fit and predict time."""

from __future__ import annotations

import numpy as np
import pandas as pd

from growthpilot.errors import DataError


class FeatureEncoder:
    """Numeric columns pass through; text, boolean and categorical columns become ordinal codes.

    Categories are learned at :meth:`fit` (sorted, so ordered labels such as ``"1) $0 - $100"`` keep
    their order); a value unseen at fit time becomes NaN, which gradient-boosted trees route as missing.
    A text column whose every non-blank value is a number (numbers read as text because of blank
    cells, e.g. Telco's ``TotalCharges``) is numeric, blanks missing, not ordinal codes of sorted text.
    """

    def fit(self, X: pd.DataFrame) -> FeatureEncoder:
        X = _frame(X)
        self.columns_ = list(X.columns)
        self.categories_: dict[str, list] = {}
        for col in X.columns:
            s = X[col]
            if not pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s):
                if not pd.api.types.is_bool_dtype(s) and _numeric_text(s):
                    continue
                self.categories_[col] = sorted(s.dropna().astype(str).unique())
        return self

    def transform(self, X: pd.DataFrame) -> np.ndarray:
        X = _frame(X)
        missing = [c for c in self.columns_ if c not in X.columns]
        if missing:
            raise DataError(f"feature column(s) {missing} are missing; the model was fit on {self.columns_}")
        out = np.empty((len(X), len(self.columns_)), dtype=float)
        for j, col in enumerate(self.columns_):
            s = X[col]
            if col in self.categories_:
                cats = pd.Categorical(s.astype("string").astype(object).where(s.notna(), None),
                                      categories=self.categories_[col])
                codes = cats.codes.astype(float)
                codes[codes < 0] = np.nan
                out[:, j] = codes
            else:
                out[:, j] = pd.to_numeric(s, errors="coerce").to_numpy(dtype=float)  # blanks -> NaN
        return out

    def fit_transform(self, X: pd.DataFrame) -> np.ndarray:
        return self.fit(X).transform(X)


def _numeric_text(s: pd.Series) -> bool:
    """True when a text column holds numbers only (besides blank cells)."""
    txt = s.dropna().astype(str).str.strip()
    txt = txt[txt != ""]
    return len(txt) > 0 and bool(pd.to_numeric(txt, errors="coerce").notna().all())


def _frame(X) -> pd.DataFrame:
    if isinstance(X, pd.DataFrame):
        return X
    arr = np.asarray(X)
    if arr.ndim != 2:
        raise DataError(f"features must be a 2-D table; got shape {arr.shape}")
    return pd.DataFrame(arr, columns=[f"x{i}" for i in range(arr.shape[1])])


def control_and_arms(t: np.ndarray, control) -> tuple[str, list[str]]:
    """The control value as a string and the sorted treatment arms; a clear error when either is missing."""
    values = set(t)
    if str(control) not in values:
        raise DataError(f"control value {control!r} is not in the treatment column; values: {sorted(values)[:10]}")
    arms = sorted(values - {str(control)})
    if not arms:
        raise DataError("the treatment column has only the control value; an uplift model needs an arm")
    return str(control), arms
