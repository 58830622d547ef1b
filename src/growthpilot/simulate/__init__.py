"""Retail-world simulator with known ground truth (customers, orders, campaigns, media, reviews).

>>> from growthpilot.simulate import SimConfig, simulate_shop
>>> tables = simulate_shop(SimConfig(customers=200))          # doctest: +SKIP
"""

from growthpilot.simulate.config import BLOCK_SIZE, SimConfig
from growthpilot.simulate.mmm import CHANNEL_POOL, mmm_to_channel_spend, simulate_mmm
from growthpilot.simulate.shop import (
    ALL_TABLES,
    global_tables,
    iter_blocks,
    iter_order_lines,
    simulate_shop,
    write_shop,
)
from growthpilot.simulate.truth import TRUTH_TABLES
from growthpilot.simulate.uplift import simulate_uplift_experiment

__all__ = [
    "ALL_TABLES", "BLOCK_SIZE", "CHANNEL_POOL", "SimConfig", "TRUTH_TABLES", "global_tables", "iter_blocks",
    "iter_order_lines", "mmm_to_channel_spend", "simulate_mmm", "simulate_shop", "simulate_uplift_experiment",
    "write_shop",
]
