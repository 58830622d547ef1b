"""Choose the uplift model by the validated incremental PROFIT of the plan it leads to, not by Qini.

Ranking metrics (Qini, AUUC) ignore what an allocation needs: the size of the uplift next to each offer's
cost, and the choice between offers. :class:`ProfitUpliftModel` cross-fits every candidate (T-, X- and
DR-learner x LightGBM settings, an additive DR-learner (depth-1 trees), a penalised logistic regression with
arm interactions (:class:`~growthpilot.decide.linear_uplift.LinearUplift`, low variance where trees are
noisy), three ensembles (the S-learner and class transformation only in the average of all learners), given
auxiliary outcomes (a visit beside a rare conversion) the surrogate candidates
(:class:`~growthpilot.decide.surrogate_uplift.SurrogateUplift`), and
a "stretch" of the predictions around their arm mean, since regularised models shrink uplift towards it),
builds the plan on each candidate's out-of-fold predictions under the same budget per customer, and scores
it with doubly-robust profit estimates (:mod:`growthpilot.decide.policy`). Only the experiment's own rows are used. The ``top_k`` best candidates
are refit on all rows and their (stretched) predictions averaged: the validated profits of close candidates
differ by less than their noise, and the average of several good plans' models is steadier than the single
noisy winner.

>>> model = ProfitUpliftModel().fit(X, arm, y, control="control",            # doctest: +SKIP
...                                 economics=lambda X: Economics(margin=..., fixed=...), budget_rate=0.05)
>>> uplift, p0 = model.predict(X_new), model.predict_baseline(X_new)       # doctest: +SKIP
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedKFold

from growthpilot.decide._features import FeatureEncoder, control_and_arms
from growthpilot.decide.allocation import OfferAllocator
from growthpilot.decide.linear_uplift import LinearUplift
from growthpilot.decide.policy import Economics, dr_scores, policy_value
from growthpilot.decide.surrogate_uplift import SurrogateUplift
from growthpilot.decide.uplift_learners import LEARNERS, _lgbm, _response
from growthpilot.decide.uplift_model import DEFAULT_GRID, UpliftModel
from growthpilot.errors import DataError, NotFittedError

DEFAULT_ENSEMBLES: tuple[tuple[str, ...], ...] = (("s", "t", "x", "dr", "ct"), ("t", "x", "dr"), ("lin", "t", "x", "dr"))
DEFAULT_LINEAR_GRID: tuple[dict[str, Any], ...] = ({"C": 1.0, "interaction_scale": 1.0},
                                                   {"C": 1.0, "interaction_scale": 0.3},
                                                   {"C": 1.0, "interaction_scale": 1.0, "n_knots": 8,
                                                    "knots": "quantile"})
"""Settings of the penalised-regression candidate (``"lin"``, :class:`LinearUplift`); ensembles use the first.
The third, 8 spline knots at each feature's quantiles, follows wavy effects inside the bulk of the data (a sine
or cosine of a standard-normal feature, as in causalml's synthetic generator) that 5 knots spread evenly over
the range cannot; it enters the plan only when its validated profit ranks it in the top 5."""
DEFAULT_SURROGATE_GRID: tuple[dict[str, Any], ...] = tuple(
    {"base": b, "scale": "ratio", "line": ln} for b, ln in (("lin", "arm"), ("lin", "pooled"), ("lin", "proportional"),
                                                            ("x", "proportional")))
"""Settings of the surrogate candidates (:class:`SurrogateUplift`), tried for every auxiliary outcome."""
DEFAULT_SINGLE_LEARNERS: tuple[str, ...] = ("t", "x", "dr")
"""Learners that are candidates on their own; the others (S-learner, class transformation) only enter through
the ensembles. Alone they are the most erratic plans (the S-learner's trees rarely split on the arm, the class
transformation fits an inverse-propensity-weighted target), and under a noisy validated profit such plans win
the selection by luck (offers simulator: chosen into the top 5 with true shares far below the others')."""
ADDITIVE_SETTINGS: dict[str, Any] = {"n_estimators": 100, "learning_rate": 0.05, "num_leaves": 2,
                                     "min_child_samples": 200}
DEFAULT_EXTRA_CANDIDATES: dict[str, tuple[str, dict[str, Any]]] = {"dr_add": ("dr", ADDITIVE_SETTINGS)}
"""Extra single candidates ``label -> (learner, LightGBM settings)`` outside the grid: the DR-learner with
depth-1 trees (an additive uplift model per arm, the lowest-variance tree candidate)."""


class ProfitUpliftModel:
    """Cross-fitted choice of learner, settings, ensemble and stretch by the DR-estimated plan profit.

    Parameters
    ----------
    learners, param_grid : as in :class:`~growthpilot.decide.UpliftModel`.
    ensembles : member lists averaged into extra candidates (kept when all members are in ``learners``;
        ``"lin"`` is the linear candidate with the first ``linear_grid`` setting).
    linear_grid : settings of :class:`~growthpilot.decide.linear_uplift.LinearUplift` tried as candidates
        (empty: no linear candidate).
    surrogate_grid : settings of :class:`~growthpilot.decide.surrogate_uplift.SurrogateUplift` tried for every
        auxiliary outcome given to :meth:`fit` (candidate ``"sur_<column>"``; empty: none).
    single_learners : which of ``learners`` are candidates on their own (``None``: all); the others are used
        only inside the ensembles. Default :data:`DEFAULT_SINGLE_LEARNERS`.
    extra_candidates : more single candidates outside ``param_grid``, ``label -> (learner, settings)``, used
        when the learner is in ``learners``; default :data:`DEFAULT_EXTRA_CANDIDATES` (additive DR-learner).
    stretch : factors ``a`` tried on ``mean + a * (u - mean)`` per arm (1 = predictions as they are).
    cv : folds for cross-fitting (every row is scored out of fold once).
    top_k : how many of the best candidates (by validated profit) are averaged into the final model.
    random_state, n_jobs : passed to LightGBM.

    Attributes
    ----------
    best_name_, best_params_, best_stretch_, best_score_ : the single best candidate (score: estimated
        profit per customer); ``chosen_``: the ``top_k`` candidates averaged; ``cv_results_``: every candidate.
    """

    def __init__(self, *, learners: Sequence[str] = ("s", "t", "x", "dr", "ct"),
                 param_grid: Sequence[dict[str, Any]] | None = None,
                 ensembles: Sequence[Sequence[str]] = DEFAULT_ENSEMBLES,
                 linear_grid: Sequence[dict[str, Any]] = DEFAULT_LINEAR_GRID,
                 surrogate_grid: Sequence[dict[str, Any]] = DEFAULT_SURROGATE_GRID,
                 single_learners: Sequence[str] | None = DEFAULT_SINGLE_LEARNERS,
                 extra_candidates: dict[str, tuple[str, dict[str, Any]]] | None = None,
                 stretch: Sequence[float] = (1.0, 1.5),
                 cv: int = 2, top_k: int = 5, random_state: int = 0, n_jobs: int = 1) -> None:
        self.learners = tuple(learners)
        self.param_grid = param_grid
        self.ensembles = ensembles
        self.linear_grid = tuple(linear_grid)
        self.surrogate_grid = tuple(surrogate_grid)
        self.single_learners = None if single_learners is None else tuple(single_learners)
        self.extra_candidates = dict(DEFAULT_EXTRA_CANDIDATES if extra_candidates is None else extra_candidates)
        self.stretch = tuple(stretch)
        self.cv = cv
        self.top_k = top_k
        self.random_state = random_state
        self.n_jobs = n_jobs

    def _members(self) -> dict[str, tuple[str, ...]]:
        bad = [n for n in self.learners if n not in LEARNERS or n == "ens"]
        if bad or not self.learners:
            raise DataError(f"unknown learner(s) {bad or self.learners}; choose from {sorted(set(LEARNERS) - {'ens'})}")
        if int(self.top_k) < 1:
            raise DataError(f"top_k must be at least 1, got {self.top_k}")
        if not self.stretch or min(self.stretch) <= 0:
            raise DataError(f"stretch factors must be positive, got {self.stretch}")
        bad = sorted({lr for lr, _ in self.extra_candidates.values()} - (set(LEARNERS) - {"ens"}))
        if bad:
            raise DataError(f"extra_candidates use unknown learner(s) {bad}")
        single = self.learners if self.single_learners is None else [
            n for n in self.learners if n in self.single_learners]
        cands = {n: (n,) for n in single}
        for mem in self.ensembles:
            mem = tuple(mem)
            if len(mem) > 1 and set(mem) <= set(self.learners) | ({"lin"} if self.linear_grid else set()):
                cands["ens_" + "_".join(mem)] = mem
        if not cands and not any(lr in self.learners for lr, _ in self.extra_candidates.values()):
            cands = {n: (n,) for n in self.learners}  # nothing else to choose from: the learners alone
        return cands

    def _fit_one(self, name: str, params: dict[str, Any], X, t, y, control, aux: dict[str, np.ndarray]):
        if name == "sur":  # the calibration lines share one fit of the auxiliary model per row set
            params = dict(params)
            col, line = params.pop("aux"), params.pop("line", "arm")
            key = (col, json.dumps(params, sort_keys=True), hash(np.asarray(X.index).tobytes()))
            if key not in self._sur_cache:
                self._sur_cache[key] = SurrogateUplift(**params, random_state=self.random_state,
                                                       n_jobs=self.n_jobs).fit(X, t, y, aux=aux[col], control=control)
            return self._sur_cache[key].with_line(line)
        if name == "lin":
            return LinearUplift(**params).fit(X, t, y, control=control)
        return LEARNERS[name](**params, random_state=self.random_state, n_jobs=self.n_jobs).fit(
            X, t, y, control=control)

    def fit(self, X: pd.DataFrame, treatment, y, *, control: Any = 0,
            economics: Callable[[pd.DataFrame], Economics], budget_rate: float | None = None,
            aux: pd.DataFrame | dict[str, Any] | None = None) -> ProfitUpliftModel:
        """Fit on an experiment; ``economics(X)`` gives the offers' economics for any rows (columns in
        ``arms_`` order), ``budget_rate`` the budget per customer (``None``: no budget), ``aux`` auxiliary
        outcomes of the same rows (e.g. visits beside conversions; columns by name) for the surrogate
        candidates. They are only training signals: the candidates are still scored on ``y``."""
        X = X.reset_index(drop=True)
        t = pd.Series(np.asarray(treatment)).astype(str).to_numpy()
        y = np.asarray(y, dtype=float)
        if len(t) != len(X) or len(y) != len(X):
            raise DataError(f"X, treatment and y must have the same rows; got {len(X)}, {len(t)}, {len(y)}")
        control, arms = control_and_arms(t, control)
        aux = {} if aux is None else {str(k): np.asarray(v, dtype=float) for k, v in dict(aux).items()}
        bad = [k for k, v in aux.items() if v.shape != y.shape or np.isnan(v).any()]
        if bad:
            raise DataError(f"auxiliary outcome(s) {bad} must have one value per row ({len(y)}) and no missing values")
        self._sur_cache: dict[tuple, SurrogateUplift] = {}
        binary = bool(set(np.unique(y)) <= {0.0, 1.0})
        cands = self._members()
        grid = list(self.param_grid or DEFAULT_GRID)
        strata = pd.Series(t) + "|" + (pd.Series(y > 0).astype(str) if binary else "")
        folds = list(StratifiedKFold(self.cv, shuffle=True, random_state=self.random_state).split(X, strata))
        econ = economics(X)
        n, m = len(y), len(arms)
        if econ.fixed.shape != (n, m):
            raise DataError(f"economics(X) must give (rows x arms) = {(n, m)} matrices in arm order {arms}; "
                            f"got {econ.fixed.shape}")
        # nuisance: cross-fitted response model per group (smooth settings) -> DR profit per row and offer
        enc = FeatureEncoder().fit(X)
        Xn = enc.transform(X)
        groups = [control, *arms]
        mu = np.zeros((n, m + 1))
        for a, b in folds:
            for j, g in enumerate(groups):
                r = a[t[a] == g]
                mu[b, j] = _response(_lgbm(binary, dict(grid[0]), self.random_state + j, self.n_jobs)
                                     .fit(Xn[r], y[r]), Xn[b])
        drp = econ.dr_profit(dr_scores(mu, t, y, groups))
        budget = None if budget_rate is None else float(budget_rate) * n
        alloc = OfferAllocator(method="greedy")
        self.cv_results_: list[dict[str, Any]] = []

        def oof_of(name: str, params: dict[str, Any]) -> np.ndarray:
            out = np.zeros((n, m))
            for a, b in folds:
                out[b] = self._fit_one(name, params, X.iloc[a], t[a], y[a], control,
                                       {k: v[a] for k, v in aux.items()}).predict(X.iloc[b])
            return out

        def score(cname: str, members: list[tuple[str, str]], oofs: list[np.ndarray]) -> None:
            u = np.mean(oofs, axis=0)
            center = u.mean(axis=0)
            for s in self.stretch:
                P, C = econ.profit_cost(mu[:, 0], center + s * (u - center))
                plan = alloc.allocate(P, C, budget=budget)
                self.cv_results_.append({"learner": cname, "params": members[-1][1], "stretch": s,
                                         "score": policy_value(plan.choice, drp), "_members": members,
                                         "_center": center})

        lin_grid = [json.dumps(dict(p), sort_keys=True) for p in self.linear_grid]
        lin_oof = {pj: oof_of("lin", json.loads(pj)) for pj in lin_grid}
        for pj in lin_grid:
            score("lin", [("lin", pj)], [lin_oof[pj]])
        for col in aux:
            for setting in self.surrogate_grid:
                pj = json.dumps({"aux": col, **setting}, sort_keys=True)
                score(f"sur_{col}", [("sur", pj)], [oof_of("sur", json.loads(pj))])
        for label, (lr, params) in self.extra_candidates.items():
            if lr in self.learners:
                pj = json.dumps(dict(params), sort_keys=True)
                score(label, [(lr, pj)], [oof_of(lr, json.loads(pj))])
        for params in grid:
            pj = json.dumps(params, sort_keys=True)
            oof = {name: oof_of(name, params) for name in self.learners}
            if lin_grid:
                oof["lin"] = lin_oof[lin_grid[0]]
            for cname, mem in cands.items():
                if all(k in oof for k in mem):
                    score(cname, [(k, lin_grid[0] if k == "lin" else pj) for k in mem], [oof[k] for k in mem])
        ranked = sorted(self.cv_results_, key=lambda r: r["score"], reverse=True)
        best = ranked[0]
        self.best_name_, self.best_stretch_, self.best_score_ = best["learner"], best["stretch"], best["score"]
        self.best_params_ = json.loads(best["params"])
        gbm_best = next((json.loads(r["params"]) for r in ranked if r["_members"][-1][0] not in ("lin", "sur")
                         and r["learner"] not in self.extra_candidates), dict(grid[0]))
        fitted: dict[tuple[str, str], Any] = {}  # each (learner, settings) refit once, shared by ensembles
        self.chosen_ = []
        for r in ranked[: int(self.top_k)]:
            for k, pj in r["_members"]:
                if (k, pj) not in fitted:
                    fitted[(k, pj)] = self._fit_one(k, json.loads(pj), X, t, y, control, aux)
            self.chosen_.append({"learner": r["learner"], "params": r["params"], "stretch": r["stretch"],
                                 "score": r["score"], "center": r["_center"],
                                 "models": [fitted[km] for km in r["_members"]]})
        del self._sur_cache
        for r in self.cv_results_:
            r.pop("_center", None)
            r.pop("_members", None)
        self.arms_, self.control_, self.binary_ = arms, control, binary
        self.encoder_ = enc
        ctrl = t == control
        self.baseline_ = _lgbm(binary, gbm_best, self.random_state, self.n_jobs).fit(
            Xn[ctrl], y[ctrl])
        return self

    def _check(self) -> None:
        if not hasattr(self, "chosen_"):
            raise NotFittedError("ProfitUpliftModel is not fitted yet; call fit(X, treatment, y, economics=...) first")

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """Uplift of each arm over control: mean of the chosen candidates' stretched predictions."""
        self._check()
        cache: dict[int, np.ndarray] = {}
        out = []
        for c in self.chosen_:
            u = np.mean([cache.setdefault(id(mdl), mdl.predict(X)) for mdl in c["models"]], axis=0)
            out.append(c["center"] + c["stretch"] * (u - c["center"]))
        return np.mean(out, axis=0)

    def predict_baseline(self, X: pd.DataFrame) -> np.ndarray:
        """Expected outcome without treatment (control response model)."""
        self._check()
        return _response(self.baseline_, self.encoder_.transform(X))

    @property
    def model_version(self) -> str:
        self._check()
        return f"profit-uplift-top{len(self.chosen_)}-{self.best_name_}-stretch{self.best_stretch_}"


SELECTIONS = ("profit", "qini")


def fit_plan_model(selection: str, X: pd.DataFrame, treatment, y, *, control: Any,
                   economics: Callable[[pd.DataFrame], Economics], budget_rate: float | None,
                   learners: Sequence[str], cv: int, random_state: int, aux: dict[str, Any] | None = None,
                   **profit_options: Any):
    """The uplift model behind a plan, fitted: chosen by the plan's validated profit (``"profit"``,
    :class:`ProfitUpliftModel` with ``profit_options`` and auxiliary outcomes ``aux``) or by Qini (``"qini"``,
    :class:`UpliftModel`, which ignores ``aux``)."""
    if selection == "profit":
        return ProfitUpliftModel(learners=learners, cv=cv, random_state=random_state, **profit_options).fit(
            X, treatment, y, control=control, economics=economics, budget_rate=budget_rate, aux=aux)
    if selection == "qini":
        return UpliftModel(learners=learners, cv=cv, random_state=random_state).fit(X, treatment, y, control=control)
    raise DataError(f"selection must be one of {SELECTIONS}, got {selection!r}")
