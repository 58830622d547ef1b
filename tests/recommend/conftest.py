"""Fixtures for the recommend tests."""

from __future__ import annotations

import pandas as pd
import pytest
from recommend_synth import make_groups


@pytest.fixture
def groups() -> pd.DataFrame:
    return make_groups()
