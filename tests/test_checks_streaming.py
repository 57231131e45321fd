"""The checks stream a rule's instances in chunks (issue 13): GE decides them chunk by chunk, the findings
and the checkpoint's batch are written as they come, so the checks' memory is bounded by the chunk size
(FDW_CHECK_CHUNK_ROWS), not by the corpus. What they write must not depend on the chunk size, and must
be what deciding each rule's instances whole in memory gave (the way the checks worked before, kept for
the Spark path: runner.instances + GE + runner.decided).

The warehouse: the five samples (samples/) and a synthetic corpus with injected faults (loaders/synth.py,
seed 5), built once by `fdw run`; every figure compared is computed by the code under test twice."""
from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest
from great_expectations.validator.v1_validator import Validator

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


@pytest.fixture(scope="module")
def recut(small, tmp_path_factory):
    """The checks' batch re-cut into parts of a third of the largest suite (a GE validation per part
    and suite: parts of CHUNK rows would be hundreds), and the checkpoint run on it, counting what GE
    was given: per validation, the rule ids of the rows and of the expectations."""
    db, result, _ = small
    files = sorted(result.instances.glob("*/part-*.parquet"))
    per_suite = Counter()
    for f in files:
        per_suite[f.parent.name] += pq.ParquetFile(f).metadata.num_rows
    base = tmp_path_factory.mktemp("recut")
    folder = base / "batch"
    writer = gx_project.BatchWriter(folder, load_rules(), max(per_suite.values()) // 3 + 1)
    for f in files:
        table = pq.read_table(f)
        writer.write(table.column("rule_id")[0].as_py(), table)  # one suite's rows: its first rule names the suite
    writer.close()
    home = base / "home"
    home.mkdir()
    calls, validate = [], Validator.validate_expectation_suite

    def counting(self, suite, *args, **kwargs):
        rows = self._batch_parameters["dataframe"]
        calls.append((suite.name, Counter(rows["rule_id"]), [e.meta["rule_id"] for e in suite.expectations]))
        return validate(self, suite, *args, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Validator, "validate_expectation_suite", counting)
        gx = gx_project.run_checkpoint(home, folder, "streaming")
    return db, folder, home, gx, calls


def test_the_checkpoint_validates_the_chunked_batch_part_by_part(recut):
    """The parts' results merged are GE's counts: one stored result per suite, the findings' counts."""
    db, folder, home, gx, _ = recut
    assert max(len(list(d.glob("part-*.parquet"))) for d in folder.iterdir()) == 3
    with duckdb.connect(str(db), read_only=True) as con:
        counts = dict(con.sql("select severity, count(*) from dq_findings group by all").fetchall())
    summary = gx.summary
    assert (summary["errors"], summary["warnings"], summary["hints"]) == (counts.get("error", 0), counts.get("warning", 0), counts.get("hint", 0))
    stored = list((home / "gx" / "uncommitted" / "validations").glob("*/streaming/*/*.json"))
    assert sorted(p.parts[-4] for p in stored) == sorted(s["suite"] for s in summary["suites"])  # one result per suite


def test_rows_are_validated_only_against_the_expectations_of_their_rules(recut):
    """Each validation gives GE the rows of one rule and that rule's expectations, or an empty frame and
    the expectations of the rules without rows; every expectation is validated once per part holding
    rows of its rule (once in all when none does): no part against the whole suite."""
    _, folder, home, _, calls = recut
    ctx = gx_project.context(home / "gx")
    expected, got = Counter(), Counter()
    for definition in ctx.checkpoints.get(gx_project.CHECKPOINT).validation_definitions:
        suite = definition.suite.name
        rules = Counter(e.meta["rule_id"] for e in definition.suite.expectations)
        held = set()
        for f in sorted((folder / suite).glob("part-*.parquet")):
            for rule_id in set(pq.read_table(f, columns=["rule_id"]).column("rule_id").to_pylist()):
                expected[suite, rule_id] += rules[rule_id]
                held.add(rule_id)
        for rule_id in set(rules) - held:
            expected[suite, rule_id] += rules[rule_id]
    for suite, rows, rule_ids in calls:
        if rows:
            assert set(rows) == set(rule_ids), (suite, rows, rule_ids)  # one rule's rows, its expectations
        for rule_id in rule_ids:
            got[suite, rule_id] += 1
    assert any(not rows for _, rows, _ in calls) and sum(1 for _, rows, _ in calls if rows) > len(calls) // 2
    assert got == expected


def test_the_merged_results_are_what_ge_gives_the_whole_batch(recut):
    """Every stored result (success, statistics, each expectation's counts, percentages, unexpected
    rows, partial lists and value counts) is what GE's validation of the suite on the suite's whole
    batch in one frame gives; only the row positions of GE's unexpected_index_query, which name rows of
    one part, are left out of a suite validated in several parts."""
    _, folder, home, gx, _ = recut
    ctx = gx_project.context(home / "gx")
    checkpoint = ctx.checkpoints.get(gx_project.CHECKPOINT)
    stored = {p.parts[-4]: json.loads(p.read_text(encoding="utf-8"))
              for p in (home / "gx" / "uncommitted" / "validations").glob("*/streaming/*/*.json")}
    compared = 0
    for definition in checkpoint.validation_definitions:
        files = sorted((folder / definition.suite.name).glob("part-*.parquet"))
        whole = pq.ParquetDataset(files).read().to_pandas() if files else gx_project.batch_rows(pd.DataFrame())
        validator = Validator(batch_definition=definition.batch_definition, batch_parameters={"dataframe": whole},
                              result_format=checkpoint.result_format)
        reference = validator.validate_expectation_suite(definition.suite).to_json_dict()
        mine = stored[definition.suite.name]
        assert (mine["success"], mine["statistics"]) == (reference["success"], reference["statistics"])
        for r in (reference, mine):
            for e in r["results"]:
                if len(files) > 1:
                    e["result"].pop("unexpected_index_query", None)
        assert mine["results"] == reference["results"], definition.suite.name
        compared += len(files) > 1 and any(e["result"].get("unexpected_count") for e in mine["results"])
    assert compared  # a suite in several parts, with unexpected rows, was compared
