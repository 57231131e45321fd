"""The warehouse as analysts see it: atomic publishing, one run at a time, repeatable marts, and
Great Expectations really deciding (a known-bad row fails)."""
from __future__ import annotations

import duckdb
import pandas as pd
import pytest
from typer.testing import CliRunner

from expectations.runner import GEValidator, load_rules
from loaders import warehouse
from loaders.cli import app
from loaders.warehouse import RunError, resolve_home, run_lock

from conftest import S002

MARTS = ["dim_unit", "dim_year", "dim_document", "fct_final_account_lines", "fct_expenditure_by_function",
         "fct_three_public_expenses", "fct_procurement"]


def run(home, *paths):
    result = CliRunner().invoke(app, ["run", "--home", str(home), *map(str, paths)])
    assert result.exit_code == 0, result.output
    return result


def mart_rows(db, table):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.sql(f"select * from {table} order by all").fetchall()


@pytest.fixture(scope="module")
def two_homes(tmp_path_factory):
    a, b = tmp_path_factory.mktemp("a"), tmp_path_factory.mktemp("b")
    run(a, S002)
    run(b, S002)
    return a, b


def test_two_runs_over_the_same_inputs_give_identical_marts(two_homes):
    a, b = two_homes
    for table in MARTS:
        assert mart_rows(a / "warehouse.duckdb", table) == mart_rows(b / "warehouse.duckdb", table), table
    cols = "rule_id, severity, doc_id, message, expected, actual, difference, source_ref"
    q = f"select {cols} from dq_findings order by all"
    with duckdb.connect(str(a / "warehouse.duckdb"), read_only=True) as ca, \
         duckdb.connect(str(b / "warehouse.duckdb"), read_only=True) as cb:
        assert ca.sql(q).fetchall() == cb.sql(q).fetchall()


def test_a_reader_never_blocks_a_build_and_keeps_its_snapshot(two_homes):
    home, _ = two_homes
    reader = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    before = reader.execute("select count(*) from fct_final_account_lines").fetchone()[0]
    run(home, S002)  # rebuilds and republishes while the reader holds the old file
    assert reader.execute("select count(*) from fct_final_account_lines").fetchone()[0] == before
    reader.close()
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as fresh:
        assert fresh.execute("select count(*) from fct_final_account_lines").fetchone()[0] == before


def test_a_failed_build_leaves_the_published_warehouse_unchanged(two_homes, monkeypatch):
    home, _ = two_homes
    published = (home / "warehouse.duckdb").read_bytes()
    monkeypatch.setattr(warehouse, "_dbt_command", lambda: ["false"])  # dbt exits 1
    result = CliRunner().invoke(app, ["run", "--home", str(home), str(S002)])
    assert result.exit_code == 1 and "dbt build failed" in result.output
    assert (home / "warehouse.duckdb").read_bytes() == published
    assert not list((home / ".build").glob("warehouse.*.duckdb"))  # nothing half-built left behind


def test_a_second_run_on_the_same_home_refuses(tmp_path):
    home = resolve_home(tmp_path)
    with run_lock(home):
        with pytest.raises(RunError, match="already"):
            with run_lock(home):
                pass
        result = CliRunner().invoke(app, ["ingest", "--home", str(tmp_path), str(S002)])
        assert result.exit_code == 1 and "another fdw run" in result.output


def test_check_without_a_warehouse_is_a_run_failure(tmp_path):
    result = CliRunner().invoke(app, ["check", "--home", str(tmp_path)])
    assert result.exit_code == 1 and "no warehouse" in result.output


def test_missing_input_path_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(app, ["ingest", "--home", str(tmp_path), str(tmp_path / "nope.txt")])
    assert result.exit_code == 2


def test_great_expectations_fails_on_a_known_bad_row():
    # the shim: rule instances reach GE as a dataframe; one row beyond its envelope must fail
    df = pd.DataFrame({"check_id": ["ok", "rounding", "bad"], "excess": [-0.02, -0.005, 9.99]})
    v = GEValidator()
    failing, summary = v.failing(df, "excess")
    assert failing == {"bad"} and summary["success"] is False and summary["unexpected_count"] == 1
    assert v.failing(df[df.check_id != "bad"], "excess") == (set(), {"success": True, "unexpected_count": 0})


