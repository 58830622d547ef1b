"""Posterior draws of a fitted marketing-mix model as plain NumPy arrays, and what they imply.

:class:`MMMPosterior` holds the adstock, saturation, control and seasonality draws of a
PyMC-Marketing fit (flattened over chains) in original units, so contributions, response
curves and forecasts for any spend path are one vectorised call.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from growthpilot.mmm.transforms import adstock_weights, apply_adstock, saturate, yearly_fourier


@dataclass
class MMMPosterior:
    """Flattened posterior draws (``S`` draws) of a marketing-mix model.

    Attributes
    ----------
    channels : spend columns, in model order (``C``).
    adstock, saturation : transformation kinds.
    l_max : adstock lags.
    adstock_params : ``alpha`` (and ``theta``) draws ``(S, C)``.
    saturation_params : ``beta`` and ``lam`` or ``slope``/``kappa`` draws ``(S, C)`` (scaled units).
    channel_scale : ``(C,)`` spend scale; target_scale: outcome scale.
    intercept : ``(S,)``; gamma_control: ``(S, K)``; gamma_fourier: ``(S, 2n)``; sigma: ``(S,)``.
    """

    channels: list[str]
    adstock: str
    saturation: str
    l_max: int
    adstock_params: dict[str, np.ndarray]
    saturation_params: dict[str, np.ndarray]
    channel_scale: np.ndarray
    target_scale: float
    intercept: np.ndarray
    sigma: np.ndarray
    gamma_control: np.ndarray | None = None
    gamma_fourier: np.ndarray | None = None
    n_fourier: int = 0
    controls: list[str] = field(default_factory=list)

    @property
    def n_draws(self) -> int:
        return int(self.intercept.shape[0])

    def thin(self, max_draws: int, seed: int = 0) -> MMMPosterior:
        """A copy keeping at most ``max_draws`` draws (evenly spaced) to bound memory and time."""
        if self.n_draws <= max_draws:
            return self
        return self.take(np.linspace(0, self.n_draws - 1, max_draws).round().astype(int))

    def take(self, idx: np.ndarray) -> MMMPosterior:
        """A copy with the draws at positions ``idx`` (repeats allowed: resampling)."""
        idx = np.asarray(idx, dtype=int)

        def take(a):
            return None if a is None else a[idx]

        return MMMPosterior(
            self.channels, self.adstock, self.saturation, self.l_max,
            {k: v[idx] for k, v in self.adstock_params.items()},
            {k: v[idx] for k, v in self.saturation_params.items()},
            self.channel_scale, self.target_scale, self.intercept[idx], self.sigma[idx],
            take(self.gamma_control), take(self.gamma_fourier), self.n_fourier, list(self.controls),
        )

    def map_draws(self, fn) -> np.ndarray:
        """``fn(posterior)`` (an array with draws on axis 0); a mixture concatenates it over its families."""
        return fn(self)

    def contributions(self, spend: np.ndarray, *, carry_in: np.ndarray | None = None) -> np.ndarray:
        """Weekly revenue contribution ``(S, T, C)`` of a spend path ``(T, C)`` (original units).

        ``carry_in`` ``(K, C)`` is spend in the weeks before the path (its carry-over counts in
        the first weeks); by default none, as in the fitted PyMC-Marketing graph.
        """
        spend = np.asarray(spend, dtype=float)
        pre = 0 if carry_in is None else len(carry_in)
        if pre:
            spend = np.concatenate([np.asarray(carry_in, dtype=float), spend])
        w = adstock_weights(self.adstock, self.adstock_params["alpha"], self.adstock_params.get("theta"),
                            l_max=self.l_max)
        x = apply_adstock(spend / self.channel_scale, w)
        return saturate(x, self.saturation, self.saturation_params)[:, pre:] * self.target_scale

    def backcast(self, spend: np.ndarray) -> np.ndarray:
        """Assumed spend ``(l_max - 1, C)`` before a path: each channel's mean over its first ``l_max`` weeks."""
        spend = np.asarray(spend, dtype=float)
        return np.repeat(spend[: self.l_max].mean(axis=0, keepdims=True), max(self.l_max - 1, 0), axis=0)

    def steady_response(self, weekly_spend: np.ndarray) -> np.ndarray:
        """Long-run weekly contribution ``(S, G, C)`` of constant weekly spend levels ``(G, C)``.

        Adstock weights sum to one, so constant spend ``x`` has adstocked value ``x``.
        """
        x = np.asarray(weekly_spend, dtype=float) / self.channel_scale
        return saturate(np.broadcast_to(x, (self.n_draws, *x.shape)), self.saturation,
                        self.saturation_params) * self.target_scale

    def baseline(self, dates, controls: np.ndarray | None) -> np.ndarray:
        """Non-media part ``(S, T)``: intercept, controls (already standardised) and seasonality."""
        n_t = len(dates)
        out = np.repeat(self.intercept[:, None], n_t, axis=1)
        if self.gamma_control is not None and controls is not None and controls.shape[1]:
            out = out + self.gamma_control @ np.asarray(controls, dtype=float).T
        if self.gamma_fourier is not None and self.n_fourier:
            out = out + self.gamma_fourier @ yearly_fourier(dates, self.n_fourier).T
        return out * self.target_scale

    def mean_outcome(self, dates, spend: np.ndarray, controls: np.ndarray | None) -> np.ndarray:
        """Expected outcome ``(S, T)``: baseline plus all channel contributions."""
        return self.baseline(dates, controls) + self.contributions(spend).sum(axis=2)
