"""The benchmarks' last line: strict JSON, also when the input is bad."""

from __future__ import annotations

import json

import numpy as np
import pytest

from growthpilot.benchmark_output import run_main, strict_json
from growthpilot.errors import DataError


def test_nan_and_infinities_become_null() -> None:
    obj = {"auc": float("nan"), "m": [np.float32(np.inf), np.float64(0.5), 3], "t": (np.nan, "x"), "ok": True}
    assert json.dumps(strict_json(obj), allow_nan=False) == \
        '{"auc": null, "m": [null, 0.5, 3], "t": [null, "x"], "ok": true}'


def test_bad_input_prints_an_error_object_last_and_exits_2(capsys) -> None:
    def main():
        raise DataError("column 'amt' is not in x.csv")

    with pytest.raises(SystemExit) as exit_info:
        run_main(main)
    assert exit_info.value.code == 2
    captured = capsys.readouterr()
    assert json.loads(captured.out.strip().splitlines()[-1]) == {
        "error": "column 'amt' is not in x.csv", "error_type": "DataError"}
    assert captured.err.startswith("error: column 'amt'")
