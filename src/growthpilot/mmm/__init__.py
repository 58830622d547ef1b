"""Marketing-mix modelling: PyMC-Marketing MMM, lift-test calibration, ROI, budget optimiser, report.

>>> from growthpilot.mmm import MarketingMixModel, BudgetOptimizer, roi_table   # doctest: +SKIP
"""

from growthpilot.mmm.contracts import MMM_RESULTS
from growthpilot.mmm.data import prepare_weekly, weekly_from_warehouse
from growthpilot.mmm.lift import LiftTests, lift_tests_from_experiments, normalize_lift_tests
from growthpilot.mmm.mixture import MixturePosterior
from growthpilot.mmm.model import MODEL_VERSION, MarketingMixModel
from growthpilot.mmm.optimize import BudgetOptimizer, BudgetPlan
from growthpilot.mmm.posterior import MMMPosterior
from growthpilot.mmm.summary import contributions_over_time, mape, response_curves, roi_table

__all__ = [
    "MMM_RESULTS", "MODEL_VERSION", "BudgetOptimizer", "BudgetPlan", "LiftTests", "MMMPosterior",
    "MarketingMixModel", "MixturePosterior", "contributions_over_time", "lift_tests_from_experiments", "mape",
    "normalize_lift_tests", "prepare_weekly", "response_curves", "roi_table", "weekly_from_warehouse",
]
