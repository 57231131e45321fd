"""Ingest: every input file ends up landed as raw Parquet or quarantined with a reason."""
from __future__ import annotations

import hashlib
import multiprocessing
import os
import re
import signal
import traceback
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import pyarrow as pa

from loaders.classify import (BUDGET, DEPARTMENT_EVALUATION, EVALUATION_REPORT, FINAL_ACCOUNTS, PROJECT_EVALUATION,
                              classify)
from loaders.model import DocumentError, SourceDoc, squash
from loaders.parsers import evaluations, final_accounts, narrative
from loaders.readers import READERS, doc_id_of, read_document
from loaders.units import admin_level_and_region, unit_id_of
from loaders.writer import RawStore, Staged


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


def _parse_tables_doc(doc: SourceDoc, kind: str) -> tuple[dict, dict[str, list[dict]]]:
    """A 决算 or 预算 document: its tables (one raw table of cells for both kinds, told apart by the
    document's doc_kind), its 说明 figures, and the self-evaluation forms attached to it."""
    parsed = final_accounts.parse_final_accounts(doc, kind)
    fields = {"unit_name": parsed.unit_name, "fiscal_year": parsed.fiscal_year, "amount_unit": parsed.amount_unit,
              "n_tables": len(parsed.tables), "n_cells": len(parsed.cells), "warnings": "\n".join(parsed.warnings)}
    tables = {"fa_tables": parsed.tables, "final_account_cells": parsed.cells, "narrative_figures": parsed.narrative,
              "narrative_defects": parsed.defects}
    # self-evaluation forms attached to the final accounts, and a budget's 绩效目标表 (targets, no
    # actuals), land in the same write: the evaluation marts keyed to this document
    forms = evaluations.parse_evaluations(doc)
    if kind == BUDGET:
        forms, unread = _budget_target_forms(forms)
        if unread:
            fields["warnings"] = "\n".join(filter(None, [fields["warnings"], unread]))
    tables.update(evaluations.to_tables(forms))
    return fields, tables


def _budget_target_forms(forms: list) -> tuple[list, str]:
    """A budget's 绩效目标表 land as targets only: a form whose every indicator row has its target read
    (and nothing read as an actual or a score). Another form (a layout whose columns were not all
    placed) lands nothing rather than an indicator without its target; the warning names it."""
    kept, dropped = [], []
    for rec in forms:
        inds = rec.indicators
        if inds and all(i["target_text"] and not i["actual_text"] and i.get("score_text") is None for i in inds):
            kept.append(rec)
        else:
            dropped.append(rec.evaluation.get("source_ref") or "?")
    unread = (f"绩效目标表 not read (a target not placed in every indicator row): {', '.join(dropped)}"
              if dropped else "")
    return [evaluations.finish(rec.evaluation["doc_id"], n, rec) for n, rec in enumerate(kept, start=1)], unread


def _parse_final_accounts(doc: SourceDoc) -> tuple[dict, dict[str, list[dict]]]:
    return _parse_tables_doc(doc, FINAL_ACCOUNTS)


def _parse_evaluation_doc(doc: SourceDoc) -> tuple[dict, dict[str, list[dict]]]:
    records = evaluations.parse_evaluations(doc)
    if not records:
        raise DocumentError("parse", "classified as a performance self-evaluation, but no evaluation form "
                                     "(funds block, indicator table or total score) could be read")
    return (evaluations.summary_fields(records),
            {**evaluations.to_tables(records), "narrative_defects": evaluations.defects(doc, records)})


