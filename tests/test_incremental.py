"""Province scale (issue 13): the raw layer of segments and its manifest, a home folder of the old
per-document layout migrated in place, and incremental builds and checks that end where a full
rebuild ends."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import duckdb
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
import yaml
from typer.testing import CliRunner

from loaders import pipeline
from loaders.cli import app
from loaders.pipeline import ingest
from loaders.synth import generate
from loaders.writer import SCHEMAS, RawStore, key_column

from conftest import ROOT, S002, SAMPLES, altered_copy
from test_scale_ingest import raw_snapshot


def warehouse_snapshot(db: Path) -> dict[str, list[tuple]]:
    """Every table of the warehouse (models, seeds, findings) as sorted rows, without the run that
    wrote them (run_id) and without fdw's own bookkeeping (fdw_*: runs, build state)."""
    out = {}
    with duckdb.connect(str(db), read_only=True) as con:
        tables = [r[0] for r in con.execute("select table_name from duckdb_tables() where schema_name = 'main' "
                                            "and table_name not like 'fdw%' order by 1").fetchall()]
        for t in tables:
            cols = [r[0] for r in con.execute(f"select column_name from duckdb_columns() where table_name = '{t}' "
                                              "and schema_name = 'main' and column_name <> 'run_id' order by column_index").fetchall()]
            out[t] = sorted(con.execute(f"select {', '.join(cols)} from {t}").fetchall(), key=repr)
    return out


def build_mode(home: Path) -> tuple[str, int]:
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        return con.execute("select mode, changed from fdw_build_meta").fetchall()[0]


def fdw(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())  # as one line (the console wraps long lines)


# macros/test_scope.sql: a scoped test's rows in an incremental build, and the same test in a full one
SCOPE = "(doc_id is null or doc_id in (select key from main.fdw_changes))"
FULL_SCOPE = "/* fdw_test_scope: doc_id is null or doc_id in (select key from main.fdw_changes) */ (true)"


def dbt_tests(home: Path) -> list[dict]:
    """The data tests the last build ran (dbt's run_results.json), each with its SQL and status."""
    results = json.loads((home / ".build" / "target" / "run_results.json").read_text(encoding="utf-8"))["results"]
    return [r for r in results if r["unique_id"].startswith("test.")]


def assert_tests_scoped_to_changed_documents(home: Path) -> None:
    """An incremental build tests the incremental models' rows of the changed documents only
    (macros/test_scope.sql), the tables rebuilt whole on every row; and a scoped test still fails on
    a bad row of a changed document."""
    tests = dbt_tests(home)
    kinds = ("unique", "not_null", "unique_combination")  # a test's name: <kind>_<model>_<columns>
    incremental = {"fct_final_account_lines", "stg_evaluations", "int_evaluations", "fct_performance_evaluation"}
    tables = {"dim_unit", "dim_document", "int_documents", "int_unit_matches"}
    for t in tests:
        assert t["status"] in ("pass", "warn"), t["unique_id"]  # warn: a score over 100 (severity warn)
        name = t["unique_id"].split(".")[2]
        if any(name.startswith(f"{kind}_{m}_") for m in incremental for kind in kinds):
            assert SCOPE in t["compiled_code"], t["unique_id"]
        if any(name.startswith(f"{kind}_{m}_") for m in tables for kind in kinds):
            assert SCOPE not in t["compiled_code"], t["unique_id"]
    # a test's own `where` (fct_budget_execution's, models/marts/_models.yml) is kept beside the scope
    with_where = [t for t in tests if "source = 'evaluation'" in t["compiled_code"]]
    assert with_where and all(f"(source = 'evaluation') and /* fdw_test_scope: " in t["compiled_code"]
                              and SCOPE in t["compiled_code"] for t in with_where)
    unique_lines = next(t for t in tests if t["unique_id"].split(".")[2].startswith("unique_combination_fct_final_account_lines_"))
    with duckdb.connect(str(home / "warehouse.duckdb")) as con:
        assert con.execute(unique_lines["compiled_code"]).fetchall() == []
        # a row of a document this build changed (002 among them) duplicated: the scoped test finds it
        con.execute("begin")
        con.execute("""insert into fct_final_account_lines select * from fct_final_account_lines
                       where doc_id in (select key from fdw_changes) limit 1""")
        assert len(con.execute(unique_lines["compiled_code"]).fetchall()) == 1
        con.execute("rollback")


