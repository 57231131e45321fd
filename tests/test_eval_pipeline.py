"""Ingest: evaluation documents land (not quarantined); final accounts land their attached forms in
the same write; an evaluation without a parsable form is quarantined with a reason."""
from pathlib import Path

import duckdb

from loaders.pipeline import ingest_file
from loaders.writer import RawStore

from conftest import SAMPLES


def _rows(home: Path, table: str, doc_id: str):
    sql = f"select * from ({RawStore(home).scan_sql(table)}) where doc_id = '{doc_id}'"
    return duckdb.connect().sql(sql).fetch_arrow_table().to_pylist()


def test_final_accounts_also_land_evaluations(tmp_path):
    store = RawStore(tmp_path)
    store.ensure()
    out = ingest_file(next(SAMPLES.glob("002_*.txt")), store)
    assert out.status == "parsed" and out.doc_kind == "final_accounts"
    assert len(_rows(tmp_path, "evaluations", out.doc_id)) == 16
    assert _rows(tmp_path, "fa_tables", out.doc_id)  # the final accounts are still there
    doc = _rows(tmp_path, "documents", out.doc_id)[0]
    assert "evaluations" in doc["parser_version"]


def test_department_evaluation_document_lands(tmp_path):
    store = RawStore(tmp_path)
    store.ensure()
    out = ingest_file(next(SAMPLES.glob("004_*.txt")), store)
    assert out.status == "parsed", out.reason
    doc = _rows(tmp_path, "documents", out.doc_id)[0]
    assert doc["unit_name"] == "晋中市工业和信息化局" and doc["fiscal_year"] == 2020  # line 66, "(2020 年度)"
    funds = _rows(tmp_path, "eval_funds", out.doc_id)
    assert any(f["carryover_prior_wan"] is not None for f in funds)


def test_unparsable_evaluation_is_quarantined(tmp_path):
    f = tmp_path / "fake.txt"
    f.write_text("项目支出绩效自评表\n一级指标\t三级指标\n无\n", encoding="utf-8")
    store = RawStore(tmp_path)
    store.ensure()
    out = ingest_file(f, store)
    assert out.status == "quarantined" and "no evaluation form" in out.reason
