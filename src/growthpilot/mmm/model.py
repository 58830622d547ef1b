"""The marketing-mix model: PyMC-Marketing's MMM behind a scikit-learn-style estimator.

Weekly outcome = intercept + trend + controls + yearly Fourier seasonality + the sum over
channels of ``beta_c * saturation_c(adstock_c(spend_c))`` + noise, fitted with NUTS by
PyMC-Marketing (``pymc_marketing.mmm.multidimensional.MMM``). Lift tests enter the likelihood
through ``add_lift_test_measurements`` (each test observes the saturation curve's rise from
``x`` to ``x + delta_x``). Everything downstream (ROI, marginal ROI, response curves, the
budget optimiser, forecasts) reads the flattened draws in :class:`~growthpilot.mmm.posterior.MMMPosterior`.

>>> m = MarketingMixModel(draws=200, tune=200)   # doctest: +SKIP
>>> m.fit(df, date_col="date", target_col="revenue", spend_cols=["tv", "search"])  # doctest: +SKIP
>>> m.roi()  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import inspect
import logging
import os
import time
import warnings
from typing import Any

import numpy as np
import pandas as pd

from growthpilot.errors import ConfigError, NotFittedError, require
from growthpilot.mmm.calibration import add_path_lift_likelihood, build_lift_paths
from growthpilot.mmm.data import prepare_spend, prepare_weekly
from growthpilot.mmm.lift import WINDOW, LiftTests, normalize_lift_tests
from growthpilot.mmm.mixture import FAMILIES, MIXTURE, WEIGHTINGS, MixturePosterior, loo_family_weights
from growthpilot.mmm.posterior import MMMPosterior
from growthpilot.mmm.transforms import ADSTOCKS, SATURATIONS

TREND = "_trend"
BETA_PRIORS = ("flat", "spend_share")
MODEL_VERSION = "mmm-pymc-marketing-0.19"


def spend_share_beta_sigma(spend: np.ndarray, base: float = 0.5) -> np.ndarray:
    """Per-channel ``HalfNormal`` scale of the Hill ``beta``: ``base * n_channels * share of mean spend``.

    ``beta`` is the weekly contribution at mean spend, so equal ROI means ``beta`` proportional to
    mean spend; this gives every channel the same prior on ROI, and a channel with an average
    share (1 / n_channels) the flat prior ``HalfNormal(base)``. Channels with no spend get the
    scale of 1 % of the average share.
    """
    mean = np.clip(np.nanmean(np.asarray(spend, float), axis=0), 0.0, None)
    n = mean.size
    share = mean / mean.sum() if mean.sum() > 0 else np.full(n, 1.0 / n)
    return base * n * np.maximum(share, 0.01 / n)


@contextlib.contextmanager
def _sampler_log(verbose: bool):
    """PyMC's sampler messages ("Initializing NUTS...", "Sampling 2 chains...") only with ``progressbar``:
    otherwise they would interleave with the CLI's own progress and tables."""
    log = logging.getLogger("pymc")
    level = log.level
    if not verbose:
        log.setLevel(logging.WARNING)
    try:
        yield
    finally:
        log.setLevel(level)


