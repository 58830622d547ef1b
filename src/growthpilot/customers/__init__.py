"""Customer intelligence: RFM segments, clusters, personas, CLV, churn, propensity, next order, reasons."""

from growthpilot.customers import contracts  # noqa: F401  (registers the output tables)
from growthpilot.customers.bgnbd import BetaGeoModel, GammaGammaModel
from growthpilot.customers.clv import CustomerValueModel
from growthpilot.customers.model import CustomerScorer
from growthpilot.customers.pipeline import run_customers
from growthpilot.customers.rfm import rfm_scores
from growthpilot.customers.segments import BehaviourClusters

__all__ = ["BetaGeoModel", "GammaGammaModel", "CustomerValueModel", "CustomerScorer", "BehaviourClusters",
           "rfm_scores", "run_customers"]
