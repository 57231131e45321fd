"""Parallel and incremental ingest over a generated corpus (issue 5), and the per-document limits."""
from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from loaders import pipeline
from loaders.pipeline import ingest
from loaders.synth import generate
from loaders.writer import SCHEMAS, RawStore

from conftest import S002


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("corpus")
    counts = generate(out, 8, 2, 21, 0.2)
    return out / "docs", counts


def test_parse_workers_only_for_enough_documents():
    # one process per MIN_DOCS_PER_WORKER (100) documents to parse, at most `workers`; 1 = no pool
    assert [pipeline.pool_size(2, n) for n in (0, 3, 100, 199, 200, 20_000)] == [1, 1, 1, 1, 2, 2]
    assert pipeline.pool_size(8, 450) == 4 and pipeline.pool_size(1, 20_000) == 1


def raw_snapshot(home: Path) -> dict[str, list[tuple]]:
    """Every raw table's rows, sorted: what dbt will read."""
    con = duckdb.connect()
    out = {}
    store = RawStore(home)
    for name in SCHEMAS:
        rows = con.execute(store.scan_sql(name)).fetchall()
        out[name] = sorted(rows, key=repr)
    return out


def test_parallel_ingest_lands_what_serial_ingest_lands(corpus, tmp_path, monkeypatch):
    docs, counts = corpus
    monkeypatch.setattr(pipeline, "MIN_DOCS_PER_WORKER", 1)  # a pool of 2 for this small corpus
    pools = []
    get_context = pipeline.multiprocessing.get_context
    monkeypatch.setattr(pipeline.multiprocessing, "get_context",
                        lambda method: pools.append(method) or get_context(method))
    par = ingest([docs], tmp_path / "par", workers=2)
    assert pools == ["fork"]  # the parallel path did run
    ser = ingest([docs], tmp_path / "ser", workers=1)
    assert par.count("parsed") == ser.count("parsed") == counts["documents"]
    assert [o.path for o in par.outcomes] == [o.path for o in ser.outcomes]  # input order, whoever finished first
    a, b = raw_snapshot(tmp_path / "par"), raw_snapshot(tmp_path / "ser")
    assert a == b and len(a["documents"]) == counts["documents"]
    assert not list((tmp_path / "par" / "raw").glob("*/.*.tmp"))  # nothing left aside


def test_known_documents_are_skipped_unless_their_parser_changed(corpus, tmp_path, monkeypatch):
    docs, counts = corpus
    home = tmp_path / "home"
    ingest([docs], home, workers=2)
    again = ingest([docs], home, workers=2)
    assert again.count("skipped") == counts["documents"] and again.count("parsed") == 0
    # a new version of the evaluation parser: evaluation documents are parsed again, final accounts
    # (whose version includes the evaluation parser's, for their attached forms) too
    kind = pipeline.PROJECT_EVALUATION
    name, version, fn = pipeline.PARSERS[kind]
    monkeypatch.setitem(pipeline.PARSERS, kind, (name, version + ".next", fn))
    bumped = ingest([docs], home, workers=2)
    assert bumped.count("parsed") == counts["project_evaluation"]
    assert bumped.count("skipped") == counts["documents"] - counts["project_evaluation"]
    versions = duckdb.connect().execute(
        f"select parser_version, count(*) from ({RawStore(home).scan_sql('documents')}) "
        "where doc_kind = 'project_evaluation' group by 1").fetchall()
    assert versions == [(version + ".next", counts["project_evaluation"])]


def test_a_reparsed_document_loses_rows_its_new_parse_no_longer_has(tmp_path):
    store = RawStore(tmp_path)
    store.ensure()
    doc = {"doc_id": "d1", "status": "parsed"}
    rows = lambda: duckdb.connect().execute(store.scan_sql("eval_indicators")).fetchall()  # noqa: E731
    store.write_document("d1", doc, {"eval_indicators": [{"doc_id": "d1", "eval_id": "e", "seq": 1}]})
    assert len(rows()) == 1
    store.write_document("d1", doc, {"eval_indicators": []})
    assert rows() == []
    # the first segment holds no current row any more: removed
    assert [p.name for p in (tmp_path / "raw" / "eval_indicators").glob("seg-*.parquet")] == ["seg-000002.parquet"]


def test_files_written_aside_by_a_dead_run_are_removed(corpus, tmp_path):
    docs, _ = corpus
    stale = tmp_path / "raw" / "documents" / ".x.parquet.dead.tmp"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"half a file")
    ingest([docs], tmp_path, workers=1)
    assert not stale.exists()


def test_a_document_over_the_size_limit_is_quarantined(tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "MAX_DOC_BYTES", S002.stat().st_size - 1)
    summary = ingest([S002], tmp_path, workers=1)
    (o,) = summary.outcomes
    assert o.status == "quarantined" and "larger than the" in o.reason and "MB limit" in o.reason


def test_a_document_over_the_time_limit_is_quarantined(tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "MAX_PARSE_SECONDS", 1e-4)
    summary = ingest([S002], tmp_path, workers=1)
    (o,) = summary.outcomes
    assert o.status == "quarantined" and o.reason.startswith("parsing took longer than")
    stage = duckdb.connect().execute(f"select stage from ({RawStore(tmp_path).scan_sql('rejects')})").fetchall()
    assert stage == [("limit",)]


def test_a_workers_pack_gives_back_each_documents_tables(corpus, tmp_path):
    # the pool sends a worker's documents back as one table per raw table; each document's tables
    # come back as the rows it parsed, in order, and a quarantined input in between keeps its place
    docs, _ = corpus
    bad = tmp_path / "bad.txt"
    bad.write_text("no fiscal words here\n", encoding="utf-8")
    store = RawStore(tmp_path / "home")
    files = sorted(docs.iterdir())[:5] + [bad] + sorted(docs.iterdir())[5:9]
    direct = [pipeline.parse_file(f, store) for f in files]
    packed = pipeline._unpack(*pipeline._pack([pipeline.parse_file(f, store) for f in files]))
    assert [(r.path, r.status) for r in packed] == [(r.path, r.status) for r in direct]
    assert packed[5].status == "quarantined" and packed[5].staged is None
    for a, b in zip(direct, packed):
        if a.staged is not None:
            assert a.staged.tables.keys() == b.staged.tables.keys()
            assert all(a.staged.tables[n].equals(b.staged.tables[n]) for n in a.staged.tables)


def test_the_writer_merges_each_run_of_small_tables_once(tmp_path):
    # 600 one-row documents: two runs of 256 merged into one table each, the last 88 as they came
    # (merging the whole buffer again every 256 documents made the writer's cost grow with its batch)
    import pyarrow as pa

    from loaders.writer import _Batch

    batch = _Batch(tmp_path, "seg")
    for i in range(600):
        batch.add(f"d{i}", {"documents": pa.Table.from_pylist([{"doc_id": f"d{i}"}], schema=SCHEMAS["documents"])}, {})
    sizes = [t.num_rows for t in batch.buffers["documents"]]
    assert sizes[:2] == [256, 256] and sizes[2:] == [1] * 88
    assert [r["doc_id"] for t in batch.buffers["documents"] for r in t.select(["doc_id"]).to_pylist()] == [f"d{i}" for i in range(600)]