def test_incremental_runs_end_where_a_full_rebuild_ends(tmp_path, monkeypatch):
    monkeypatch.setenv("DBT_WRITE_JSON", "true")  # dbt's run_results.json of incremental builds too (dbt_tests)
    monkeypatch.setenv("DBT_TESTS_IN_DBT", "1")  # every data test a dbt node, to read how dbt compiled it
    counts = generate(tmp_path / "corpus", 6, 2, 5, 0.3)
    docs = sorted((tmp_path / "corpus" / "docs").iterdir())
    first, later = tmp_path / "first", tmp_path / "later"
    first.mkdir(), later.mkdir()
    for d in docs:  # 2022 for every unit and 2023 for units 100-102 first; 2023 of units 103-105 later
        shutil.copy(d, (first if d.name < "2023_103" else later) / d.name)
    home = tmp_path / "home"
    fdw("run", "--home", str(home), "--workers", "1", str(first))
    assert build_mode(home) == ("full", len(list(first.iterdir())))  # the first build is a full one

    # new documents: other units' next year, 002 and a copy of 002 with its 本年收入合计 (line 117) altered
    shutil.copy(S002, later / S002.name)
    altered_copy(S002, later / "002_altered.txt", 117, "3,585.52", "3,595.52")
    fdw("run", "--home", str(home), "--workers", "1", str(first), str(later))
    assert build_mode(home) == ("incremental", len(list(later.iterdir())))
    assert_tests_scoped_to_changed_documents(home)
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        runs = dict(con.execute("""select substr(d.source_name, 6, 3) < '103', count(distinct f.run_id) from dq_findings f
                                   join dim_document d using (doc_id) where d.source_name like '20%' and f.unit_id is not null
                                   group by 1""").fetchall())
        # the findings of units no new document belongs to were kept from the first run; the units
        # new documents belong to were checked again (both years: cross-document rules). (A document
        # that names no unit is checked again only when it changes.)
        assert runs == {True: 1, False: 1}
        assert con.execute("select count(distinct run_id) from dq_findings").fetchall()[0][0] == 2
        assert con.execute("select count(*) from dq_findings where rule_id = 'FA-001' and severity = 'error'").fetchall()[0][0] == 1

    # a new parser version: those documents are parsed again, and re-derived incrementally
    kind = pipeline.PROJECT_EVALUATION
    name, version, fn = pipeline.PARSERS[kind]
    monkeypatch.setitem(pipeline.PARSERS, kind, (name, version + ".next", fn))
    fdw("run", "--home", str(home), "--workers", "1", str(first), str(later))
    assert build_mode(home) == ("incremental", counts["project_evaluation"])
    incremental = warehouse_snapshot(home / "warehouse.duckdb")

    fdw("run", "--home", str(home), "--workers", "1", "--full-refresh", str(first), str(later))
    assert build_mode(home)[0] == "full"
    tests = dbt_tests(home)  # a full build tests every row
    assert not [t for t in tests if SCOPE in t["compiled_code"]] and [t for t in tests if FULL_SCOPE in t["compiled_code"]]
    full = warehouse_snapshot(home / "warehouse.duckdb")
    assert incremental.keys() == full.keys() and "dq_findings" in full
    for table in full:
        assert incremental[table] == full[table], table
    assert len(full["fct_final_account_lines"]) > 0 and len(full["dq_findings"]) > 0


