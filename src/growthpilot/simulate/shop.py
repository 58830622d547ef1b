"""The simulated shop: every canonical table plus ``truth_*`` tables, in memory or streamed.

>>> tables = simulate_shop(SimConfig(customers=50, products=40, days=120, campaigns=2))
>>> sorted(t for t in tables if t.startswith("truth_"))
['truth_channels', 'truth_customers', 'truth_reviews', 'truth_uplift']
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

import pandas as pd

from growthpilot.errors import ConfigError
from growthpilot.simulate import truth as _truth  # noqa: F401  (registers the truth contracts)
from growthpilot.simulate.block import BLOCK_TABLES, ShopContext, simulate_block
from growthpilot.simulate.config import SimConfig
from growthpilot.simulate.mmm import mmm_to_channel_spend, simulate_mmm
from growthpilot.warehouse.contracts import all_contracts

GLOBAL_TABLES = ("products", "campaigns", "channel_spend", "mmm_weekly", "mmm_lift_tests", "truth_channels")
ALL_TABLES = GLOBAL_TABLES + BLOCK_TABLES

Progress = Callable[[int, int], None]


def _conform(name: str, df: pd.DataFrame) -> pd.DataFrame:
    contract = all_contracts().get(name)
    if contract is None:
        return df.reset_index(drop=True)
    return contract.conform(df[[c for c in df.columns if c in contract.columns]], strict=True)


def global_tables(config: SimConfig, ctx: ShopContext | None = None) -> dict[str, pd.DataFrame]:
    """The tables that do not depend on customers: catalogue, campaigns and paid media."""
    ctx = ctx or ShopContext(config)
    start = config.start_ts + pd.Timedelta(days=(7 - config.start_ts.dayofweek) % 7)  # first Monday
    weeks = max(8, (config.end_ts - start).days // 7)
    weekly, truth, lifts = simulate_mmm(weeks=weeks, channels=config.mmm_channels, seed=config.seed,
                                        start=str(start.date()))
    return {
        "products": ctx.catalog, "campaigns": ctx.plan, "channel_spend": mmm_to_channel_spend(weekly),
        "mmm_weekly": weekly, "mmm_lift_tests": lifts, "truth_channels": truth,
    }


def iter_blocks(config: SimConfig, *, only_orders: bool = False) -> Iterator[dict[str, pd.DataFrame]]:
    """Per-customer tables, one block of :data:`~growthpilot.simulate.config.BLOCK_SIZE` customers at a time."""
    ctx = ShopContext(config)
    for block in range(config.n_blocks):
        yield simulate_block(ctx, block, only_orders=only_orders)


def simulate_shop(config: SimConfig | None = None) -> dict[str, pd.DataFrame]:
    """Simulate the whole shop in memory.

    Returns
    -------
    dict
        Table name -> DataFrame for the canonical inputs (customers, products, orders, events,
        campaigns, sends, outcomes, channel_spend, reviews, consent), the truth tables
        (truth_customers, truth_uplift, truth_channels, truth_reviews) and the media tables
        ``mmm_weekly`` and ``mmm_lift_tests``. Tables with a registered contract conform to it.
    """
    config = config or SimConfig()
    ctx = ShopContext(config)
    parts: dict[str, list[pd.DataFrame]] = {t: [] for t in BLOCK_TABLES}
    for block in range(config.n_blocks):
        for name, df in simulate_block(ctx, block).items():
            parts[name].append(df)
    out = {name: _conform(name, df) for name, df in global_tables(config, ctx).items()}
    for name, dfs in parts.items():
        out[name] = _conform(name, pd.concat(dfs, ignore_index=True))
    return out


def iter_order_lines(config: SimConfig, chunk_rows: int = 500_000) -> Iterator[pd.DataFrame]:
    """Canonical ``orders`` rows in chunks of exactly ``chunk_rows`` (the last one shorter).

    The concatenation of the chunks is the same for every ``chunk_rows``; memory stays bounded
    by one chunk plus one block.
    """
    if chunk_rows < 1:
        raise ValueError(f"chunk_rows must be >= 1 (got {chunk_rows})")
    buf: list[pd.DataFrame] = []
    size = 0
    for tables in iter_blocks(config, only_orders=True):
        df = tables["orders"]
        buf.append(df)
        size += len(df)
        while size >= chunk_rows:
            cat = pd.concat(buf, ignore_index=True)
            yield _conform("orders", cat.iloc[:chunk_rows])
            rest = cat.iloc[chunk_rows:]
            buf, size = ([rest] if len(rest) else []), len(rest)
    if size:
        yield _conform("orders", pd.concat(buf, ignore_index=True))


def write_shop(warehouse, config: SimConfig | None = None, progress: Progress | None = None, *,
               chunk_rows: int = 200_000, tables: Iterable[str] | None = None) -> dict[str, int]:
    """Stream the whole shop into ``warehouse`` (a :class:`growthpilot.warehouse.Warehouse`).

    Blocks of customers are simulated one at a time and buffered; whenever the buffers hold
    ``chunk_rows`` rows in all, the biggest are appended to their tables (the first write of a
    table replaces it, so writing the same config twice gives the same tables). Memory is
    bounded by ``chunk_rows`` buffered rows plus one block, whatever the number of customers.

    Parameters
    ----------
    progress : called as ``progress(customers_done, customers_total)`` after every block.
    chunk_rows : rows buffered (over all tables) before the biggest buffers are written.
    tables : write only these tables (default: all of :data:`ALL_TABLES`); ``("orders",)``
        simulates just what the order lines need, which is the fastest path.

    Returns
    -------
    dict
        Rows written per table.
    """
    config = config or SimConfig()
    wanted = set(ALL_TABLES if tables is None else tables)
    unknown = wanted - set(ALL_TABLES)
    if unknown:
        raise ConfigError(f"unknown simulator table(s) {sorted(unknown)}; choose from {', '.join(ALL_TABLES)}")
    only_orders = wanted <= {"orders", *GLOBAL_TABLES}
    ctx = ShopContext(config)
    counts: dict[str, int] = {}
    for name, df in global_tables(config, ctx).items():
        if name not in wanted:
            continue
        warehouse.write(name, df, mode="replace")
        counts[name] = len(df)
    block_tables = [t for t in BLOCK_TABLES if t in wanted]
    buffers: dict[str, list[pd.DataFrame]] = {t: [] for t in block_tables}
    sizes = dict.fromkeys(block_tables, 0)
    started: set[str] = set()

    def flush(name: str) -> None:
        if not buffers[name] and name in started:
            return
        if buffers[name]:
            df = pd.concat(buffers[name], ignore_index=True)
        else:
            df = pd.DataFrame(columns=list(all_contracts()[name].columns))
        warehouse.write(name, df, mode="append" if name in started else "replace")
        started.add(name)
        counts[name] = counts.get(name, 0) + len(df)
        buffers[name], sizes[name] = [], 0

    for block in range(config.n_blocks):
        for name, df in simulate_block(ctx, block, only_orders=only_orders).items():
            if name not in wanted:
                continue
            buffers[name].append(df)
            sizes[name] += len(df)
        # bound the rows held across all tables: write the biggest buffers first
        while sum(sizes.values()) >= chunk_rows:
            flush(max(sizes, key=sizes.get))
        if progress is not None:
            progress(config.block_range(block)[1], config.customers)
    for name in block_tables:
        flush(name)
    return counts
