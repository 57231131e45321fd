"""Ingest: every input file ends up landed as raw Parquet or quarantined with a reason."""
from __future__ import annotations

import hashlib
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from loaders.classify import DEPARTMENT_EVALUATION, FINAL_ACCOUNTS, PROJECT_EVALUATION, classify
from loaders.model import DocumentError, SourceDoc
from loaders.parsers import evaluations, final_accounts
from loaders.readers import SUPPORTED_SUFFIXES, doc_id_of, read_document
from loaders.units import admin_level_and_region, unit_id_of
from loaders.writer import RawStore


@dataclass
class Outcome:
    path: str
    status: str  # parsed | skipped | quarantined
    doc_id: str | None = None
    doc_kind: str | None = None
    facts: int = 0
    reason: str | None = None


@dataclass
class IngestSummary:
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def facts(self) -> int:
        return sum(o.facts for o in self.outcomes)


def _parse_final_accounts(doc: SourceDoc) -> tuple[dict, dict[str, list[dict]]]:
    parsed = final_accounts.parse_final_accounts(doc)
    fields = {"unit_name": parsed.unit_name, "fiscal_year": parsed.fiscal_year, "amount_unit": parsed.amount_unit,
              "n_tables": len(parsed.tables), "n_cells": len(parsed.cells), "warnings": "\n".join(parsed.warnings)}
    tables = {"fa_tables": parsed.tables, "final_account_cells": parsed.cells, "narrative_figures": parsed.narrative}
    # self-evaluation forms attached to the final accounts land in the same write
    tables.update(evaluations.to_tables(evaluations.parse_evaluations(doc)))
    return fields, tables


def _parse_evaluation_doc(doc: SourceDoc) -> tuple[dict, dict[str, list[dict]]]:
    records = evaluations.parse_evaluations(doc)
    if not records:
        raise DocumentError("parse", "classified as a performance self-evaluation, but no evaluation form "
                                     "(province, city, county or department layout) could be parsed")
    return evaluations.summary_fields(records), evaluations.to_tables(records)


_EVAL_VERSION = f"{evaluations.PARSER_NAME}-{evaluations.PARSER_VERSION}"


# document kind -> (parser name, parser version, parse function). A kind that is recognised but
# has no parser yet is quarantined as "not yet supported".
PARSERS: dict[str, tuple[str, str, Callable]] = {
    FINAL_ACCOUNTS: (final_accounts.PARSER_NAME, f"{final_accounts.PARSER_VERSION}+{_EVAL_VERSION}", _parse_final_accounts),
    PROJECT_EVALUATION: (evaluations.PARSER_NAME, _EVAL_VERSION, _parse_evaluation_doc),
    DEPARTMENT_EVALUATION: (evaluations.PARSER_NAME, _EVAL_VERSION, _parse_evaluation_doc),
}

KIND_NAMES = {"final_accounts": "决算公开 final accounts", "project_evaluation": "项目绩效自评 project self-evaluation",
              "department_evaluation": "部门整体绩效自评 department self-evaluation"}


def expand_inputs(paths: Iterable[Path]) -> list[Path]:
    """Files named, and files under folders named (recursively), in a stable order."""
    out: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and not f.name.startswith(".")))
        else:
            out.append(p)
    return out


def ingest_file(path: Path, store: RawStore) -> Outcome:
    try:
        data = path.read_bytes()
    except OSError as e:
        rid = hashlib.sha256(str(path).encode()).hexdigest()
        return _quarantine(store, path, rid, None, "read", f"the file cannot be opened: {e.strerror or e}", "", 0)
    doc_id = doc_id_of(data)
    suffix = path.suffix.lower()
    fmt = suffix.lstrip(".") if suffix in SUPPORTED_SUFFIXES else (suffix.lstrip(".") or None)
    kind = None
    try:
        doc = read_document(path, data)
        kind = classify(doc)
        if kind is None:
            raise DocumentError("classify", "not a fiscal document: no final-accounts tables or self-evaluation form found")
        if kind not in PARSERS:
            raise DocumentError("parse", f"{KIND_NAMES.get(kind, kind)} documents are recognised but not yet supported")
        name, version, parse = PARSERS[kind]
        if store.landed_version(doc_id) == version:
            return Outcome(str(path), "skipped", doc_id, kind)
        fields, tables = parse(doc)
        level, region = admin_level_and_region(fields.get("unit_name"))
        document = {
            "doc_id": doc_id, "source_path": str(path), "source_name": path.name, "file_format": doc.file_format,
            "doc_kind": kind, "unit_code": fields.pop("unit_code", None), "unit_id": unit_id_of(fields.get("unit_name")),
            "admin_level": level, "region": region, "parser": name, "parser_version": version, "status": "parsed",
            "pages": doc.pages, "size_bytes": len(data), **fields,
        }
        store.write_document(doc_id, document, tables)
        return Outcome(str(path), "parsed", doc_id, kind, fields.get("n_cells", 0))
    except DocumentError as e:
        return _quarantine(store, path, doc_id, fmt, e.stage, e.reason, e.detail, len(data), kind)
    except Exception as e:  # a run never dies on one bad document
        return _quarantine(store, path, doc_id, fmt, "internal", f"unexpected error while parsing: {type(e).__name__}: {e}",
                           traceback.format_exc(limit=8), len(data), kind)


def _quarantine(store: RawStore, path: Path, rid: str, fmt: str | None, stage: str, reason: str, detail: str,
                size: int, kind: str | None = None) -> Outcome:
    store.write_reject({"reject_id": rid, "doc_id": rid if len(rid) == 64 and fmt is not None else None,
                        "source_path": str(path), "source_name": path.name, "file_format": fmt, "stage": stage,
                        "reason": reason, "detail": detail, "size_bytes": size})
    return Outcome(str(path), "quarantined", rid, kind, 0, reason)


def ingest(paths: Iterable[Path], home: Path, on_progress: Callable[[Outcome], None] | None = None) -> IngestSummary:
    store = RawStore(home)
    store.ensure()
    summary = IngestSummary()
    for f in expand_inputs(paths):
        outcome = ingest_file(f, store)
        summary.outcomes.append(outcome)
        if on_progress:
            on_progress(outcome)
    return summary