def test_segments_are_compacted_and_superseded_rows_dropped(tmp_path, monkeypatch):
    monkeypatch.setattr("loaders.writer.SEGMENT_DOCS", 4)
    counts = generate(tmp_path / "corpus", 3, 2, 7, 0.0)
    ingest([tmp_path / "corpus" / "docs"], tmp_path, workers=1)
    store = RawStore(tmp_path)
    # batches of 4 documents: one segment each
    assert len(store.segments()) == -(-counts["documents"] // 4)
    before = raw_snapshot(tmp_path)
    # a new parser version supersedes every evaluation; the segments left mostly superseded are
    # rewritten with their current rows only
    kind = pipeline.PROJECT_EVALUATION
    name, version, fn = pipeline.PARSERS[kind]
    monkeypatch.setitem(pipeline.PARSERS, kind, (name, version + ".next", fn))
    monkeypatch.setattr("loaders.writer.SEGMENT_DOCS", 1000)
    ingest([tmp_path / "corpus" / "docs"], tmp_path, workers=1)
    store = RawStore(tmp_path)
    after = raw_snapshot(tmp_path)
    assert len(after["documents"]) == counts["documents"]
    files = sorted(p.stem for p in (tmp_path / "raw" / "documents").glob("seg-*.parquet"))
    assert set(files) == store.segments() and len(files) == 1  # the small new batch and the mostly-superseded rest, merged
    for name in SCHEMAS:  # every row on disk is current: superseded rows were not copied
        on_disk = duckdb.connect().execute(f"select count(*) from read_parquet('{tmp_path}/raw/{name}/*.parquet', "
                                           "union_by_name = true)").fetchall()[0][0]
        assert on_disk == len(after[name]), name
    assert {k: len(v) for k, v in after.items()} == {k: len(v) for k, v in before.items()}


def test_a_home_of_per_document_files_is_migrated_in_place(tmp_path):
    junk = tmp_path / "notes.txt"
    junk.write_text("会议纪要\n今天讨论了食堂菜单。\n", encoding="utf-8")
    new = tmp_path / "new"
    ingest([SAMPLES, junk], new, workers=1)
    # the layout before segments: raw/<table>/<doc_id>.parquet, one file per document and table
    # (and per quarantined input), with each table's _empty.parquet; no manifest
    old = tmp_path / "old"
    store = RawStore(new)
    for name, schema in SCHEMAS.items():
        (old / "raw" / name).mkdir(parents=True)
        pq.write_table(schema.empty_table(), old / "raw" / name / "_empty.parquet")
        rows = duckdb.connect().sql(store.scan_sql(name)).fetch_arrow_table()
        for key in set(rows.column(key_column(name)).to_pylist()):
            pq.write_table(rows.filter(pc.equal(rows[key_column(name)], key)), old / "raw" / name / f"{key}.parquet")
    n_files = len(list((old / "raw").rglob("*.parquet")))
    assert n_files > 30

    again = ingest([SAMPLES, junk], old, workers=1)
    assert again.count("skipped") == 5 and again.count("quarantined") == 1  # known from the migrated manifest
    assert raw_snapshot(old) == raw_snapshot(new)
    left = sorted({p.name for p in (old / "raw").rglob("*.parquet")})
    assert left == ["_empty.parquet", "manifest.parquet", "seg-000001.parquet"]


def test_the_build_runs_under_fdw_memory_limit(tmp_path, monkeypatch):
    """$FDW_MEMORY_LIMIT is DuckDB's memory limit for the build (dbt's connection through profiles.yml's
    config_options, and fdw's own): with 2 MB the build fails with DuckDB's Out of Memory, the run
    says so, nothing is published."""
    profile = yaml.safe_load((ROOT / "profiles.yml").read_text())["fiscal_dw"]["outputs"]["local"]["config_options"]
    assert "FDW_MEMORY_LIMIT" in profile["memory_limit"] and "FDW_DUCKDB_TEMP" in profile["temp_directory"]
    fdw("ingest", "--home", str(tmp_path), "--workers", "1", str(S002))
    monkeypatch.setenv("FDW_MEMORY_LIMIT", "2MB")
    result = CliRunner().invoke(app, ["build", "--home", str(tmp_path)])
    assert result.exit_code == 1 and "Out of Memory" in result.output, result.output
    assert not (tmp_path / "warehouse.duckdb").exists()
    assert not list((tmp_path / ".build").glob("warehouse.*.duckdb"))


def test_an_unchanged_file_is_skipped_without_reading_it(tmp_path, monkeypatch):
    docs = tmp_path / "docs"
    docs.mkdir()
    for p in sorted(SAMPLES.glob("*.txt")):
        shutil.copy(p, docs / p.name)
    ingest([docs], tmp_path / "home", workers=1)
    touched = docs / S002.name
    touched.write_bytes(touched.read_bytes())  # same bytes, new modification time: read, known by its hash
    read = []
    real = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: read.append(self.name) or real(self))
    again = ingest([docs], tmp_path / "home", workers=1)
    assert again.count("skipped") == 5 and read == [S002.name]