def test_rule_registry_defines_each_fa_rule_once():
    rules = load_rules()
    ids = [r.id for r in rules]
    assert len(ids) == len(set(ids))
    for rid in ["FA-001", "FA-002", "FA-003", "FA-004", "FA-005", "FA-010", "FA-011", "FA-012", "FA-013", "FA-020",
                "FA-021", "FA-022", "FA-023", "FA-024", "FA-025", "FA-040", "FA-050", "FA-051", "FA-060", "FA-061", "FA-062"]:
        assert rid in ids
    for r in rules:
        assert r.title_zh and r.title_en and r.formula
        for check in r.checks:
            assert "select" in r.sql(check)


def test_runs_are_logged_in_the_warehouse(two_homes):
    home, _ = two_homes
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        rows = con.execute("select command, status, parsed, quarantined, errors from fdw_runs where command = 'run'").fetchall()
        n_errors = con.execute("select count(*) from dq_findings where severity = 'error'").fetchone()[0]
    # the first run parsed 002; every run over the same input finds the same errors (002's PE findings)
    assert rows[0] == ("run", "completed", 1, 0, n_errors) and n_errors > 0


def test_a_failed_run_is_logged_and_the_report_says_so(tmp_path, monkeypatch):
    run(tmp_path, S002)
    monkeypatch.setattr(warehouse, "_dbt_command", lambda: ["false"])
    result = CliRunner().invoke(app, ["run", "--home", str(tmp_path), str(S002)])
    assert result.exit_code == 1
    from loaders import runlog
    last = runlog.last(tmp_path)
    assert last["status"] == "failed" and "dbt build failed" in last["message"]
    html = (tmp_path / "reports" / "dq_report.html").read_text(encoding="utf-8")
    assert "最近一次运行失败" in html and last["run_id"] in html


def test_query_prints_and_exports(two_homes, tmp_path):
    home, _ = two_homes
    r = CliRunner().invoke(app, ["query", "--home", str(home),
                                 "select item, actual_wan from fct_three_public_expenses where item = 'vehicle_operation'"])
    assert r.exit_code == 0 and "vehicle_operation" in r.output and "3.52" in r.output  # 002 line 394
    out = tmp_path / "procurement.csv"
    root = __import__("conftest").ROOT
    r = CliRunner().invoke(app, ["query", "--home", str(home), str(root / "analyses" / "procurement_sme_share.sql"),
                                 "--csv", str(out)])
    assert r.exit_code == 0, r.output
    text = out.read_text(encoding="utf-8-sig")
    assert "sme_share_pct" in text and "4.37" in text  # 35.83 / 819.88 = 4.37 %, as the narrative (line 550) says
    r = CliRunner().invoke(app, ["query", "--home", str(home), "select * from no_such_table"])
    assert r.exit_code == 2


def test_docs_describe_the_marts(two_homes):
    home, _ = two_homes
    r = CliRunner().invoke(app, ["docs", "--home", str(home)])
    assert r.exit_code == 0, r.output
    import json
    manifest = json.loads((home / "docs" / "manifest.json").read_text(encoding="utf-8"))
    node = manifest["nodes"]["model.fiscal_dw.fct_three_public_expenses"]
    assert node["description"].startswith("Grain: one 三公 item")
    assert "预算数" in node["columns"]["budget_wan"]["description"]
    assert node["columns"]["doc_id"]["description"].startswith("The source document: SHA-256")  # a doc() block
    # the tables fdw writes itself are in the site too, as a source
    findings = manifest["sources"]["source.fiscal_dw.fdw.dq_findings"]
    assert "rounding" in findings["columns"]["tolerance"]["description"]
    assert (home / "docs" / "index.html").stat().st_size > 100_000
    # the same descriptions are DuckDB comments in the warehouse
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        c = con.execute("select comment from duckdb_tables() where table_name = 'fct_three_public_expenses'").fetchone()[0]
    assert c == node["description"]
