import numpy as np
import pandas as pd
import pytest

from growthpilot.errors import DataError
from growthpilot.forecast.hierarchy import aggregate, reconcile, shrunk_covariance, summing_matrix

MAP = pd.DataFrame({"unique_id": ["a", "b", "c"], "category": ["x", "x", "y"]})
DS = pd.date_range("2024-01-01", periods=3, freq="D")


def _incoherent():
    rng = np.random.default_rng(1)
    ids = ["total", "category/x", "category/y", "a", "b", "c"]
    return pd.DataFrame({"unique_id": np.repeat(ids, 3), "ds": np.tile(DS, 6),
                         "y_hat": rng.uniform(1, 10, 18)})


def test_aggregate_and_summing_matrix_agree():
    bottom = pd.DataFrame({"unique_id": np.repeat(["a", "b", "c"], 3), "ds": np.tile(DS, 3), "y": np.arange(9.0)})
    frame, tags = aggregate(bottom, MAP, ["total", "category"])
    assert tags["category"] == ["category/x", "category/y"] and tags["bottom"] == ["a", "b", "c"]
    S = summing_matrix(MAP, ["total", "category"], ["a", "b", "c"])
    wide = bottom.pivot(index="unique_id", columns="ds", values="y").loc[["a", "b", "c"]].to_numpy()
    expect = pd.DataFrame(S.to_numpy() @ wide, index=S.index, columns=DS)
    got = frame.pivot(index="unique_id", columns="ds", values="y").loc[S.index]
    np.testing.assert_allclose(got.to_numpy(), expect.to_numpy())


@pytest.mark.parametrize("method", ["bottom_up", "mint_shrink"])
def test_reconciled_forecasts_add_up(method):
    S = summing_matrix(MAP, ["total", "category"], ["a", "b", "c"])
    fc = _incoherent()
    rng = np.random.default_rng(2)
    resid = pd.DataFrame({"unique_id": np.repeat(S.index, 20), "ds": np.tile(np.arange(20), len(S)),
                          "resid": rng.normal(size=20 * len(S))})
    rec = reconcile(fc, S, method=method, residuals=resid).pivot(index="unique_id", columns="ds", values="y_hat")
    rec = rec.loc[S.index]
    np.testing.assert_allclose(rec.loc["total"], rec.loc[["a", "b", "c"]].sum())
    np.testing.assert_allclose(rec.loc["category/x"], rec.loc[["a", "b"]].sum())
    if method == "bottom_up":
        base = fc.pivot(index="unique_id", columns="ds", values="y_hat")
        np.testing.assert_allclose(rec.loc["c"], base.loc["c"])


def test_mint_keeps_coherent_forecasts_unchanged_and_needs_residuals():
    S = summing_matrix(MAP, ["total", "category"], ["a", "b", "c"])
    bottom = np.array([[1.0, 2, 3], [4, 5, 6], [7, 8, 9]])
    coherent = S.to_numpy() @ bottom
    fc = pd.DataFrame({"unique_id": np.repeat(S.index, 3), "ds": np.tile(DS, len(S)), "y_hat": coherent.ravel()})
    resid = pd.DataFrame({"unique_id": np.repeat(S.index, 10), "ds": np.tile(np.arange(10), len(S)),
                          "resid": np.random.default_rng(3).normal(size=10 * len(S))})
    rec = reconcile(fc, S, method="mint_shrink", residuals=resid)
    np.testing.assert_allclose(rec.sort_values(["unique_id", "ds"])["y_hat"],
                               fc.sort_values(["unique_id", "ds"])["y_hat"], rtol=1e-6)
    with pytest.raises(DataError, match="residuals"):
        reconcile(fc, S, method="mint_shrink")


def test_shrunk_covariance_is_positive_definite():
    r = np.random.default_rng(4).normal(size=(8, 5))
    assert np.all(np.linalg.eigvalsh(shrunk_covariance(r)) > 0)
