"""docs/data-contracts.md is generated from the registered contracts and must stay in sync."""

from pathlib import Path

from growthpilot.warehouse.docs import render

DOC = Path(__file__).resolve().parents[2] / "docs" / "data-contracts.md"


def test_data_contracts_doc_is_current():
    assert DOC.read_text() == render(), (
        "docs/data-contracts.md is stale: run python -m growthpilot.warehouse.docs > docs/data-contracts.md")


def test_every_contract_has_keys_and_a_description():
    from growthpilot.warehouse import all_contracts

    render()  # imports every stage so their contracts register
    for c in all_contracts().values():
        assert c.keys and set(c.keys) <= set(c.columns), c.name
        assert set(c.required) <= set(c.columns), c.name
