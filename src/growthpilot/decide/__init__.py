"""Decide: uplift models, their metrics, and offer allocation under a budget and constraints."""

from growthpilot.decide.allocation import Allocation, OfferAllocator
from growthpilot.decide.linear_uplift import LinearUplift
from growthpilot.decide.policy import Economics, dr_scores, policy_value
from growthpilot.decide.profit_model import ProfitUpliftModel
from growthpilot.decide.targeting import TARGETING_PLANS, expected_profit, explain, plan_offers
from growthpilot.decide.uplift_learners import (
    LEARNERS,
    ClassTransformation,
    DRLearner,
    EnsembleLearner,
    SLearner,
    TLearner,
    XLearner,
)
from growthpilot.decide.uplift_metrics import (
    bootstrap_ci,
    perfect_qini_curve,
    perfect_uplift_curve,
    qini_auc_score,
    qini_curve,
    uplift_at_k,
    uplift_auc_score,
    uplift_curve,
)
from growthpilot.decide.uplift_model import UpliftModel

__all__ = [
    "Allocation", "EnsembleLearner", "LinearUplift", "OfferAllocator", "TARGETING_PLANS", "expected_profit", "explain",
    "plan_offers", "LEARNERS", "ClassTransformation", "DRLearner", "SLearner", "TLearner", "XLearner", "UpliftModel",
    "Economics", "ProfitUpliftModel", "dr_scores", "policy_value",
    "bootstrap_ci", "perfect_qini_curve", "perfect_uplift_curve", "qini_auc_score", "qini_curve",
    "uplift_at_k", "uplift_auc_score", "uplift_curve",
]
