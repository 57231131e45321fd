"""The one writer: lands parsed records as Parquet segments under `<home>/raw/<table>/<segment>.parquet`.

A raw table is a few large files, not one file per document (at 20,000 documents dbt's staging
opened 20,000 small files per table and DuckDB grew to 8 GB doing it). Each batch of documents an
ingest lands becomes one *segment*: one file per table, written aside under a hidden name, in row
groups sized for scans. The *manifest* (`raw/manifest/manifest.parquet`: key -> segment, the batch
it landed in, status, kind and parser version) says which segment holds the current rows of each
document (key = doc_id) or quarantined input (key = reject_id). Only rows the manifest points to are
visible (`RawStore.scan_sql`, and the dbt macro `landed`): a segment file is visible only once the
manifest that names it has been renamed into place, so a crash leaves the old manifest or the new
one, never half a batch; a re-parsed document's old rows stay in their old segment, invisible, until
compaction rewrites small or mostly-superseded segments into one. Every table also has an
`_empty.parquet` with its schema so readers always find the columns.
"""
from __future__ import annotations

import os
import re
import uuid
from dataclasses import dataclass
from typing import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

DEC = pa.decimal128(20, 6)
S, I, I64, B = pa.string(), pa.int32(), pa.int64(), pa.bool_()