class MarketingMixModel:
    """Bayesian marketing-mix model with adstock, saturation, controls and lift-test calibration.

    Parameters
    ----------
    adstock : ``"geometric"`` or ``"delayed"`` carry-over (weights normalised to sum to 1).
    saturation : ``"hill"`` (:class:`~growthpilot.mmm.saturation.ReferenceHillSaturation`: concave or
        S-shaped, parametrised by the contribution at typical spend), ``"logistic"`` (concave), or
        ``"hill+logistic"``: both fitted (one after the other) and their draws pooled
        (:mod:`growthpilot.mmm.mixture`), so ROI and its interval carry both curve shapes.
    mixture_weights : with ``"hill+logistic"``: ``"equal"`` (default), or ``"stacking"`` /
        ``"pseudo-bma"`` weights from PSIS-LOO of the weekly outcome.
    l_max : weeks an effect lasts.
    yearly_seasonality : Fourier order of yearly seasonality (0 = none).
    trend : add a linear trend control.
    draws, tune, chains : NUTS settings (PyMC's sampler; one process per chain).
    target_accept : NUTS target acceptance.
    random_seed : seed for the sampler.
    progressbar : show PyMC's progress bar.
    model_config : extra PyMC-Marketing priors (``{"saturation_beta": Prior(...)}``) overriding ours.
    lift_likelihood : ``"path"`` replays each lift test whose window lies in the data on the
        channel's spend path (:mod:`growthpilot.mmm.calibration`); ``"steady"`` uses PyMC-Marketing's
        steady-state ``add_lift_test_measurements`` for all tests.
    beta_prior : Hill ``beta`` prior. ``"flat"``: ``HalfNormal(0.5)`` for every channel (on the
        max-scaled target). ``"spend_share"``: ``HalfNormal(0.5 * n_channels * share_c)``, with
        ``share_c`` the channel's share of mean training spend, i.e. the same prior on ROI for every
        channel; a channel with an average share keeps ``HalfNormal(0.5)``. ``model_config`` wins.

    Attributes
    ----------
    posterior_ : :class:`MMMPosterior` draws (a :class:`~growthpilot.mmm.mixture.MixturePosterior` for a mixture).
    mmm_ : the fitted PyMC-Marketing model; idata_: its InferenceData (single family only).
    components_ : mixture only: family -> its fitted single-family model; mixture_weights_: family -> weight.
    lift_tests_ : the lift tests used (per-week form) and the dropped ones.
    diagnostics_ : divergences, max r-hat, min effective sample size.
    fit_seconds_ : wall time of build + sampling.

    ``build(data, ...)`` takes ``fit``'s arguments and returns the PyMC-Marketing model built but
    not sampled (with its ``X`` and ``y``), for prior checks and tests of the likelihood terms.
    """

    def __init__(
        self,
        *,
        adstock: str = "geometric",
        saturation: str = "hill",
        l_max: int = 8,
        yearly_seasonality: int = 3,
        trend: bool = True,
        draws: int = 500,
        tune: int = 500,
        chains: int = 2,
        target_accept: float = 0.9,
        random_seed: int = 0,
        progressbar: bool = False,
        model_config: dict | None = None,
        lift_likelihood: str = "path",
        beta_prior: str = "flat",
        mixture_weights: str = "equal",
    ) -> None:
        self.adstock = adstock
        self.saturation = saturation
        self.l_max = l_max
        self.yearly_seasonality = yearly_seasonality
        self.trend = trend
        self.draws = draws
        self.tune = tune
        self.chains = chains
        self.target_accept = target_accept
        self.random_seed = random_seed
        self.progressbar = progressbar
        self.model_config = model_config
        self.lift_likelihood = lift_likelihood
        self.beta_prior = beta_prior
        self.mixture_weights = mixture_weights

    # ------------------------------------------------------------------ fit
    def fit(
        self,
        data: pd.DataFrame,
        *,
        date_col: str = "date",
        target_col: str = "y",
        spend_cols: list[str],
        control_cols: list[str] | tuple[str, ...] = (),
        geo_col: str | None = None,
        lift_tests: pd.DataFrame | None = None,
        spend_after: pd.DataFrame | None = None,
    ) -> MarketingMixModel:
        """Fit on a weekly table; ``lift_tests`` (either form, see :mod:`growthpilot.mmm.lift`) calibrate it.

        ``spend_after``: weeks after ``data`` (``date_col`` and the spend columns; other columns are
        ignored) whose spend is known but whose outcome is not fitted, e.g. a hold-out period. Lift
        tests whose window reaches into them are replayed on that spend instead of being dropped.
        """
        if self.saturation == MIXTURE:
            return self._fit_mixture(data, date_col=date_col, target_col=target_col, spend_cols=spend_cols,
                                     control_cols=control_cols, geo_col=geo_col, lift_tests=lift_tests,
                                     spend_after=spend_after)
        t0 = time.perf_counter()
        mmm, X, y = self.build(data, date_col=date_col, target_col=target_col, spend_cols=spend_cols,
                               control_cols=control_cols, geo_col=geo_col, lift_tests=lift_tests,
                               spend_after=spend_after)
        with warnings.catch_warnings(), _sampler_log(self.progressbar):
            warnings.simplefilter("ignore", FutureWarning)
            warnings.simplefilter("ignore", UserWarning)
            cores = max(1, min(self.chains, os.cpu_count() or 1))
            mmm.fit(X, y, chains=self.chains, cores=cores, draws=self.draws, tune=self.tune,
                    target_accept=self.target_accept, random_seed=self.random_seed,
                    progressbar=self.progressbar, compute_convergence_checks=False)
        self.fit_seconds_ = time.perf_counter() - t0
        self.mmm_, self.idata_ = mmm, mmm.idata
        self.posterior_ = self._extract_posterior()
        self.diagnostics_ = self._diagnostics()
        return self

    _FAMILY_ONLY = {"hill": ("saturation_lam",), "logistic": ("saturation_slope", "saturation_kappa")}

    def _fit_mixture(self, data: pd.DataFrame, **kw: Any) -> MarketingMixModel:
        """Fit each family with these settings and pool the draws (see :mod:`growthpilot.mmm.mixture`)."""
        if self.mixture_weights not in WEIGHTINGS:
            raise ConfigError(f"mixture_weights must be one of {WEIGHTINGS}, got {self.mixture_weights!r}")
        if self.beta_prior != "flat":
            raise ConfigError("beta_prior='spend_share' needs saturation='hill'")
        params = {k: getattr(self, k) for k in inspect.signature(MarketingMixModel).parameters}
        self.components_ = {}
        for fam in FAMILIES:  # a prior for one family's parameter (e.g. the Hill slope) is not passed to the other
            cfg = {k: v for k, v in (self.model_config or {}).items() if k not in self._FAMILY_ONLY[fam]}
            self.components_[fam] = MarketingMixModel(**{**params, "saturation": fam, "model_config": cfg}).fit(
                data, **kw)
        first = self.components_[FAMILIES[0]]
        for k in ("date_col_", "target_col_", "spend_cols_", "control_cols_", "dates_", "spend_", "y_",
                  "controls_raw_", "control_mean_", "control_std_", "lift_paths_", "lift_dates_", "lift_spend_",
                  "lift_tests_"):
            setattr(self, k, getattr(first, k))
        t0 = time.perf_counter()
        self.mixture_weights_ = (self.family_weights(self.mixture_weights) if self.mixture_weights != "equal"
                                 else dict.fromkeys(FAMILIES, 1.0 / len(FAMILIES)))
        self.posterior_ = self.mixture_posterior(self.mixture_weights_)
        self.fit_seconds_ = sum(m.fit_seconds_ for m in self.components_.values()) + time.perf_counter() - t0
        diags = [m.diagnostics_ for m in self.components_.values()]
        self.diagnostics_ = {**diags[0], "divergences": sum(d["divergences"] for d in diags),
                             "max_rhat": max(d["max_rhat"] for d in diags),
                             "min_ess_bulk": min(d["min_ess_bulk"] for d in diags),
                             "draws": int(self.posterior_.n_draws)}
        return self

    def mixture_posterior(self, weights: dict[str, float] | None = None) -> MixturePosterior:
        """The fitted families' draws pooled with ``weights`` (family -> weight; default equal)."""
        self._check_mixture()
        fams = list(self.components_)
        return MixturePosterior([self.components_[f].posterior_ for f in fams],
                                None if weights is None else [weights[f] for f in fams])

    def family_weights(self, method: str = "stacking") -> dict[str, float]:
        """LOO ``"stacking"`` or ``"pseudo-bma"`` weights of the fitted families (log-likelihood computed once)."""
        self._check_mixture()
        import pymc as pm

        idatas = {}
        for fam, m in self.components_.items():
            if "log_likelihood" not in m.idata_.groups():
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    pm.compute_log_likelihood(m.idata_, var_names=["y"], model=m.mmm_.model, progressbar=False)
            idatas[fam] = m.idata_
        return loo_family_weights(idatas, method)

    def _check_mixture(self) -> None:
        if not hasattr(self, "components_"):
            raise NotFittedError("no fitted mixture: fit with saturation='hill+logistic' first")

    def build(
        self,
        data: pd.DataFrame,
        *,
        date_col: str = "date",
        target_col: str = "y",
        spend_cols: list[str],
        control_cols: list[str] | tuple[str, ...] = (),
        geo_col: str | None = None,
        lift_tests: pd.DataFrame | None = None,
        spend_after: pd.DataFrame | None = None,
    ) -> tuple[Any, pd.DataFrame, pd.Series]:
        """The PyMC-Marketing MMM built (priors, lift-test likelihood) but not sampled, with its ``X`` and ``y``."""
        if self.adstock not in ADSTOCKS:
            raise ConfigError(f"adstock must be one of {ADSTOCKS}, got {self.adstock!r}")
        if self.saturation not in SATURATIONS:
            hint = " (build() takes one family; fit() also takes 'hill+logistic')" if self.saturation == MIXTURE else ""
            raise ConfigError(f"saturation must be one of {(*SATURATIONS, MIXTURE)}, got {self.saturation!r}{hint}")
        if self.lift_likelihood not in ("path", "steady"):
            raise ConfigError(f"lift_likelihood must be 'path' or 'steady', got {self.lift_likelihood!r}")
        if self.beta_prior not in BETA_PRIORS:
            raise ConfigError(f"beta_prior must be one of {BETA_PRIORS}, got {self.beta_prior!r}")
        if self.beta_prior != "flat" and self.saturation != "hill":
            raise ConfigError("beta_prior='spend_share' needs saturation='hill'")
        mmm_mod = require("pymc_marketing.mmm.multidimensional", "mmm")
        comps = require("pymc_marketing.mmm", "mmm")
        df = prepare_weekly(data, date_col=date_col, target_col=target_col, spend_cols=spend_cols,
                            control_cols=control_cols, geo_col=geo_col)
        self.date_col_, self.target_col_ = date_col, target_col
        self.spend_cols_, self.control_cols_ = list(spend_cols), list(control_cols)
        self.dates_ = pd.DatetimeIndex(df[date_col])
        self.spend_ = df[self.spend_cols_].to_numpy(float)
        self.y_ = df[target_col].to_numpy(float)
        ctrl = df[self.control_cols_]
        self.controls_raw_ = ctrl.to_numpy(float)
        self.control_mean_ = ctrl.mean().to_numpy(float)
        sd = ctrl.std(ddof=0).to_numpy(float)
        self.control_std_ = np.where(sd > 0, sd, 1.0)
        self.lift_paths_ = None
        lift_df = self._lift_spend(df, spend_after, date_col=date_col, geo_col=geo_col)
        self.lift_dates_ = pd.DatetimeIndex(lift_df[date_col])
        self.lift_spend_ = lift_df[self.spend_cols_].to_numpy(float)
        self.lift_tests_ = normalize_lift_tests(lift_tests, spend_cols=self.spend_cols_, data=lift_df,
                                                date_col=date_col) if lift_tests is not None else LiftTests(
            pd.DataFrame(columns=["channel", "x", "delta_x", "delta_y", "sigma", "source", *WINDOW]))

        X = pd.DataFrame({"date": self.dates_})
        for c in self.spend_cols_:
            X[c] = df[c].to_numpy(float)
        controls = self._controls(df[self.control_cols_], self.dates_)
        names = self._control_names()
        for j, c in enumerate(names):
            X[c] = controls[:, j]
        adstock = (comps.GeometricAdstock(l_max=self.l_max) if self.adstock == "geometric"
                   else comps.DelayedAdstock(l_max=self.l_max))
        if self.saturation == "logistic":
            saturation, scaling = comps.LogisticSaturation(), None
        else:  # Hill at typical spend: channels scaled by their mean so typical spend is 1
            from pymc_marketing.mmm.scaling import VariableScaling

            from growthpilot.mmm.saturation import ReferenceHillSaturation

            saturation, scaling = ReferenceHillSaturation(), {"channel": VariableScaling(method="mean", dims=())}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            warnings.simplefilter("ignore", UserWarning)
            mmm = mmm_mod.MMM(
                date_column="date", channel_columns=self.spend_cols_, target_column=target_col,
                adstock=adstock, saturation=saturation, control_columns=names or None,
                yearly_seasonality=self.yearly_seasonality or None, model_config=self._priors(), scaling=scaling,
            )
            y = pd.Series(self.y_, name=target_col)
            mmm.build_model(X, y)
            self._add_lift_tests(mmm)
        return mmm, X, y

    def _lift_spend(self, df: pd.DataFrame, spend_after: pd.DataFrame | None, *, date_col: str,
                    geo_col: str | None) -> pd.DataFrame:
        """The fitted weeks' dates and spend, followed by the later weeks of ``spend_after`` (lift windows only)."""
        base = df[[date_col, *self.spend_cols_]]
        if spend_after is None or not len(spend_after):
            return base.reset_index(drop=True)
        later = prepare_spend(spend_after, date_col=date_col, spend_cols=self.spend_cols_, geo_col=geo_col)
        later = later[later[date_col] > base[date_col].iloc[-1]]
        return pd.concat([base, later], ignore_index=True)

    def _add_lift_tests(self, mmm) -> None:
        """Replay windowed tests on the spend path; the rest against the steady-state curve."""
        tests = self.lift_tests_.tests
        if not len(tests):
            return
        windowed = (tests["start_idx"].astype(float) >= 0) & tests["weeks"].notna()
        if self.lift_likelihood == "path" and windowed.any():
            paths = build_lift_paths(tests[windowed], self.lift_spend_, self.spend_cols_, l_max=self.l_max)
            add_path_lift_likelihood(mmm, paths, adstock=self.adstock, saturation=self.saturation)
            self.lift_paths_ = (tests[windowed].reset_index(drop=True), paths)
            tests = tests[~windowed]
        if len(tests):
            mmm.add_lift_test_measurements(tests[["channel", "x", "delta_x", "delta_y", "sigma"]].reset_index(drop=True))

    def lift_check(self, interval: float = 0.9) -> pd.DataFrame:
        """Each replayed lift test beside the fitted model's own replay of it (posterior check).

        Columns: ``channel``, ``start_date``, ``weeks``, ``delta_spend``, ``lift`` (measured), ``lift_se``,
        ``modelled`` (posterior mean) with ``modelled_low``/``modelled_high`` and ``z`` = (measured -
        modelled) / se. Tests the model cannot reconcile with the weekly data show |z| > 2; many tests
        of one sign point at tension between the experiments and the time series. Empty without
        windowed tests (or with ``lift_likelihood="steady"``).
        """
        self._check()
        cols = ["channel", "start_date", "weeks", "delta_spend", "lift", "lift_se", "modelled",
                "modelled_low", "modelled_high", "z"]
        if getattr(self, "lift_paths_", None) is None:
            return pd.DataFrame(columns=cols)
        from growthpilot.mmm.calibration import replay_lifts

        tests, paths = self.lift_paths_
        draws = self.posterior_.map_draws(lambda p: replay_lifts(paths, p))  # (S, N)
        q = (1 - interval) / 2
        out = pd.DataFrame({
            "channel": tests["channel"].to_numpy(),
            "start_date": [self.lift_dates_[int(i)].date() for i in tests["start_idx"]],
            "weeks": tests["weeks"].astype(int).to_numpy(),
            "delta_spend": tests["delta_x"].to_numpy(float) * tests["weeks"].to_numpy(float),
            "lift": paths.lift, "lift_se": paths.se, "modelled": draws.mean(0),
            "modelled_low": np.quantile(draws, q, axis=0), "modelled_high": np.quantile(draws, 1 - q, axis=0),
        })
        out["z"] = (out["lift"] - out["modelled"]) / out["lift_se"]
        return out[cols]

    def _priors(self) -> dict:
        """PyMC-Marketing priors: the transformations' defaults (``beta`` per ``beta_prior``), overridden by ``model_config``."""
        cfg: dict = {}
        if self.beta_prior == "spend_share":
            from pymc_extras.prior import Prior

            cfg["saturation_beta"] = Prior("HalfNormal", sigma=spend_share_beta_sigma(self.spend_), dims="channel")
        cfg.update(self.model_config or {})
        return cfg

    def _control_names(self) -> list[str]:
        return [*self.control_cols_, *([TREND] if self.trend else [])]

    def _controls(self, ctrl: pd.DataFrame, dates: pd.DatetimeIndex) -> np.ndarray:
        """Standardised controls (training mean/sd) plus the trend in training-window units."""
        cols = []
        if self.control_cols_:
            cols.append((ctrl.to_numpy(float) - self.control_mean_) / self.control_std_)
        if self.trend:
            span = max((self.dates_[-1] - self.dates_[0]).days, 1)
            cols.append(((dates - self.dates_[0]).days.to_numpy(float) / span)[:, None])
        return np.concatenate(cols, axis=1) if cols else np.zeros((len(dates), 0))

    def _extract_posterior(self) -> MMMPosterior:
        post = self.idata_.posterior.stack(sample=("chain", "draw"))

        def per_channel(name: str) -> np.ndarray:
            return post[name].sel(channel=self.spend_cols_).transpose("sample", "channel").to_numpy()

        ad = {"alpha": per_channel("adstock_alpha")}
        if self.adstock == "delayed":
            ad["theta"] = per_channel("adstock_theta")
        keys = ("beta", "lam") if self.saturation == "logistic" else ("beta", "slope", "kappa")
        sat = {k: per_channel(f"saturation_{k}") for k in keys}
        scales = self.mmm_.get_scales_as_xarray()
        names = self._control_names()
        gamma_c = (post["gamma_control"].sel(control=names).transpose("sample", "control").to_numpy()
                   if names else None)
        gamma_f = post["gamma_fourier"].transpose("sample", ...).to_numpy() if self.yearly_seasonality else None
        return MMMPosterior(
            channels=list(self.spend_cols_), adstock=self.adstock, saturation=self.saturation, l_max=self.l_max,
            adstock_params=ad, saturation_params=sat,
            channel_scale=scales["channel_scale"].sel(channel=self.spend_cols_).to_numpy().astype(float),
            target_scale=float(scales["target_scale"].to_numpy()),
            intercept=post["intercept_contribution"].to_numpy().reshape(-1),
            sigma=post["y_sigma"].to_numpy().reshape(-1) * float(scales["target_scale"].to_numpy()),
            gamma_control=gamma_c, gamma_fourier=gamma_f, n_fourier=int(self.yearly_seasonality or 0),
            controls=names,
        )

    def _diagnostics(self) -> dict[str, Any]:
        import arviz as az

        names = [v for v in self.idata_.posterior.data_vars if v.startswith(("adstock_", "saturation_"))]
        summ = az.summary(self.idata_, var_names=names, kind="diagnostics")
        return {
            "divergences": int(self.idata_.sample_stats["diverging"].sum()),
            "max_rhat": float(summ["r_hat"].max()), "min_ess_bulk": float(summ["ess_bulk"].min()),
            "draws": int(self.posterior_.n_draws), "lift_tests": len(self.lift_tests_.tests),
            "lift_tests_dropped": len(self.lift_tests_.dropped),
        }

    # ------------------------------------------------------------- predict
    def _check(self) -> None:
        if not hasattr(self, "posterior_"):
            raise NotFittedError("MarketingMixModel is not fitted yet; call fit(data, ...) first")

    def design(self, data: pd.DataFrame | None = None) -> tuple[pd.DatetimeIndex, np.ndarray, np.ndarray]:
        """Dates, spend ``(T, C)`` and standardised controls for ``data`` (default: the training table)."""
        self._check()
        if data is None:
            return self.dates_, self.spend_, self._controls(
                pd.DataFrame(self._train_controls(), columns=self.control_cols_), self.dates_)
        df = data.copy()
        df[self.date_col_] = pd.to_datetime(df[self.date_col_])
        df = df.sort_values(self.date_col_, kind="stable").reset_index(drop=True)
        dates = pd.DatetimeIndex(df[self.date_col_])
        spend = df[self.spend_cols_].astype(float).fillna(0.0).to_numpy()
        ctrl = df[self.control_cols_].astype(float)
        ctrl = ctrl.fillna(pd.Series(self.control_mean_, index=self.control_cols_))
        return dates, spend, self._controls(ctrl, dates)

    def _train_controls(self) -> np.ndarray:
        return self.controls_raw_

    def predict(self, data: pd.DataFrame | None = None, *, interval: float = 0.9,
                include_noise: bool = True) -> pd.DataFrame:
        """Posterior predictive outcome per week: ``date, y_hat, lo, hi`` (mean and central interval).

        Pass the full history followed by future weeks: carry-over needs the earlier spend.
        """
        dates, spend, controls = self.design(data)
        mu = self.posterior_.mean_outcome(dates, spend, controls)
        draws = mu
        if include_noise:
            rng = np.random.default_rng(self.random_seed)
            draws = mu + rng.normal(0.0, 1.0, mu.shape) * self.posterior_.sigma[:, None]
        q = (1 - interval) / 2
        return pd.DataFrame({"date": dates, "y_hat": mu.mean(0), "lo": np.quantile(draws, q, axis=0),
                             "hi": np.quantile(draws, 1 - q, axis=0)})
