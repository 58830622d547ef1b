"""Model averaging over saturation families: fit Hill and logistic, pool their posterior draws.

Hill and logistic curves fit the weekly series about equally well; where they differ is the
curve below observed spend, which sets average ROI and which neither PSIS-LOO nor out-of-time
error can see (docs/mmm.md, "Choosing the saturation family per data set"). Rather than pick one,
``MarketingMixModel(saturation="hill+logistic")`` fits both and pools their draws, so ROI, its
interval, contributions, forecasts, response curves and the optimiser carry both shapes.

:class:`MixturePosterior` has :class:`~growthpilot.mmm.posterior.MMMPosterior`'s interface; every
per-draw array is the families' arrays stacked along the draw axis. Weights other than equal
resample each family's draws so that its share of the pooled draws is its weight; the expected
response (a posterior mean, as the optimiser uses) is then the weighted average of the families'.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from growthpilot.errors import ConfigError
from growthpilot.mmm.posterior import MMMPosterior

MIXTURE = "hill+logistic"
FAMILIES = ("hill", "logistic")
WEIGHTINGS = ("equal", "stacking", "pseudo-bma")


class MixturePosterior:
    """Pooled draws of several fitted families (same channels, adstock and data).

    Parameters
    ----------
    components : one :class:`MMMPosterior` per family.
    weights : family weights (normalised; default equal). Each family keeps
        ``round(weight * total draws)`` of its draws, evenly spaced (with repeats when it needs more).
    """

    def __init__(self, components: list[MMMPosterior], weights: list[float] | np.ndarray | None = None) -> None:
        if not components:
            raise ConfigError("a mixture needs at least one posterior")
        first = components[0]
        for c in components[1:]:
            if c.channels != first.channels or c.adstock != first.adstock or c.l_max != first.l_max:
                raise ConfigError("mixture components must share channels, adstock and l_max")
        n = np.array([c.n_draws for c in components])
        w = np.full(len(components), 1.0) if weights is None else np.asarray(weights, dtype=float)
        if w.shape != n.shape or (w < 0).any() or w.sum() <= 0:
            raise ConfigError(f"weights must be {len(components)} non-negative numbers, not all zero")
        self.weights = w / w.sum()
        if weights is None and (n == n[0]).all():
            kept = list(components)
        else:
            counts = np.round(self.weights * n.sum()).astype(int)
            kept = [c.take(np.linspace(0, c.n_draws - 1, k).round().astype(int))
                    for c, k in zip(components, counts, strict=True) if k > 0]
        self.components = kept
        self.families = [c.saturation for c in components]

    # attributes downstream code reads
    @property
    def channels(self) -> list[str]:
        return self.components[0].channels

    @property
    def adstock(self) -> str:
        return self.components[0].adstock

    @property
    def l_max(self) -> int:
        return self.components[0].l_max

    @property
    def saturation(self) -> str:
        return "+".join(self.families)

    @property
    def n_draws(self) -> int:
        return int(sum(c.n_draws for c in self.components))

    @property
    def intercept(self) -> np.ndarray:
        return np.concatenate([c.intercept for c in self.components])

    @property
    def sigma(self) -> np.ndarray:
        return np.concatenate([c.sigma for c in self.components])

    def family_of_draw(self) -> np.ndarray:
        """The family name of each pooled draw ``(S,)``."""
        return np.concatenate([np.full(c.n_draws, c.saturation) for c in self.components])

    def map_draws(self, fn: Callable[[MMMPosterior], np.ndarray]) -> np.ndarray:
        """``fn`` applied to each family's posterior, stacked along the draw axis."""
        return np.concatenate([fn(c) for c in self.components], axis=0)

    def thin(self, max_draws: int, seed: int = 0) -> MixturePosterior:
        """At most ``max_draws`` draws, each family keeping its share."""
        if self.n_draws <= max_draws:
            return self
        out = MixturePosterior.__new__(MixturePosterior)
        out.weights, out.families = self.weights, self.families
        out.components = [c.thin(max(1, int(round(max_draws * c.n_draws / self.n_draws)))) for c in self.components]
        return out

    # the MMMPosterior computations, pooled
    def contributions(self, spend: np.ndarray, *, carry_in: np.ndarray | None = None) -> np.ndarray:
        return self.map_draws(lambda p: p.contributions(spend, carry_in=carry_in))

    def backcast(self, spend: np.ndarray) -> np.ndarray:
        return self.components[0].backcast(spend)

    def steady_response(self, weekly_spend: np.ndarray) -> np.ndarray:
        return self.map_draws(lambda p: p.steady_response(weekly_spend))

    def baseline(self, dates, controls: np.ndarray | None) -> np.ndarray:
        return self.map_draws(lambda p: p.baseline(dates, controls))

    def mean_outcome(self, dates, spend: np.ndarray, controls: np.ndarray | None) -> np.ndarray:
        return self.map_draws(lambda p: p.mean_outcome(dates, spend, controls))


def loo_family_weights(idatas: dict[str, object], method: str = "stacking") -> dict[str, float]:
    """Weights of the families from PSIS-LOO of the weekly outcome (``arviz.compare``).

    ``idatas``: family -> InferenceData with a ``log_likelihood`` group for the outcome ``y``.
    ``method``: ``"stacking"`` or ``"pseudo-bma"`` (pseudo-BMA+ with the Bayesian bootstrap).
    """
    import warnings

    import arviz as az

    if method not in ("stacking", "pseudo-bma"):
        raise ConfigError(f"LOO weights are 'stacking' or 'pseudo-bma', got {method!r}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cmp = az.compare(idatas, ic="loo", method="stacking" if method == "stacking" else "BB-pseudo-BMA",
                         var_name="y", seed=0)
    return {k: float(cmp.loc[k, "weight"]) for k in idatas}