SCHEMAS: dict[str, pa.Schema] = {
    "documents": pa.schema([
        ("doc_id", S), ("source_path", S), ("source_name", S), ("file_format", S), ("doc_kind", S),
        ("unit_name", S), ("unit_code", S), ("unit_id", S), ("admin_level", S), ("region", S),
        ("fiscal_year", I), ("amount_unit", S), ("parser", S), ("parser_version", S), ("status", S),
        ("n_tables", I64), ("n_cells", I64), ("warnings", S), ("pages", I), ("size_bytes", I64),
        # text (a text layer, a table file) or ocr (some or all of it read by OCR)
        ("text_source", S),
    ]),
    "fa_tables": pa.schema([
        ("doc_id", S), ("table_code", S), ("table_title", S), ("printed_table_no", S), ("unit_name", S),
        ("fiscal_year", I), ("amount_unit", S), ("note", S), ("n_cells", I64), ("n_values", I64),
        ("page", I), ("line_start", I), ("line_end", I), ("source_ref", S),
    ]),
    "final_account_cells": pa.schema([
        ("doc_id", S), ("table_code", S), ("table_title", S), ("printed_table_no", S), ("side", S),
        ("block", S), ("section", S), ("row_label", S), ("row_key", S), ("row_no", I), ("row_role", S),
        ("subject_code", S), ("subject_name", S), ("item", S), ("column_label", S), ("column_code", S),
        ("column_no", I), ("printed_text", S), ("cell_state", S), ("value", DEC), ("decimals", I),
        ("unit", S), ("amount_wan", DEC), ("half_unit_wan", DEC), ("aligned", pa.bool_()), ("page", I),
        ("line", I), ("col", I), ("source_ref", S),
        ("ocr_confidence", pa.float64()),  # the recognition score when the cell was read by OCR, else NULL
    ]),
    # one figure (or comparison sentence) of a 说明; loaders/parsers/narrative.py
    "narrative_figures": pa.schema([
        ("doc_id", S), ("figure_no", I), ("paragraph_no", I), ("section", S), ("topic", S), ("item", S),
        ("item_phrase", S), ("measure", S), ("direction", S), ("base", S), ("base_item", S),
        ("printed_text", S), ("value", DEC), ("decimals", I), ("unit", S), ("amount_wan", DEC),
        ("half_unit_wan", DEC), ("num_no", I), ("den_no", I), ("den_kind", S), ("list_head_no", I), ("repeat_of", I),
        ("sentence", S), ("page", I), ("line", I), ("source_ref", S),
    ]),
    # one publication defect of a document's text (FA-080/081); loaders/parsers/narrative.py
    "narrative_defects": pa.schema([
        ("doc_id", S), ("defect", S), ("printed_text", S), ("context", S), ("expected", S), ("page", I),
        ("line", I), ("source_ref", S),
    ]),
    # --- performance self-evaluations (issue 3); filled by loaders/parsers/evaluation_*.py
    "evaluations": pa.schema([
        ("eval_id", S), ("doc_id", S), ("form", S), ("scope", S), ("project_name", S), ("unit_name", S),
        ("unit_code", S), ("department_name", S), ("department_code", S), ("project_attribute", S),
        ("project_period", S), ("fiscal_year", I), ("total_score", DEC), ("total_score_text", S),
        ("grade", S), ("grade_text", S), ("evaluator", S), ("fill_date", S), ("annual_goal", S),
        ("actual_result", S), ("page", I), ("line_start", I), ("line_end", I), ("source_ref", S),
        # False when the form was not read to its 总分 row (cut off): its sums are not checkable
        ("complete", B),
        # the points the 总分 row prints as its maximum (总分 | 100 | 96: 100), when printed
        ("total_weight", DEC),
    ]),
    "eval_funds": pa.schema([
        ("eval_id", S), ("doc_id", S), ("seq", I), ("fund_source", S), ("fund_label", S),
        ("budget_initial_declared_wan", DEC), ("budget_initial_wan", DEC), ("budget_full_year_wan", DEC),
        ("funds_received_wan", DEC), ("executed_wan", DEC), ("balance_wan", DEC), ("carryover_prior_wan", DEC),
        ("adjustment_wan", DEC), ("other_adjustment_wan", DEC), ("execution_rate_pct", DEC),
        ("execution_weight", DEC), ("execution_score", DEC), ("printed", S), ("page", I), ("line", I),
        ("source_ref", S),
        # the line this one adds up into, when the parser read it from the form (NULL: by the layout)
        ("parent_source", S),
        # 预算到位 / 到位率 as printed (0-100), when the form prints it
        ("funds_received_rate_pct", DEC),
    ]),
    "eval_indicators": pa.schema([
        ("eval_id", S), ("doc_id", S), ("seq", I), ("level1", S), ("level2", S), ("indicator_name", S),
        ("target_initial_text", S), ("target_text", S), ("actual_text", S), ("comparator", S),
        ("target_value", DEC), ("target_value_high", DEC), ("actual_value", DEC), ("value_unit", S),
        ("weight", DEC), ("weight_text", S), ("score", DEC), ("score_text", S), ("completion_text", S),
        ("is_achieved", B), ("deviation_reason", S), ("aligned", B), ("page", I), ("line", I), ("source_ref", S),
        # the row's values as printed when they could not be placed under the columns (aligned = False)
        ("unaligned_text", S),
        # how a run of digits printed without separators was split under the columns (NULL: printed apart)
        ("placement", S),
    ]),
    "eval_score_items": pa.schema([
        ("eval_id", S), ("doc_id", S), ("seq", I), ("section", S), ("criterion", S), ("sub_criterion", S),
        ("weight", DEC), ("weight_text", S), ("score", DEC), ("score_text", S), ("note", S), ("page", I),
        ("line", I), ("source_ref", S),
        # added with the parsers: False when the row was rebuilt from column runs whose counts disagree
        ("aligned", B),
    ]),
    # counts of a department's basic facts printed in an evaluation (内设机构 N个, 编制人员 N人)
    "eval_counts": pa.schema([
        ("eval_id", S), ("doc_id", S), ("seq", I), ("section", S), ("label", S), ("count_value", DEC),
        ("count_unit", S), ("printed_text", S), ("page", I), ("line", I), ("source_ref", S),
        ("listed_min", I), ("listed_max", I), ("listed_text", S),
    ]),
    # figures stated in the sentences of a form's goal block (年度总体目标: 预期目标 / 实际完成情况)
    "eval_goals": pa.schema([
        ("eval_id", S), ("doc_id", S), ("seq", I), ("section", S), ("column_label", S), ("goal_no", I),
        ("subject", S), ("target_text", S), ("actual_text", S), ("comparator", S), ("value", DEC),
        ("value_unit", S), ("statement_text", S), ("page", I), ("line", I), ("source_ref", S),
    ]),
    "rejects": pa.schema([
        ("reject_id", S), ("doc_id", S), ("source_path", S), ("source_name", S), ("file_format", S),
        ("stage", S), ("reason", S), ("detail", S), ("size_bytes", I64),
    ]),
}

