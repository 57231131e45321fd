"""The checks stream a rule's instances in chunks (issue 13): GE decides them chunk by chunk, the findings
and the checkpoint's batch are written as they come, so the checks' memory is bounded by the chunk size
(FDW_CHECK_CHUNK_ROWS), not by the corpus. What they write must not depend on the chunk size, and must
be what deciding each rule's instances whole in memory gave (the way the checks worked before, kept for
the Spark path: runner.instances + GE + runner.decided).

The warehouse: the five samples (samples/) and a synthetic corpus with injected faults (loaders/synth.py,
seed 5), built once by `fdw run`; every figure compared is computed by the code under test twice."""
from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from expectations import gx_project
from expectations.runner import GEValidator, decided, instances, load_rules, run_checks
from loaders.synth import generate

from conftest import ROOT, fdw_run

CHUNK = 5  # far below any rule's instances on this corpus: every rule is decided in several chunks


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("streaming")
    generate(base / "corpus", 8, 2, 5, 0.5)
    fdw_run(base / "home", ROOT / "samples", base / "corpus" / "docs").close()
    return base / "home" / "warehouse.duckdb"


def _checked(built: Path, folder: Path, chunk: int | None):
    db = folder / "warehouse.duckdb"
    folder.mkdir(exist_ok=True)
    shutil.copy(built, db)
    return db, run_checks(db, "streaming", chunk_rows=chunk)


@pytest.fixture(scope="module")
def small(built, tmp_path_factory):
    """The checks in chunks of CHUNK rows, with the size of every dataframe GE was given."""
    seen, failing = [], GEValidator.failing
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(GEValidator, "failing", lambda self, df, column: (seen.append(len(df)), failing(self, df, column))[1])
        db, result = _checked(built, tmp_path_factory.mktemp("small"), CHUNK)
    return db, result, seen


def _rows(db: Path, table: str, order: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        cols = [c for c in con.sql(f"select * from {table}").columns if c != "run_id"]
        return con.sql(f"select {', '.join(cols)} from {table} order by {order}").fetchall()


def _in_memory(db: Path, rules) -> list:
    """Each rule decided the way the checks did before streaming: every instance in one dataframe."""
    validator, out = GEValidator(), []
    with duckdb.connect(str(db), read_only=True) as con:
        for rule in rules:
            every = instances(con, rule)
            if every.empty:
                continue
            df = every[every["checkable"]]
            off_any = df[(df["shortfall"] > 0) | (df["excess"] > 0)]
            broken, _ = validator.failing(off_any, "excess")
            off, _ = validator.failing(off_any, "shortfall")
            out.append(decided(rule, "streaming", off_any[off_any["check_id"].isin(off | broken)], broken, every))
    return out


def test_the_outcome_does_not_depend_on_the_chunk_size(built, small, tmp_path):
    small = small[0]
    whole, _ = _checked(built, tmp_path / "whole", 10_000_000)
    for table, order in (("dq_findings", "all"), ("dq_rule_instances", "all"), ("dq_document_checks", "all"),
                         ("dq_rule_results", "rule_id")):
        assert _rows(small, table, order) == _rows(whole, table, order), table
    with duckdb.connect(str(small), read_only=True) as con:
        severities = dict(con.sql("select severity, count(*) from dq_findings group by all").fetchall())
    assert severities.get("error") and severities.get("hint")  # the injected faults and the samples' rounding are found


def test_streamed_findings_are_those_of_the_rules_decided_whole(built, small):
    db, result, _ = small
    reference = _in_memory(built, load_rules())
    fields = [f for f in result.findings.schema.names if f != "run_id"]
    expected = Counter(tuple(f[k] for k in fields) for d in reference for f in d.findings)
    got = Counter(tuple(r[k] for k in fields) for r in result.findings.to_pylist())
    assert got == expected and sum(got.values()) > 0
    counts = Counter(tuple(r.values()) for d in reference for r in d.counts.to_pylist())
    assert Counter(_rows(db, "dq_rule_instances", "all")) == counts
    coverage = Counter(tuple(v for k, v in r.items() if k != "run_id") for d in reference for r in d.coverage.to_pylist())
    assert Counter(_rows(db, "dq_document_checks", "all")) == coverage


def test_ge_and_the_checkpoint_batch_never_see_more_than_a_chunk(small):
    db, result, seen = small
    assert seen and max(seen) <= CHUNK and sum(seen) > CHUNK
    parts = sorted(result.instances.glob("*/part-*.parquet"))
    sizes = [pq.ParquetFile(p).metadata.num_rows for p in parts]
    assert max(sizes) <= CHUNK and len(parts) > len(gx_project.families())
    # every checked instance reaches the checkpoint's batch once, with the file it came from
    with duckdb.connect(str(db), read_only=True) as con:
        assert sum(sizes) == con.sql("select sum(n_instances) from dq_rule_instances").fetchall()[0][0]
        names = {r[0] for r in con.sql("select source_name from dim_document").fetchall()}
    batch = pq.ParquetDataset(parts).read(columns=["source_name", "doc_id"]).to_pylist()
    assert all(r["source_name"] in names for r in batch if r["doc_id"] is not None)


def test_the_checkpoint_validates_the_chunked_batch_part_by_part(small, tmp_path):
    """The checks' batch re-cut into parts of a third of the largest suite (a GE validation per part
    and suite: parts of CHUNK rows would be hundreds); the parts' results merged are GE's counts."""
    db, result, _ = small
    files = sorted(result.instances.glob("*/part-*.parquet"))
    per_suite = Counter()
    for f in files:
        per_suite[f.parent.name] += pq.ParquetFile(f).metadata.num_rows
    folder = tmp_path / "batch"
    writer = gx_project.BatchWriter(folder, load_rules(), max(per_suite.values()) // 3 + 1)
    for f in files:
        table = pq.read_table(f)
        writer.write(table.column("rule_id")[0].as_py(), table)  # one suite's rows: its first rule names the suite
    writer.close()
    assert max(len(list(d.glob("part-*.parquet"))) for d in folder.iterdir()) == 3
    home = tmp_path / "home"
    home.mkdir()
    gx = gx_project.run_checkpoint(home, folder, "streaming")
    with duckdb.connect(str(db), read_only=True) as con:
        counts = dict(con.sql("select severity, count(*) from dq_findings group by all").fetchall())
    summary = gx.summary
    assert (summary["errors"], summary["warnings"], summary["hints"]) == (counts.get("error", 0), counts.get("warning", 0), counts.get("hint", 0))
    stored = list((home / "gx" / "uncommitted" / "validations").glob("*/streaming/*/*.json"))
    assert sorted(p.parts[-4] for p in stored) == sorted(s["suite"] for s in summary["suites"])  # one result per suite
