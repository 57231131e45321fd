"""The one writer: lands parsed records as Parquet under `<home>/raw/<table>/<key>.parquet`.

Each document's records go to files named by its doc_id, written aside and renamed into place, so a
crash leaves either the old file or the new one, never half of one. The `documents` file is written
last: a document counts as landed only once it exists. Every table also has an `_empty.parquet`
with its schema so readers always find the columns even before the first document.
"""
from __future__ import annotations

import os
import uuid
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
    ]),
    "eval_indicators": pa.schema([
        ("eval_id", S), ("doc_id", S), ("seq", I), ("level1", S), ("level2", S), ("indicator_name", S),
        ("target_initial_text", S), ("target_text", S), ("actual_text", S), ("comparator", S),
        ("target_value", DEC), ("target_value_high", DEC), ("actual_value", DEC), ("value_unit", S),
        ("weight", DEC), ("weight_text", S), ("score", DEC), ("score_text", S), ("completion_text", S),
        ("is_achieved", B), ("deviation_reason", S), ("aligned", B), ("page", I), ("line", I), ("source_ref", S),
    ]),
    "eval_score_items": pa.schema([
        ("eval_id", S), ("doc_id", S), ("seq", I), ("section", S), ("criterion", S), ("sub_criterion", S),
        ("weight", DEC), ("weight_text", S), ("score", DEC), ("score_text", S), ("note", S), ("page", I),
        ("line", I), ("source_ref", S),
        # added with the parsers: False when the row was rebuilt from column runs whose counts disagree
        ("aligned", B),
    ]),
    "rejects": pa.schema([
        ("reject_id", S), ("doc_id", S), ("source_path", S), ("source_name", S), ("file_format", S),
        ("stage", S), ("reason", S), ("detail", S), ("size_bytes", I64),
    ]),
}

DOCUMENT_TABLES = [t for t in SCHEMAS if t not in ("documents", "rejects")]


def _write_aside(table: pa.Table, path: Path) -> Path:
    """Write `table` next to `path` under a hidden temporary name (never matched by `*.parquet`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    # snappy: the files are small and zstd's per-file set-up cost doubled the writing time
    pq.write_table(table, tmp, compression="snappy")
    return tmp


def _atomic_write(table: pa.Table, path: Path) -> None:
    os.replace(_write_aside(table, path), path)


def to_arrow(tables: dict) -> dict[str, pa.Table]:
    """Rows (lists of dicts) as Arrow tables with the raw schemas; Arrow tables pass through."""
    return {name: rows if isinstance(rows, pa.Table) else pa.Table.from_pylist(rows, schema=SCHEMAS[name])
            for name, rows in tables.items() if name in SCHEMAS}


class RawStore:
    def __init__(self, home: Path):
        self.root = Path(home) / "raw"

    def ensure(self) -> None:
        for name, schema in SCHEMAS.items():
            path = self.root / name / "_empty.parquet"
            # rewritten when the schema gained columns: the empty file is what carries them
            if not path.exists() or not pq.read_schema(path).equals(schema, check_metadata=False):
                _atomic_write(schema.empty_table(), path)

    def _path(self, table: str, key: str) -> Path:
        return self.root / table / f"{key}.parquet"

    def landed(self, doc_id: str) -> tuple[str, str] | None:
        """(doc_kind, parser_version) a document was landed with, None when it was never landed."""
        path = self._path("documents", doc_id)
        if not path.exists():
            return None
        t = pq.read_table(path, columns=["doc_kind", "parser_version"])
        return (t.column(0)[0].as_py(), t.column(1)[0].as_py()) if t.num_rows else None

    def stage_document(self, doc_id: str, document: dict, tables: dict) -> list[tuple[Path | None, Path]]:
        """Serialise one document's files aside (safe in a worker process: nothing visible changes).
        Returns the moves that land it, `documents` last; (None, path) removes a file an earlier
        parser version left for a table that now has no rows (the `_empty` file carries the schema)."""
        tables = to_arrow(tables)
        moves: list[tuple[Path | None, Path]] = []
        for name in DOCUMENT_TABLES:
            path = self._path(name, doc_id)
            table = tables.get(name)
            if table is None or table.num_rows == 0:
                moves.append((None, path))
            else:
                moves.append((_write_aside(table, path), path))
        path = self._path("documents", doc_id)
        moves.append((_write_aside(pa.Table.from_pylist([document], schema=SCHEMAS["documents"]), path), path))
        return moves

    def commit(self, doc_id: str, moves: list[tuple[Path | None, Path]]) -> None:
        """Land a staged document by renames, in order: a crash leaves the old document or the new one."""
        for tmp, path in moves:
            if tmp is None:
                path.unlink(missing_ok=True)
            else:
                os.replace(tmp, path)
        self.clear_reject(doc_id)

    def write_document(self, doc_id: str, document: dict, tables: dict) -> None:
        self.commit(doc_id, self.stage_document(doc_id, document, tables))

    def discard_stale(self) -> int:
        """Remove files written aside by a run that died before landing them."""
        n = 0
        for tmp in self.root.glob("*/.*.tmp"):
            tmp.unlink(missing_ok=True)
            n += 1
        return n

    def write_reject(self, reject: dict) -> None:
        _atomic_write(pa.Table.from_pylist([reject], schema=SCHEMAS["rejects"]), self._path("rejects", reject["reject_id"]))

    def clear_reject(self, reject_id: str) -> None:
        path = self._path("rejects", reject_id)
        if path.exists():
            path.unlink()