def _parse_budget(doc: SourceDoc) -> tuple[dict, dict[str, list[dict]]]:
    """A 预算公开: its tables (收支预算总表 …) and 说明, or a 预算 说明 published alone (its figures)."""
    if final_accounts.find_tables(doc):
        return _parse_tables_doc(doc, BUDGET)
    lines = doc.nonblank()
    year = narrative.narrative_year(lines)
    figures = narrative.parse_narrative(doc, lines, year, BUDGET)
    if not figures:
        raise DocumentError("parse", "classified as a budget narrative (预算说明), but no figure was found")
    return ({"unit_name": _budget_unit_name(lines) or final_accounts.unit_from_cover(doc, BUDGET) or final_accounts.unit_from_cover(doc),
             "fiscal_year": year, "amount_unit": "万元", "n_tables": 0, "n_cells": 0, "warnings": ""},
            {"narrative_figures": figures, "narrative_defects": narrative.publication_defects(doc, lines, year, BUDGET)})


# a budget's cover title: [name] [20XX年(度)] [name] (部门|单位)预算[信息][公开][情况][编制][说明]
_BUDGET_TITLE = re.compile(r"^(?:(.*?)20\d{2}年度?)?(.*?)(?:部门|单位)?预算(?:信息)?(?:公开)?(?:情况)?(?:编制)?(?:公开)?(?:说明)?$")


def _budget_unit_name(lines) -> str | None:
    """The unit a budget names near its top: on a labelled line (预算单位：X, 单位名称：X, 编制单位：X),
    else in its cover title (`2026年X部门预算`, `X2026年预算公开`) or on the lines above a title that
    names none (`X` / `2026年部门预算情况说明`)."""
    top = lines[:40]
    for ln in top:
        for text in ln.texts:
            m = final_accounts._UNIT_NAME.match(squash(text))
            if m and not re.match(r"^(?:万元|元|千元|亿元)", m.group(1)):  # 单位：万元 is the amount unit
                return m.group(1)
    for i, ln in enumerate(top[:12]):
        m = _BUDGET_TITLE.match(ln.squashed)
        if not m:
            continue
        for name in (m.group(1) or "", m.group(2)):
            name = re.sub(r"(?:部门|单位)$", "", name)
            if final_accounts._NAME_PART.match(name) and not re.search(r"预算|决算|目录", name) \
                    and (final_accounts._NAME_END.search(name) or name.endswith("机关")):
                return name
        if not ((m.group(1) or "") + m.group(2)).strip():
            name = final_accounts._name_above(top, i)
            if name and (final_accounts._NAME_END.search(name) or name.endswith("机关")):
                return name
    return None


_EVAL_VERSION = f"{evaluations.PARSER_NAME}-{evaluations.PARSER_VERSION}"


# document kind -> (parser name, parser version, parse function). A kind that is recognised but
# has no parser yet is quarantined as "not yet supported".
PARSERS: dict[str, tuple[str, str, Callable]] = {
    FINAL_ACCOUNTS: (final_accounts.PARSER_NAME, f"{final_accounts.PARSER_VERSION}+{_EVAL_VERSION}+narrative-{narrative.PARSER_VERSION}",
                     _parse_final_accounts),
    PROJECT_EVALUATION: (evaluations.PARSER_NAME, _EVAL_VERSION, _parse_evaluation_doc),
    DEPARTMENT_EVALUATION: (evaluations.PARSER_NAME, _EVAL_VERSION, _parse_evaluation_doc),
    EVALUATION_REPORT: (evaluations.PARSER_NAME, _EVAL_VERSION, _parse_evaluation_doc),
    BUDGET: (final_accounts.PARSER_NAME, f"budget-{final_accounts.PARSER_VERSION}+{_EVAL_VERSION}+narrative-{narrative.PARSER_VERSION}+unit-cover",
             _parse_budget),
}

KIND_NAMES = {"final_accounts": "决算公开 final accounts", "project_evaluation": "项目绩效自评 project self-evaluation",
              "department_evaluation": "部门整体绩效自评 department self-evaluation",
              "evaluation_report": "绩效评价报告 performance evaluation report",
              "budget": "预算公开 budget disclosure"}


def expand_inputs(paths: Iterable[Path]) -> list[Path]:
    """Files named, and files under folders named (recursively), in a stable order."""
    out: list[Path] = []
    for p in paths:
        p = Path(p)
        out.extend(_files_under(p) if p.is_dir() else [p])
    return out


