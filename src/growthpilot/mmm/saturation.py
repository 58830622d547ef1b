"""A Hill saturation parametrised by its value at typical spend (a PyMC-Marketing transformation).

With spend scaled by its *mean* (so typical weekly spend is 1), the curve is::

    f(x) = beta * x**s * (kappa**s + 1) / (kappa**s + x**s)

which is ``beta`` times the usual Hill curve ``x**s / (kappa**s + x**s)`` normalised to 1 at
``x = 1``. ``beta`` is then the weekly contribution at typical spend, which data and lift tests
pin down directly, instead of the asymptote that trades off against ``kappa`` along a long
ridge (the usual reason Hill MMMs sample slowly). ``s > 1`` gives an S-shape, ``s <= 1`` a
concave curve. Lift-test calibration works unchanged (PyMC-Marketing calls ``function``).
"""

from __future__ import annotations

from pymc_extras.prior import Prior
from pymc_marketing.mmm.components.saturation import SaturationTransformation

_EPS = 1e-9


def hill_at_reference(x, slope, kappa, beta):
    """``beta * x**s * (kappa**s + 1) / (kappa**s + x**s)`` on PyTensor (x)tensors."""
    import pytensor.xtensor as ptx

    xs = ptx.math.power(ptx.math.maximum(x, _EPS), slope)  # keeps d/ds finite at zero spend
    ks = ptx.math.power(kappa, slope)
    return beta * xs * (ks + 1.0) / (ks + xs)


class ReferenceHillSaturation(SaturationTransformation):
    """Hill saturation with ``beta`` = contribution at typical (mean-scaled = 1) spend."""

    lookup_name = "growthpilot_reference_hill"

    def function(self, x, slope, kappa, beta, *, dim: str | None = None):
        """Saturated contribution of scaled, adstocked spend ``x``."""
        return hill_at_reference(x, slope, kappa, beta)

    # Spend is only observed near its typical level, so the curve's shape towards zero spend is
    # mostly prior. These priors say: half-saturation around typical spend (kappa ~ 1.2 +- 0.5)
    # and a slope centred between the concave curve (1, Meridian's default) and clear S-curves
    # (~2): Gamma(mean 1.5, sd 0.5), 90 % in 0.8-2.4. At typical spend that puts average ROI
    # between about 0.65x and 3x the marginal ROI (median 1.4x: diminishing returns at current
    # spend are the common case). The earlier Gamma(1.8, 0.5) leaned to S-curves (median 1.1x,
    # 3 % below slope 1) and biased calibrated ROI low on concave channels. Neither admits the
    # near-vertical curves at zero spend (slope well below 1, tiny kappa) that make ROI explode
    # when the data cannot see low spend.
    default_priors = {
        "slope": Prior("Gamma", mu=1.5, sigma=0.5),
        "kappa": Prior("Gamma", mu=1.2, sigma=0.5),
        "beta": Prior("HalfNormal", sigma=0.5),
    }
