"""read_table: the one reader behind every --data PATH."""

import pandas as pd
import pytest

from growthpilot.errors import DataError
from growthpilot.files import read_table


def test_csv_tsv_gz_parquet_and_folders(tmp_path):
    df = pd.DataFrame({"user": ["007", "8"], "item": ["a", "b"], "rating": [4.0, 5.0]})
    df.to_csv(tmp_path / "x.csv", index=False)
    df.to_csv(tmp_path / "x.tsv", sep="\t", index=False)
    df.to_csv(tmp_path / "y.csv.gz", index=False)
    df.to_parquet(tmp_path / "z.parquet")
    assert read_table(tmp_path / "x.tsv")["rating"].tolist() == [4.0, 5.0]
    assert read_table(tmp_path / "y.csv.gz").shape == (2, 3)
    assert read_table(tmp_path / "z.parquet")["user"].tolist() == ["007", "8"]
    assert read_table(tmp_path / "x.csv", as_text=True)["user"].tolist() == ["007", "8"]
    (tmp_path / "README.txt").write_text("not a table")
    sub = tmp_path / "sub"
    sub.mkdir()
    df.to_csv(sub / "a.csv", index=False)
    df.to_csv(sub / "b.csv", index=False)
    assert len(read_table(sub)) == 4


def test_missing_path_is_named(tmp_path):
    with pytest.raises(DataError, match="nope.csv does not exist"):
        read_table(tmp_path / "nope.csv")


def test_separator_of_european_exports_is_read_from_the_header(tmp_path):
    (tmp_path / "eu.csv").write_text("kunde;datum;betrag\n7;09/09/2011;1.234,50\n")
    (tmp_path / "pipe.csv").write_text("a|b\n1|2\n")
    (tmp_path / "one.csv").write_text("only\n1;2\n")
    assert list(read_table(tmp_path / "eu.csv", as_text=True).iloc[0]) == ["7", "09/09/2011", "1.234,50"]
    assert read_table(tmp_path / "pipe.csv").columns.tolist() == ["a", "b"]
    assert read_table(tmp_path / "one.csv").columns.tolist() == ["only"]  # no separator in the header: commas