def _files_under(folder: Path) -> list[Path]:
    """The files under a folder (not hidden ones; symbolic links to folders not followed), sorted as
    paths sort (part by part). os.scandir, not Path.rglob + is_file: the entries' types come with the
    listing instead of a stat per file (a third of a second for 20,000 files)."""
    found: list[str] = []
    stack = [str(folder)]
    while stack:
        try:
            with os.scandir(stack.pop()) as entries:
                for e in entries:
                    if e.is_dir(follow_symlinks=False):
                        stack.append(e.path)
                    elif not e.name.startswith(".") and e.is_file():
                        found.append(e.path)
        except PermissionError:  # as rglob: an unreadable folder is passed over
            continue
    return [Path(f) for f in sorted(found, key=lambda f: f.split(os.sep))]


# Per-document limits: a document over either is quarantined with the limit in its reason, and the
# run goes on. Both can be changed by the environment (FDW_MAX_DOC_MB, FDW_MAX_PARSE_SECONDS).
MAX_DOC_BYTES = int(float(os.environ.get("FDW_MAX_DOC_MB", "50")) * 1024 * 1024)
MAX_PARSE_SECONDS = float(os.environ.get("FDW_MAX_PARSE_SECONDS", "60"))


@dataclass
class Parsed(Outcome):
    """What parsing one file produced, before anything is visible: the outcome plus what the writer lands."""
    staged: Staged | None = None  # the records, landed by the writer (RawStore.commit)
    reject: dict | None = None


class _Timeout(BaseException):
    """Raised inside a parse that ran past MAX_PARSE_SECONDS (a BaseException so no parser swallows it)."""


@contextmanager
def _time_limit(seconds: float):
    """SIGALRM-based limit; a no-op where signals cannot be used (not the main thread)."""
    def _raise(signum, frame):
        raise _Timeout()

    try:
        old = signal.signal(signal.SIGALRM, _raise)
    except ValueError:  # not in the main thread
        yield
        return
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _fmt_of(path: Path) -> str | None:
    """The format a quarantined file is recorded with: the reader's name for it (.htm -> html)."""
    suffix = path.suffix.lower()
    return READERS[suffix][0] if suffix in READERS else (suffix.lstrip(".") or None)


def _reject(path: Path, rid: str, fmt: str | None, stage: str, reason: str, detail: str, size: int,
            kind: str | None = None) -> Parsed:
    reject = {"reject_id": rid, "doc_id": rid if len(rid) == 64 and fmt is not None else None,
              "source_path": str(path), "source_name": path.name, "file_format": fmt, "stage": stage,
              "reason": reason, "detail": detail, "size_bytes": size}
    return Parsed(str(path), "quarantined", rid, kind, reason=reason, reject=reject)


def _known_unchanged(path: Path, st: os.stat_result, store: RawStore) -> Parsed | None:
    """The file landed before, unchanged (same path, size and modification time) with the current
    parser version: skipped unread. None otherwise."""
    known = store.known_file(str(path), st.st_size, st.st_mtime_ns)
    if known and known[0] in PARSERS and PARSERS[known[0]][1] == known[1]:
        return Parsed(str(path), "skipped", known[2], known[0])
    return None


def _skipped_unread(path: Path, store: RawStore) -> Parsed | None:
    try:
        return _known_unchanged(path, path.stat(), store)
    except OSError:  # parse_file says why
        return None


