"""The analyst's side: tables load with their declared dtypes, DuckDB joins them, the dictionary is current."""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from pipeline import duckdb_connection, load_tables, run_batch, table_files
from pipeline.storage.dictionary import known_plan_examples, render_dictionary
from pipeline.storage.schemas import SCHEMAS
from tests.support.documents import FIXTURES, KNOWN_PDF


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    raw = tmp_path_factory.mktemp("raw")
    for f in (KNOWN_PDF, FIXTURES / "dong-thap-617-2025-chuyen-doi-so-doanh-nghiep.txt"):
        shutil.copy(f, raw / f.name)
    out = tmp_path_factory.mktemp("processed")
    assert not run_batch([raw], out, workers=1).failed
    return out


def test_every_table_loads_with_its_declared_dtypes(data):
    tables = load_tables(data)
    assert set(tables) == set(SCHEMAS)
    for name, schema in SCHEMAS.items():
        frame = tables[name]
        assert list(frame.columns) == schema.names
        for field in schema:
            dtype = frame[field.name].dtype
            if str(field.type) == "int32":
                assert dtype == pd.Int32Dtype(), (name, field.name)
            elif str(field.type) == "string":
                assert isinstance(dtype, pd.StringDtype), (name, field.name)
    milestones = tables["milestones"]
    assert all(isinstance(v, datetime.date) for v in milestones["end"].dropna())
    assert all(isinstance(v, (list, tuple)) or hasattr(v, "__len__") for v in tables["tasks"]["bullets"])
    assert list(tables["tasks"].loc[tables["tasks"].letter == "i", "bullets"].map(len)) == [3]


def test_parquet_files_carry_the_column_meanings(data):
    schema = pq.read_schema(table_files(data, "tasks")[0])
    assert schema.field("letter_index").metadata[b"description"].decode().startswith("1-based place of the letter")


def test_duckdb_joins_appendix_rows_milestones_and_agencies(data):
    con = duckdb_connection(data)
    rows = con.execute("""
        SELECT a.group_no, a.row_no, g.name, m.kind, m.start, m."end"
        FROM appendix_rows a
        JOIN milestones m USING (row_id)
        JOIN agencies g ON g.agency_id = a.lead_agency_id
        JOIN documents d ON d.doc_id = a.doc_id
        WHERE d.source_format = 'pdf'
        ORDER BY a.seq, m.seq
    """).fetchall()
    assert len(rows) == 40  # the known plan's 35 rows, five of them with two milestones
    assert rows[0][:4] == (1, 1, "Phòng Tư pháp", "event")
    second_group = [r for r in rows if r[0] == 2]
    # `Văn phòng HDNĐ - UBND huyện` (the plan's typo) meets its canonical spelling.
    assert {r[2] for r in second_group} == {"Văn phòng HĐND – UBND huyện"}
    assert second_group[0][3:] == ("before", None, datetime.date(2020, 12, 31))


def test_data_dictionary_is_current():
    """Fails when a schema (or an example) changed and `make docs` was not run."""
    assert Path("docs/tables.md").read_text(encoding="utf-8") == render_dictionary(known_plan_examples())
