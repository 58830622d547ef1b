"""Experiments: A/B analysis (proportions, means, CUPED, Bayesian), SRM, power, sequential tests, bandits."""

from growthpilot.experiments.ab import (
    ABResult,
    compare_means,
    compare_means_cuped,
    compare_proportions,
    cuped_adjust,
)
from growthpilot.experiments.analyze import EXPERIMENT_RESULTS, analyze_experiment
from growthpilot.experiments.bandits import (
    BernoulliThompson,
    RevenueThompson,
    UniformPolicy,
    simulate_regret,
)
from growthpilot.experiments.design import (
    power_proportions,
    sample_size_means,
    sample_size_proportions,
    srm_check,
)
from growthpilot.experiments.sequential import msprt_pvalues, simulate_peeking

__all__ = [
    "ABResult", "BernoulliThompson", "EXPERIMENT_RESULTS", "RevenueThompson", "UniformPolicy",
    "analyze_experiment", "compare_means", "compare_means_cuped", "compare_proportions", "cuped_adjust",
    "msprt_pvalues", "power_proportions", "sample_size_means", "sample_size_proportions", "simulate_peeking",
    "simulate_regret", "srm_check",
]