def parse_file(path: Path, store: RawStore) -> Parsed:
    """Read, classify and parse one file, and serialise its records aside (safe in a worker process:
    nothing visible changes until the writer commits). `store` is read to skip a document already
    landed with the current parser version."""
    path = Path(path)
    try:
        st = path.stat()
        size = st.st_size
        if (skipped := _known_unchanged(path, st, store)) is not None:
            return skipped
        if size > MAX_DOC_BYTES:
            rid = hashlib.sha256(str(path).encode()).hexdigest()
            return _reject(path, rid, _fmt_of(path), "limit",
                           f"the file is larger than the {MAX_DOC_BYTES / 1024 / 1024:g} MB limit "
                           f"({size / 1024 / 1024:.1f} MB)", "", size)
        data = path.read_bytes()
    except OSError as e:
        rid = hashlib.sha256(str(path).encode()).hexdigest()
        return _reject(path, rid, None, "read", f"the file cannot be opened: {e.strerror or e}", "", 0)
    doc_id = doc_id_of(data)
    fmt = _fmt_of(path)
    landed = store.landed(doc_id)
    if landed and landed[0] in PARSERS and PARSERS[landed[0]][1] == landed[1]:
        # known bytes, same parser version: skipped before reading (the kind follows from the bytes)
        return Parsed(str(path), "skipped", doc_id, landed[0])
    kind = None
    try:
        with _time_limit(MAX_PARSE_SECONDS):
            doc = read_document(path, data)
            kind = classify(doc)
            if kind is None:
                raise DocumentError("classify", "not a fiscal document: no 决算 or 预算 table title, 说明 figure or self-evaluation form found")
            if kind not in PARSERS:
                raise DocumentError("parse", f"{KIND_NAMES.get(kind, kind)} documents are recognised but not yet supported")
            name, version, parse = PARSERS[kind]
            fields, tables = parse(doc)
        level, region = admin_level_and_region(fields.get("unit_name"))
        document = {
            "doc_id": doc_id, "source_path": str(path), "source_name": path.name, "file_format": doc.file_format,
            "doc_kind": kind, "unit_code": fields.pop("unit_code", None), "unit_id": unit_id_of(fields.get("unit_name")),
            "admin_level": level, "region": region, "parser": name, "parser_version": version, "status": "parsed",
            "pages": doc.pages, "size_bytes": len(data), "text_source": doc.text_source, **fields,
        }
        return Parsed(str(path), "parsed", doc_id, kind, fields.get("n_cells", 0),
                      staged=store.stage_document(doc_id, document, tables, st.st_mtime_ns))
    except _Timeout:
        return _reject(path, doc_id, fmt, "limit", f"parsing took longer than the {MAX_PARSE_SECONDS:g} s limit",
                       "", len(data), kind)
    except DocumentError as e:
        return _reject(path, doc_id, fmt, e.stage, e.reason, e.detail, len(data), kind)
    except Exception as e:  # a run never dies on one bad document
        return _reject(path, doc_id, fmt, "internal", f"unexpected error while parsing: {type(e).__name__}: {e}",
                       traceback.format_exc(limit=8), len(data), kind)


def write_parsed(result: Parsed, store: RawStore) -> Outcome:
    """The one writer: lands a parse result (or its quarantine) and says what happened."""
    if result.status == "parsed":
        if store.landed(result.doc_id) == (result.doc_kind, result.staged.entry["parser_version"]):
            # the same bytes given twice in one run: landed by the first
            return Outcome(result.path, "skipped", result.doc_id, result.doc_kind)
        store.commit(result.doc_id, result.staged)
    elif result.status == "quarantined":
        store.write_reject(result.reject)
    return Outcome(result.path, result.status, result.doc_id, result.doc_kind, result.facts, result.reason)


def ingest_file(path: Path, store: RawStore) -> Outcome:
    outcome = write_parsed(parse_file(path, store), store)
    store.flush()
    return outcome


_worker_store: RawStore | None = None


def _init_worker(home: str) -> None:
    global _worker_store
    _worker_store = RawStore(Path(home))
    from loaders.readers import ocr

    ocr.PAGE_WORKERS = 1  # the pool already runs one document per core: a scan's pages go one by one


# Documents a worker parses per task. Their records go back to the writer as one Arrow table per raw
# table: pickling a document's own small tables (about five) cost more CPU in the worker and in the
# writer's result thread than parsing it (issue 13's ingest profile).
PACK_DOCS = 16

