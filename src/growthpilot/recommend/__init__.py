"""Recommenders behind one interface, business rules, and an offline evaluation harness.

>>> from growthpilot.recommend import HybridRecommender            # doctest: +SKIP
>>> model = HybridRecommender().fit(orders, time_col="ts")         # doctest: +SKIP
>>> ids, scores = model.recommend(["c1", "c2"], k=10)              # doctest: +SKIP
"""

from growthpilot.recommend import contracts
from growthpilot.recommend.base import BaseRecommender, top_k
from growthpilot.recommend.content import ContentRecommender
from growthpilot.recommend.ease import EASE, UserEASE
from growthpilot.recommend.evaluate import evaluate_model, make_split, serving_latency
from growthpilot.recommend.factors import ALS, BPR
from growthpilot.recommend.hybrid import HybridRecommender
from growthpilot.recommend.itemknn import ItemKNN
from growthpilot.recommend.lowrank import LowRankFilter
from growthpilot.recommend.metrics import catalog_coverage, novelty, ranking_metrics
from growthpilot.recommend.popularity import Popularity
from growthpilot.recommend.rules import BusinessRules
from growthpilot.recommend.sar import SAR
from growthpilot.recommend.split import chrono_split, python_stratified_split

__all__ = [
    "ALS", "BPR", "EASE", "SAR", "BaseRecommender", "BusinessRules", "ContentRecommender", "HybridRecommender",
    "ItemKNN", "LowRankFilter", "Popularity", "UserEASE", "catalog_coverage", "chrono_split", "contracts", "evaluate_model",
    "make_split", "novelty", "python_stratified_split", "ranking_metrics", "serving_latency", "top_k",
]
