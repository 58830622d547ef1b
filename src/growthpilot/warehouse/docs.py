"""Render the table contracts as Markdown: ``python -m growthpilot.warehouse.docs > docs/data-contracts.md``."""

from __future__ import annotations

import importlib

from growthpilot.warehouse import contracts

# Modules that register output-table contracts when imported.
OUTPUT_MODULES = (
    "growthpilot.simulate", "growthpilot.customers", "growthpilot.recommend", "growthpilot.forecast",
    "growthpilot.decide", "growthpilot.campaigns", "growthpilot.experiments", "growthpilot.mmm",
    "growthpilot.genai", "growthpilot.privacy", "growthpilot.api",
)

HEADER = """# Data contracts

Generated from `src/growthpilot/warehouse/contracts.py` and the contracts each stage registers
(`python -m growthpilot.warehouse.docs > docs/data-contracts.md`; a test keeps this file in sync).

Conventions: timestamps are naive UTC on every engine; ids are text; money is a float in the shop's
currency; a row's key columns identify it for de-duplication and idempotent upserts. Every input row
that cannot be loaded goes to `quarantine` with its reason, never silently away.
"""


def render() -> str:
    for mod in OUTPUT_MODULES:
        try:
            importlib.import_module(mod)
        except ImportError:
            continue
    parts = [HEADER]
    core = set(contracts.INPUT_TABLES) | {"quarantine", "runs"}
    groups = (
        ("Input tables", [c for c in contracts.INPUT_TABLES]),
        ("Bookkeeping", ["quarantine", "runs"]),
        ("Stage outputs and ground truth", sorted(n for n in contracts.all_contracts() if n not in core)),
    )
    for title, names in groups:
        parts.append(f"\n## {title}\n")
        for name in names:
            c = contracts.get(name)
            parts.append(f"\n### `{c.name}`\n\n{c.description}\n\nKey: `{', '.join(c.keys)}`\n")
            parts.append("\n| column | type | required |\n|---|---|---|\n")
            for col, typ in c.columns.items():
                parts.append(f"| `{col}` | {typ} | {'yes' if col in c.required else ''} |\n")
    return "".join(parts)


if __name__ == "__main__":
    print(render(), end="")