def test_an_incremental_build_leaves_out_staging_models_with_nothing_to_re_derive(tmp_path):
    """Samples 001, then 000 (project self-evaluations: documents, evaluations, funds, indicators, score
    items) added to a warehouse of 002 (final accounts with its 说明) and 003: the staging models of the
    raw tables they have no rows in are left out of both incremental builds, and the warehouse still ends
    where a full rebuild ends. The full build keeps its data tests as an incremental build compiles them
    (fdw_dbt_tests); the first incremental build runs them in one query and none in dbt, but not those
    of the models it left out. A warehouse without kept tests (one built before them) runs its tests in
    dbt and keeps them. A kept test fails the build on a bad row as dbt's would."""
    from loaders.warehouse import RunError, connect, resolve_home, run_stored_tests, untouched_models

    home = tmp_path / "home"
    docs = [str(S002), str(SAMPLES / "003_413624b6244a8c00.txt")]
    fdw("run", "--home", str(home), "--workers", "1", *docs)
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        kept = dict(con.execute("select name, compiled_sql from fdw_dbt_tests").fetchall())
        reads = {name: set(models.split()) for name, models in con.execute("select name, models from fdw_dbt_tests").fetchall()}
    # as compiled for an incremental build: the full build's `true` gave back its predicate
    assert SCOPE in kept["unique_fct_performance_evaluation_eval_id"]
    assert not [name for name, sql in kept.items() if FULL_SCOPE in sql]
    assert "not_null_dim_unit_unit_id" in kept and SCOPE not in kept["not_null_dim_unit_unit_id"]
    left_out_tests = [name for name in kept if "_stg_final_account_cells_" in name or "_stg_fa_tables_" in name]
    assert left_out_tests  # kept, and run only by the builds that re-derive those models
    manifest = json.loads((home / ".build" / "target" / "manifest.json").read_text(encoding="utf-8"))
    seeds_tests = [n["name"] for n in manifest["nodes"].values()
                   if n["resource_type"] == "test" and any(d.startswith("seed.") for d in n["depends_on"]["nodes"])]
    assert seeds_tests and not set(seeds_tests) & set(kept)  # not kept: an incremental build loads no seed

    def incremental_run(sample: str) -> tuple[str, str]:
        """fdw run with one more sample: its output, and the dbt log of its build"""
        docs.append(str(SAMPLES / sample))
        out = fdw("run", "--home", str(home), "--workers", "1", *docs)
        assert build_mode(home) == ("incremental", 1)
        assert "staging model(s) with nothing to re-derive" in out
        log = (home / ".build" / "logs" / "dbt.log").read_text(encoding="utf-8")
        return out, log[log.rindex("Running with dbt"):]

    out, last = incremental_run("001_b4b3860be9177acd.txt")
    assert "data tests run in one query" in out
    assert " test " not in last and "model main.stg_final_account_cells " not in last
    [ran] = re.findall(r"(\d+) data tests of this incremental build run in one query", last)
    built = set(re.findall(r"model main\.(\w+) ", last))
    left_out = {m for models in reads.values() for m in models} - built  # the models dbt did not build
    assert "stg_final_account_cells" in left_out and "stg_documents" not in left_out
    assert int(ran) == len([name for name, models in reads.items() if not models & left_out])

    # a warehouse whose tests were not kept: the build runs them in dbt and keeps those it ran
    with duckdb.connect(str(home / "warehouse.duckdb")) as con:
        con.execute("drop table fdw_dbt_tests")
    out, last = incremental_run("000_e79ef39078520b37.txt")
    assert "data tests run in dbt and are kept" in out
    for model in ("stg_final_account_cells", "stg_fa_tables", "stg_narrative_figures", "stg_narrative_defects"):
        assert f"model main.{model} " not in last  # left out: 000 has no 决算 table or 说明
    for model in ("stg_documents", "stg_evaluations", "stg_eval_indicators", "stg_eval_score_items"):
        assert f"model main.{model} " in last
    assert " test " in last
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        kept_again = dict(con.execute("select name, compiled_sql from fdw_dbt_tests").fetchall())
    assert {n: kept[n] for n in kept_again} == kept_again  # as the full build kept them
    assert not set(left_out_tests) & set(kept_again)  # dbt compiled none of the left-out models' tests
    incremental = warehouse_snapshot(home / "warehouse.duckdb")

    # a kept test on a bad row of a document this build changed (000's evaluation twice): the build fails
    h = resolve_home(home)
    bad = tmp_path / "bad.duckdb"
    shutil.copyfile(h.warehouse, bad)
    with connect(bad, h.duckdb_tmp) as con:
        con.execute("insert into fct_performance_evaluation select * from fct_performance_evaluation "
                    "where doc_id in (select key from fdw_changes)")
    with pytest.raises(RunError, match=r"ERROR=1\n  ERROR unique_fct_performance_evaluation_eval_id \(1 failing\)"):
        run_stored_tests(h, bad)
    with connect(bad, h.duckdb_tmp) as con:  # the same test with severity warn: a warning, as in dbt
        con.execute("update fdw_dbt_tests set severity = 'warn' where name = 'unique_fct_performance_evaluation_eval_id'")
    assert "WARN=1 ERROR=0" in run_stored_tests(h, bad)

    fdw("run", "--home", str(home), "--workers", "1", "--full-refresh", *docs)
    assert warehouse_snapshot(home / "warehouse.duckdb") == incremental

    # 002 changed (as if parsed again) with no new raw rows: its staging rows are still to be deleted and
    # re-derived, so the models holding them are not left out; those without a row of 002 are
    h = resolve_home(home)
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(h.warehouse, copy)
    with connect(copy, h.duckdb_tmp) as con:
        doc = con.execute("select doc_id from dim_document where source_name = ?", [S002.name]).fetchall()[0][0]
        con.execute("create or replace table fdw_changes as select ? as key, cast(null as varchar) as unit_id_before", [doc])
        con.execute("create or replace table fdw_change_segments as select 'seg-none' as segment")
        left_out = untouched_models(con, h)
    assert "stg_final_account_cells" not in left_out and "stg_narrative_figures" not in left_out
    assert "stg_eval_goals" in left_out and "stg_eval_counts" in left_out