DOCUMENT_TABLES = [t for t in SCHEMAS if t not in ("documents", "rejects")]

MANIFEST_SCHEMA = pa.schema([
    ("key", S), ("segment", S), ("batch", S), ("status", S), ("doc_kind", S), ("parser_version", S),
    ("reason", S),  # a quarantined input's stage and reason: landed again only when they change
    # the file a document was landed from: a file seen again unchanged is skipped without reading it
    ("source_path", S), ("size_bytes", I64), ("mtime_ns", I64),
])
MANIFEST = "manifest"

# Documents per segment (one segment per batch of an ingest) and the compaction policy: segments
# holding fewer than half that many current documents are merged once there are COMPACT_MIN of
# them, and a segment whose rows are mostly superseded is rewritten.
SEGMENT_DOCS = int(os.environ.get("FDW_SEGMENT_DOCS", "5000"))
COMPACT_MIN = int(os.environ.get("FDW_COMPACT_MIN_SEGMENTS", "4"))
ROW_GROUP_ROWS = 122_880  # DuckDB's own row-group size: one scan task per row group
_SEGMENT_RE = re.compile(r"^seg-(\d{6,})$")


def key_column(table: str) -> str:
    return "reject_id" if table == "rejects" else "doc_id"


def _write_aside(table: pa.Table, path: Path) -> Path:
    """Write `table` next to `path` under a hidden temporary name (never matched by `*.parquet`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _aside(path)
    pq.write_table(table, tmp, compression="snappy", row_group_size=ROW_GROUP_ROWS)
    return tmp


def _aside(path: Path) -> Path:
    return path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")


def _atomic_write(table: pa.Table, path: Path) -> None:
    os.replace(_write_aside(table, path), path)


def to_arrow(tables: dict) -> dict[str, pa.Table]:
    """Rows (lists of dicts) as Arrow tables with the raw schemas; Arrow tables pass through."""
    return {name: rows if isinstance(rows, pa.Table) else pa.Table.from_pylist(rows, schema=SCHEMAS[name])
            for name, rows in tables.items() if name in SCHEMAS}


def _sql_str(value) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def visible_rows_sql(root: Path, table: str, files: str | None = None) -> str:
    """SQL for the current rows of a raw table: rows of the segment the manifest names for their key.
    (The dbt macro `landed` is the same query over dbt's source.)"""
    files = files or _sql_str(f"{root}/{table}/*.parquet")
    manifest = _sql_str(f"{root}/{MANIFEST}/{MANIFEST}.parquet")
    return (f"select r.* exclude (filename) from read_parquet({files}, union_by_name = true, filename = true) r "
            f"semi join read_parquet({manifest}) m on m.key = r.{key_column(table)} "
            f"and m.segment = regexp_extract(r.filename, '([^/]+)\\.parquet$', 1)")


@dataclass
class Staged:
    """One document's records, serialised (safe to build in a worker process; nothing visible yet)."""
    tables: dict[str, pa.Table]
    entry: dict


def _duckdb(root: Path):
    """DuckDB for merging segments, within the same memory limit and temp directory as the build."""
    import duckdb

    from loaders.warehouse import duckdb_settings

    con = duckdb.connect()
    for name, value in duckdb_settings(root.parent / ".build" / "duckdb_tmp").items():
        con.execute(f"set {name} = {_sql_str(value)}")
    return con


class _Batch:
    """The segment being written: one Parquet writer per table, rows buffered into row groups."""

    def __init__(self, root: Path, segment: str):
        self.root, self.segment = root, segment
        self.entries: dict[str, dict] = {}
        self.buffers: dict[str, list[pa.Table]] = {t: [] for t in SCHEMAS}
        self.buffered: dict[str, int] = {t: 0 for t in SCHEMAS}
        self.merged: dict[str, int] = {t: 0 for t in SCHEMAS}  # the buffer's first tables, each 256 merged
        self.writers: dict[str, tuple[pq.ParquetWriter, Path]] = {}

    def add(self, key: str, tables: dict[str, pa.Table], entry: dict) -> None:
        if key in self.entries:  # the same input twice in one batch: same bytes, same records
            return
        self.entries[key] = entry
        for name, table in tables.items():
            if table.num_rows:
                self.buffers[name].append(table)
                self.buffered[name] += table.num_rows
                if self.buffered[name] >= ROW_GROUP_ROWS:
                    self._spill(name)
                elif len(self.buffers[name]) - self.merged[name] >= 256:
                    # thousands of one-document tables cost more memory than their rows: the last 256 as
                    # one table (only those: merging the whole buffer again each time copied it over
                    # and over, 3 ms a document at 1,500 documents)
                    tail = self.buffers[name][self.merged[name]:]
                    self.buffers[name][self.merged[name]:] = [pa.concat_tables(tail).combine_chunks()]
                    self.merged[name] += 1

    def _spill(self, name: str) -> None:
        if name not in self.writers:
            path = self.root / name / f"{self.segment}.parquet"
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = _aside(path)
            self.writers[name] = (pq.ParquetWriter(tmp, SCHEMAS[name], compression="snappy"), tmp)
        if self.buffers[name]:
            table = pa.concat_tables(self.buffers[name]).cast(SCHEMAS[name])
            self.writers[name][0].write_table(table, row_group_size=ROW_GROUP_ROWS)
        self.buffers[name], self.buffered[name], self.merged[name] = [], 0, 0

    def close(self) -> list[tuple[Path, Path]]:
        """Finish every table's file (aside); returns the renames that make them segment files."""
        moves = []
        for name in SCHEMAS:
            self._spill(name)
            writer, tmp = self.writers.pop(name)
            writer.close()
            moves.append((tmp, self.root / name / f"{self.segment}.parquet"))
        return moves

    def abort(self) -> None:
        for writer, tmp in self.writers.values():
            try:
                writer.close()
            finally:
                tmp.unlink(missing_ok=True)
        self.writers = {}


class RawStore:
    def __init__(self, home: Path):
        self.root = Path(home) / "raw"
        self._manifest: dict[str, dict] | None = None
        self._files: dict[str, dict] | None = None
        self._batch: _Batch | None = None

    # --- the manifest ------------------------------------------------------------------------
    @property
    def manifest_path(self) -> Path:
        return self.root / MANIFEST / f"{MANIFEST}.parquet"

    @property
    def manifest(self) -> dict[str, dict]:
        if self._manifest is None:
            path = self.manifest_path
            # read in one go: pyarrow may open a path twice (footer, then pages), and a writer's
            # rename between the two gave "Page was smaller than expected" to a reader polling it
            if path.exists():
                with open(path, "rb") as fh:
                    rows = pq.read_table(pa.BufferReader(fh.read())).to_pylist()
            else:
                rows = []
            self._manifest = {r["key"]: r for r in rows}
        return self._manifest

    def _write_manifest(self, manifest: dict[str, dict]) -> None:
        rows = [manifest[k] for k in sorted(manifest)]
        _atomic_write(pa.Table.from_pylist(rows, schema=MANIFEST_SCHEMA), self.manifest_path)
        self._manifest, self._files = manifest, None

    def segments(self) -> set[str]:
        return {e["segment"] for e in self.manifest.values()}

    def _next_segment(self) -> str:
        on_disk = {m.group(1) for p in self.root.glob("*/seg-*.parquet") if (m := _SEGMENT_RE.match(p.stem))}
        named = {m.group(1) for s in self.segments() if (m := _SEGMENT_RE.match(s))}
        n = max((int(x) for x in on_disk | named), default=0) + 1
        if self._batch is not None:
            n = max(n, int(_SEGMENT_RE.match(self._batch.segment).group(1)) + 1)
        return f"seg-{n:06d}"

    # --- set-up, clean-up, migration ------------------------------------------------------------
    def ensure(self) -> None:
        """Schema files, the manifest, and an old per-document layout migrated. Under the run lock."""
        for name, schema in SCHEMAS.items():
            path = self.root / name / "_empty.parquet"
            # rewritten when the schema gained columns: the empty file is what carries them
            if not path.exists() or not pq.read_schema(path).equals(schema, check_metadata=False):
                _atomic_write(schema.empty_table(), path)
        if not self.manifest_path.exists():
            self._migrate()

    def _legacy_files(self, table: str) -> list[Path]:
        return [p for p in (self.root / table).glob("*.parquet") if p.name != "_empty.parquet" and not _SEGMENT_RE.match(p.stem)]

    def _migrate(self) -> None:
        """A home folder of the per-document layout (raw/<table>/<doc_id>.parquet) becomes one segment
        plus the manifest, in place. The manifest's rename is the switch: killed before it, the old
        files are untouched (the half-made segment is an orphan, removed by discard_stale)."""
        if not any(self._legacy_files(t) for t in ("documents", "rejects")):
            self._write_manifest({})
            return
        segment = self._next_segment()

        def legacy(name: str) -> str:
            files = [self.root / name / "_empty.parquet"] + self._legacy_files(name)
            return f"select * from read_parquet([{', '.join(map(_sql_str, files))}], union_by_name = true)"

        moves = self._copy_into(segment, legacy)
        made = {target.parent.name: tmp for tmp, target in moves}
        manifest: dict[str, dict] = {}
        for r in pq.read_table(made["rejects"], columns=["reject_id", "stage", "reason"]).to_pylist():
            manifest[r["reject_id"]] = {"key": r["reject_id"], "segment": segment, "batch": segment, "status": "quarantined",
                                        "doc_kind": None, "parser_version": None, "reason": f"{r['stage']}: {r['reason']}"}
        for r in pq.read_table(made["documents"], columns=["doc_id", "doc_kind", "parser_version"]).to_pylist():
            manifest[r["doc_id"]] = {"key": r["doc_id"], "segment": segment, "batch": segment, "status": "parsed",
                                     "doc_kind": r["doc_kind"], "parser_version": r["parser_version"], "reason": None}
        self._land(moves, manifest)

    def _copy_into(self, segment: str, select_for: Callable[[str], str]) -> list[tuple[Path, Path]]:
        """Write each table's rows `select_for(table)` selects, as `segment`, aside (DuckDB streams the
        copy within the memory limit). Returns the renames that place the files."""
        con = _duckdb(self.root)
        moves = []
        try:
            for name, schema in SCHEMAS.items():
                target = self.root / name / f"{segment}.parquet"
                tmp = _aside(target)
                cols = ", ".join(f'"{c}"' for c in schema.names)
                con.execute(f"copy (select {cols} from ({select_for(name)})) to {_sql_str(tmp)} "
                            f"(format parquet, compression snappy, row_group_size {ROW_GROUP_ROWS})")
                moves.append((tmp, target))
        finally:
            con.close()
        return moves

    def _land(self, moves: list[tuple[Path, Path]], manifest: dict[str, dict]) -> None:
        """Segment files into place, then the manifest (the commit point), then what it no longer names goes."""
        for tmp, target in moves:
            os.replace(tmp, target)
        self._write_manifest(manifest)
        self.discard_stale()

    def discard_stale(self) -> int:
        """Remove what a run that died left behind: files written aside, segment files no manifest
        names (a batch killed before its manifest, segments merged by compaction), and per-document
        files of the old layout once migrated. Call under the run lock."""
        n = 0
        for tmp in self.root.glob("*/.*.tmp"):
            tmp.unlink(missing_ok=True)
            n += 1
        if not self.manifest_path.exists():
            return n
        live = self.segments()
        for name in SCHEMAS:
            for p in (self.root / name).glob("*.parquet"):
                if p.name != "_empty.parquet" and p.stem not in live:
                    p.unlink(missing_ok=True)
                    n += 1
        return n

    # --- landing documents ------------------------------------------------------------------------
    def landed(self, doc_id: str) -> tuple[str, str] | None:
        """(doc_kind, parser_version) a document was landed with, None when it was never landed."""
        e = self.manifest.get(doc_id)
        if self._batch is not None and doc_id in self._batch.entries:
            e = self._batch.entries[doc_id]
        return (e["doc_kind"], e["parser_version"]) if e and e["status"] == "parsed" else None

    def known_file(self, path: str, size: int, mtime_ns: int) -> tuple[str, str, str] | None:
        """(doc_kind, parser_version, doc_id) of the document last landed from this very file, when
        its size and modification time are unchanged; None otherwise (then its bytes decide)."""
        if self._files is None:
            self._files = {e["source_path"]: e for e in self.manifest.values() if e.get("source_path")}
        e = self._files.get(path)
        if e and e["status"] == "parsed" and e["size_bytes"] == size and e["mtime_ns"] == mtime_ns:
            return e["doc_kind"], e["parser_version"], e["key"]
        return None

    def stage_document(self, doc_id: str, document: dict, tables: dict, mtime_ns: int | None = None) -> Staged:
        """Serialise one document's records (safe in a worker process: nothing visible changes)."""
        tables = to_arrow(tables)
        tables["documents"] = pa.Table.from_pylist([document], schema=SCHEMAS["documents"])
        entry = {"key": doc_id, "status": "parsed", "doc_kind": document.get("doc_kind"),
                 "parser_version": document.get("parser_version"), "reason": None,
                 "source_path": document.get("source_path"), "size_bytes": document.get("size_bytes"), "mtime_ns": mtime_ns}
        return Staged({n: t for n, t in tables.items() if t.num_rows}, entry)

    def commit(self, doc_id: str, staged: Staged) -> None:
        """Add a staged document to the current batch; it becomes visible when the batch is flushed
        (every SEGMENT_DOCS documents, and at the end of an ingest)."""
        if self._batch is None:
            self._batch = _Batch(self.root, self._next_segment())
        self._batch.add(doc_id, staged.tables, {**staged.entry, "segment": self._batch.segment, "batch": self._batch.segment})
        if len(self._batch.entries) >= SEGMENT_DOCS:
            self.flush()

    def write_reject(self, reject: dict) -> None:
        rid, reason = reject["reject_id"], f"{reject['stage']}: {reject['reason']}"
        known = self.manifest.get(rid)
        if known and known["status"] == "quarantined" and known.get("reason") == reason:
            return  # quarantined before for the same reason: nothing new to land
        self.commit(rid, Staged({"rejects": pa.Table.from_pylist([reject], schema=SCHEMAS["rejects"])},
                                {"key": rid, "status": "quarantined", "doc_kind": None, "parser_version": None,
                                 "reason": reason}))

    def write_document(self, doc_id: str, document: dict, tables: dict) -> None:
        self.commit(doc_id, self.stage_document(doc_id, document, tables))
        self.flush()

    def flush(self) -> None:
        """Land the current batch: its files renamed into place, then the manifest (the commit point)."""
        batch, self._batch = self._batch, None
        if batch is None:
            return
        try:
            moves = batch.close()
        except BaseException:
            batch.abort()
            raise
        # segments whose every key this batch superseded go with discard_stale
        self._land(moves, {**self.manifest, **batch.entries})

    def abort(self) -> None:
        """Drop the current batch without landing it (its files were only aside)."""
        if self._batch is not None:
            self._batch.abort()
            self._batch = None

    # --- compaction -------------------------------------------------------------------------------
    def compact(self) -> str | None:
        """Merge small segments (fewer than SEGMENT_DOCS / 2 current keys) once there are COMPACT_MIN
        of them, together with any segment whose rows are mostly superseded, into one new segment.
        Only current rows are copied; the manifest's rename switches readers over; the old files are
        removed after. Returns the new segment, None when nothing needed merging."""
        live: dict[str, int] = {}
        for e in self.manifest.values():
            live[e["segment"]] = live.get(e["segment"], 0) + 1
        small = {s for s, n in live.items() if n < SEGMENT_DOCS // 2}
        stale = set()
        for s, n in live.items():
            landed = sum(pq.read_metadata(self.root / t / f"{s}.parquet").num_rows for t in ("documents", "rejects"))
            if 2 * n < landed:
                stale.add(s)
        chosen = (small if len(small) >= COMPACT_MIN else set()) | stale
        if not chosen or (len(chosen) == 1 and not stale):
            return None
        segment = self._next_segment()

        def current(name: str) -> str:
            files = "[" + ", ".join(_sql_str(self.root / name / f"{s}.parquet") for s in sorted(chosen)) + "]"
            return visible_rows_sql(self.root, name, files)

        moves = self._copy_into(segment, current)
        self._land(moves, {k: ({**e, "segment": segment} if e["segment"] in chosen else e) for k, e in self.manifest.items()})
        return segment

    def scan_sql(self, table: str) -> str:
        """SQL for the current rows of one raw table (what dbt reads)."""
        return visible_rows_sql(self.root, table)