# A parse worker repays its start (the fork, the tables shipped back) only with enough documents, and in
# `fdw run` the dbt process starting alongside (importing dbt, parsing the project) needs a core during
# the ingest: a second worker for a hundred documents only took that core from it (issue 13: 100 new
# documents among 20,000 known ones, the ingest 1.2 → 0.9 s and the whole incremental run 0.4 s shorter).
MIN_DOCS_PER_WORKER = 100


def pool_size(workers: int, documents: int) -> int:
    """Parse processes for `documents` documents to parse: at most `workers`, one per
    MIN_DOCS_PER_WORKER; 1 means parsed in this process (no pool)."""
    return max(1, min(workers, documents // MIN_DOCS_PER_WORKER))


def _pack(results: list[Parsed]) -> tuple[list[Parsed], dict[str, pa.Table]]:
    """The results with each document's tables replaced by (offset, rows) into one table per raw table."""
    parts: dict[str, list[pa.Table]] = {}
    sizes: dict[str, int] = {}
    for r in results:
        if r.staged is None:
            continue
        spans = {}
        for name, table in r.staged.tables.items():
            spans[name] = (sizes.get(name, 0), table.num_rows)
            parts.setdefault(name, []).append(table)
            sizes[name] = sizes.get(name, 0) + table.num_rows
        r.staged.tables = spans
    return results, {name: pa.concat_tables(ts).combine_chunks() for name, ts in parts.items()}


def _unpack(results: list[Parsed], tables: dict[str, pa.Table]) -> list[Parsed]:
    """The inverse of `_pack`: each document's tables as zero-copy slices of the shared ones."""
    for r in results:
        if r.staged is not None:
            r.staged.tables = {name: tables[name].slice(offset, rows) for name, (offset, rows) in r.staged.tables.items()}
    return results


def _parse_in_worker(paths: list[Path]) -> tuple[list[Parsed], dict[str, pa.Table]]:
    return _pack([parse_file(path, _worker_store) for path in paths])


def default_workers() -> int:
    return int(os.environ.get("FDW_WORKERS") or os.cpu_count() or 1)


def ingest(paths: Iterable[Path], home: Path, on_progress: Callable[[Outcome], None] | None = None,
           workers: int | None = None, engine: str = "duckdb") -> IngestSummary:
    """Parse every file (in `workers` processes, or as Spark tasks for engine spark) and land each
    result through the one writer, in input order: the raw data do not depend on which worker finished
    first."""
    store = RawStore(home)
    store.ensure()
    store.discard_stale()
    store.manifest  # read once, before the workers fork
    summary = IngestSummary()
    files = expand_inputs(paths)
    workers = default_workers() if workers is None else workers
    # files landed before and unchanged are skipped here, unread, without a trip to a worker: a daily
    # run over a growing folder is mostly those (issue 13: 20,000 known files cost a second of IPC)
    known = [_skipped_unread(f, store) for f in files]
    todo = [f for f, k in zip(files, known) if k is None]
    pool = None
    if engine == "spark":  # parse_file in Spark tasks (mapPartitions), results back in input order
        from loaders.spark import parse_files

        parsed = iter(parse_files(todo, home)) if todo else iter(())
    elif pool_size(workers, len(todo)) <= 1:
        parsed = (parse_file(f, store) for f in todo)
    else:
        pool = multiprocessing.get_context("fork").Pool(pool_size(workers, len(todo)), initializer=_init_worker,
                                                        initargs=(str(home),))
        packs = pool.imap(_parse_in_worker, [todo[i:i + PACK_DOCS] for i in range(0, len(todo), PACK_DOCS)])
        parsed = (r for pack in packs for r in _unpack(*pack))
    results = (k if k is not None else next(parsed) for k in known)  # input order
    try:
        for result in results:
            outcome = write_parsed(result, store)
            summary.outcomes.append(outcome)
            if on_progress:
                on_progress(outcome)
        store.flush()
    except BaseException:
        store.abort()  # the unfinished batch was only aside: its documents are parsed again next time
        raise
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
    store.compact()
    return summary
