"""Runs the identity rules of `rules.yaml` on a built warehouse with Great Expectations.

How GE meets DuckDB here: GE's SQL path is broken on DuckDB files (rows are fetched after the
connection closes, every expectation fails with `list index out of range`), so the rules' SQL runs
in DuckDB and its instances reach GE as a pandas dataframe via Arrow; GE's dataframe source then
decides, per instance, whether the identity holds. Two expectations per rule:
  - `excess` (the shortfall beyond the rounding envelope) <= 0, else a violation (rule severity);
  - `shortfall` <= 0, else, when within the envelope, a rounding hint.
Rules that are not sums (comparison `flag`: a grade against its score, an indicator that misses its
target with full marks) return a 0/1 `flag` per instance; the shortfall is that flag and the envelope
0, so GE decides them the same way. A check may carry its own severity (e.g. a warning-only check of
an error rule); flag checks may return `expected_printed` (what the rule expects, as text).
Findings land in the warehouse (`dq_findings`, `dq_rule_results`) after dbt has exited.
No rule's instances are held whole in Python (issue 13): a rule's instances are kept once in a DuckDB
temp table (within DuckDB's memory limit, spilled past it), GE decides them in chunks of
FDW_CHECK_CHUNK_ROWS rows, and the findings and the checkpoint's batch (Parquet files per suite, beside
the warehouse file: `<warehouse>.checks/`) are written chunk by chunk (class Sink).
On Spark (`fdw check --engine spark`, run_checks(spark_tables=…)): the same templates, translated to
Spark SQL (dialect.py), run over the Spark-built Parquet tables and GE decides on its Spark execution
engine (spark_checks.py); its `decided` outcome per rule goes through the same Sink.
"""
from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
import jinja2
import pandas as pd
import pyarrow as pa

from expectations.dialect import translate
from loaders.reference import load_yaml

HERE = Path(__file__).resolve().parent
RULES_PATH = HERE / "rules.yaml"
TEMPLATES = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "rules"), undefined=jinja2.StrictUndefined,
                               keep_trailing_newline=True)

SEVERITIES = ("error", "warning", "hint")
# An amount read by OCR with a recognition score below this is doubtful: flagged in the report, and an
# identity that fails on it is a warning to look at (the digit may be misread), not a confident error.
OCR_DOUBTFUL_BELOW = float(os.environ.get("FDW_OCR_DOUBTFUL_BELOW", "0.9"))

KINDS = ("table", "narrative", "consistency", "completeness", "publication")
# The checks stream a rule's instances in chunks of this many rows (GE's decisions, the findings and the
# checkpoint's Parquet batch): the checks' memory is bounded by it, whatever the corpus size (issue 13).
CHUNK_ROWS = int(os.environ.get("FDW_CHECK_CHUNK_ROWS") or 100_000)
# columns a template may leave out: what they mean when left out (a present but NULL checkable is false)
DEFAULTS = (("checkable", "true"), ("not_checkable_reason", "cast(null as varchar)"), ("sentence", "cast(null as varchar)"))


@dataclass
class Rule:
    id: str
    title_zh: str
    title_en: str
    formula: str
    comparison: str  # eq | ge | flag
    tolerance: str  # rounding | none
    severity: str  # error | warning
    checks: list[dict]
    value_column: str = "amount_wan"
    # the mart of printed table amounts the table templates read: the 决算's, or the 预算's for the
    # BU rules, which apply the FA identities (`checks_of`) to the budget tables
    lines_model: str = "fct_final_account_lines"
    kind: str = "table"  # table (arithmetic inside tables and forms) | narrative | consistency | completeness | publication

    def sql(self, check: dict, engine: str = "duckdb") -> str:
        """The check's template rendered; in Spark SQL for engine spark (expectations/dialect.py)."""
        params = {k: v for k, v in check.items() if k not in ("template", "severity", "formula")}
        params.setdefault("value_column", self.value_column)
        params.setdefault("lines_model", self.lines_model)
        params.setdefault("ocr_doubtful_below", OCR_DOUBTFUL_BELOW)
        return translate(TEMPLATES.get_template(f"{check['template']}.sql").render(**params), engine)

    def instance_sql(self, check: dict, engine: str = "duckdb") -> str:
        """Every instance of one check with its difference, envelope, shortfall and excess."""
        shortfall = {"eq": "abs(difference)", "ge": "greatest(-difference, 0)", "flag": "flag"}[self.comparison]
        tolerance = "tolerance" if self.tolerance == "rounding" and self.comparison != "flag" else "0"
        return f"""
            with i as ({self.sql(check, engine)}),
            d as (select *, coalesce(actual, 0) - coalesce(expected, 0) as difference,
                         cast({tolerance} as decimal(20, 6)) as envelope from i)
            select *, cast({shortfall} as double) as shortfall,
                   cast({shortfall} - envelope as double) as excess
            from d
        """


def load_rules(path: Path = RULES_PATH) -> list[Rule]:
    data = load_yaml(path)
    # a rule may take the checks of another (`checks_of: FA-005`): the same identity, other tables
    by_id = {r["id"]: r for r in data["rules"]}
    rules = [Rule(**{k: v for k, v in r.items() if k != "checks_of"},
                  **({"checks": by_id[r["checks_of"]]["checks"]} if "checks_of" in r else {}))
             for r in data["rules"]]
    ids = [r.id for r in rules]
    dup = {i for i in ids if ids.count(i) > 1}
    if dup:
        raise ValueError(f"rule ids defined twice in {path.name}: {sorted(dup)}")
    for r in rules:
        if r.comparison not in ("eq", "ge", "flag") or r.tolerance not in ("rounding", "none") or r.severity not in SEVERITIES \
                or r.kind not in KINDS:
            raise ValueError(f"{r.id}: bad comparison/tolerance/severity")
        if any(c.get("severity", r.severity) not in SEVERITIES[:2] for c in r.checks):
            raise ValueError(f"{r.id}: bad check severity")
    return rules


def instances(con: duckdb.DuckDBPyConnection, rule: Rule) -> pd.DataFrame:
    """Every instance of the rule in the warehouse, with difference, shortfall and excess, as one
    dataframe (for tests and inspection; the checks stream them, see decide). An instance a template
    marks `checkable = false` (an operand not printed) is kept, with its `not_checkable_reason`, and
    never decided."""
    sql = instances_sql(con, rule)
    return pd.DataFrame(columns=["rule_id", "check_id"]) if sql is None else con.sql(sql).fetch_arrow_table().to_pandas()


class GEValidator:
    """One ephemeral GE context for a run; validates a rule's instances as a dataframe batch: a pandas
    dataframe (GE's pandas execution engine), or for engine spark a Spark dataframe (GE's Spark
    execution engine: the expectation is computed by Spark, only the unexpected check_ids come back)."""

    def __init__(self, engine: str = "duckdb"):
        logging.getLogger("great_expectations").setLevel(logging.ERROR)
        os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        self.gx, self.engine = gx, engine
        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False)
        sources = self.context.data_sources
        source = sources.add_spark("fiscal_dw_checks") if engine == "spark" else sources.add_pandas("fiscal_dw_checks")
        self.batch_definition = source.add_dataframe_asset("rule_instances").add_batch_definition_whole_dataframe("all")

    def failing(self, df, column: str) -> tuple[set[str], dict]:
        """check_ids whose `column` is above 0, as GE's expect_column_values_to_be_between sees it."""
        if self.engine == "spark":
            batch_df = df.select("check_id", column)
            empty = batch_df.isEmpty()
        else:
            batch_df, empty = (None if df.empty else df[["check_id", column]]), df.empty
        if empty:
            return set(), {"success": True, "unexpected_count": 0}
        batch = self.batch_definition.get_batch(batch_parameters={"dataframe": batch_df})
        expectation = self.gx.expectations.ExpectColumnValuesToBeBetween(column=column, max_value=0)
        result = batch.validate(expectation, result_format={"result_format": "COMPLETE",
                                                            "unexpected_index_column_names": ["check_id"]})
        ids = {row["check_id"] for row in (result.result.get("unexpected_index_list") or [])}
        return ids, {"success": bool(result.success), "unexpected_count": result.result.get("unexpected_count", 0)}


def _fmt(v) -> str:
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return "（空白）"
    d = Decimal(str(v))
    return f"{d:,.2f}" if d == d.quantize(Decimal("0.01")) else f"{d:,.6f}".rstrip("0")


def message(rule: Rule, row: pd.Series, severity: str) -> tuple[str, str]:
    if _s(row.get("sentence")):
        return narrative_message(rule, row, severity)
    if rule.comparison == "flag":
        return flag_message(rule, row)
    where = f"{row['table_title'] or ''}「{row['row_label']}」" + (f"[{row['column_label']}]" if row.get("column_label") else "")
    printed = _s(row["actual_printed"]) if isinstance(row.get("actual_printed"), str) and _s(row["actual_printed"]) else _fmt(row["actual"])
    diff, env = _fmt(row["difference"]), _fmt(row["envelope"])
    rel = "不小于" if rule.comparison == "ge" else "等于"
    zh = f"{where}印为 {printed}，按“{row.get('check_formula', rule.formula)}”应{rel} {_fmt(row['expected'])}，相差 {diff}"
    en = (f"{row['table_title'] or ''} '{row['row_label']}' prints {printed}; by '{rule.title_en}' it should "
          f"{'be at least' if rule.comparison == 'ge' else 'equal'} {_fmt(row['expected'])} (difference {diff})")
    return _with_envelope(zh, en, severity, env, row)


def _with_envelope(zh: str, en: str, severity: str, env: str, row: pd.Series | None = None) -> tuple[str, str]:
    """A sum's message ends by saying whether the difference is within the rounding envelope."""
    if severity == "hint":
        zh += f"，在四舍五入容差 ±{env} 以内：尾数误差提示，不是错误。"
        en += f"; within the rounding envelope ±{env}: a rounding hint, not an error."
    else:
        zh += f"，超出四舍五入容差 ±{env}。"
        en += f"; beyond the rounding envelope ±{env}."
    if row is not None and (doubtful := _doubtful(row)):
        zh += f"其中 {doubtful} 由 OCR 识别且置信度低：可能是识别错误，请对照原件核实，不作为确定的错误。"
        en += (f" It rests on {doubtful}, read by OCR with low confidence: the digit may be misread; check it "
               f"against the scan (a warning, not a confirmed error).")
    return zh, en


def _doubtful(row: pd.Series) -> str | None:
    """The doubtful OCR readings an instance rests on (templates that report them), else None."""
    return _s(row.get("doubtful")) or None


def flag_message(rule: Rule, row: pd.Series) -> tuple[str, str]:
    """A rule that is not a sum: what is printed, what the rule expects, and the figures behind it."""
    where = f"{row['table_title'] or ''}「{row['row_label']}」" + (f"[{row['column_label']}]" if _s(row.get("column_label")) else "")
    printed, expected = _s(row.get("actual_printed")) or "（空白）", _s(row.get("expected_printed")) or _fmt(row["expected"])
    ops = _s(row.get("operands"))
    zh = f"{where}印为“{printed}”，按“{row.get('check_formula', rule.formula)}”应为“{expected}”" + (f"（{ops}）" if ops else "") + "。"
    en = (f"{row['table_title'] or ''} '{row['row_label']}' prints '{printed}'; by '{rule.title_en}' it should be "
          f"'{expected}'" + (f" ({ops})" if ops else "") + ".")
    return zh, en


def narrative_message(rule: Rule, row: pd.Series, severity: str) -> tuple[str, str]:
    """A finding about a sentence of the 说明: the sentence quoted, the figure it states and what it
    is compared with (the table's cell or the figures it names), side by side."""
    where, sentence, printed = _s(row["table_title"]) or "说明", _s(row["sentence"]), _s(row.get("actual_printed")) or ""
    ops = _s(row.get("operands")) or ""
    formula = row.get("check_formula", rule.formula)
    if rule.comparison == "flag":
        expected = _s(row.get("expected_printed")) or ""
        zh = f"{where}写道：“{sentence}”——“{printed}”与所比较的数字不符：{ops}，应为{expected}（{formula}）。"
        en = f"The narrative says \"{sentence}\": '{printed}' contradicts the figures it compares ({ops}): {expected}."
        return zh, en
    diff, env = _fmt(row["difference"]), _fmt(row["envelope"])
    expected = "（表中空白 blank in the table）" if row["expected"] is None or pd.isna(row["expected"]) else _fmt(row["expected"])
    zh = f"{where}写道：“{sentence}”——其中 {printed}；按“{formula}”应为 {expected}（{ops}），相差 {diff}"
    en = f"The narrative says \"{sentence}\": {printed}; by '{rule.title_en}' it should be {expected} ({ops}), difference {diff}"
    return _with_envelope(zh, en, severity, env)


FINDING_SCHEMA = pa.schema([
    ("run_id", pa.string()), ("rule_id", pa.string()), ("severity", pa.string()), ("doc_id", pa.string()),
    ("unit_id", pa.string()), ("fiscal_year", pa.int32()), ("table_code", pa.string()), ("table_title", pa.string()),
    ("row_label", pa.string()), ("column_label", pa.string()), ("check_key", pa.string()), ("message", pa.string()),
    ("message_en", pa.string()), ("expected", pa.decimal128(20, 6)), ("actual", pa.decimal128(20, 6)),
    ("actual_printed", pa.string()), ("difference", pa.decimal128(20, 6)), ("tolerance", pa.decimal128(20, 6)),
    ("operands", pa.string()), ("source_ref", pa.string()), ("page", pa.int32()), ("line", pa.int32()),
    ("kind", pa.string()), ("sentence", pa.string()),
])
INSTANCE_SCHEMA = pa.schema([("rule_id", pa.string()), ("doc_id", pa.string()), ("n_instances", pa.int64())])
RESULT_SCHEMA = pa.schema([
    ("run_id", pa.string()), ("rule_id", pa.string()), ("title_zh", pa.string()), ("title_en", pa.string()),
    ("formula", pa.string()), ("severity", pa.string()), ("n_documents", pa.int64()), ("n_instances", pa.int64()),
    ("n_errors", pa.int64()), ("n_warnings", pa.int64()), ("n_hints", pa.int64()), ("ge_success", pa.bool_()),
    ("not_checkable", pa.int64()), ("kind", pa.string()),
])
COVERAGE_SCHEMA = pa.schema([
    ("run_id", pa.string()), ("doc_id", pa.string()), ("rule_id", pa.string()), ("checks", pa.int64()),
    ("not_checkable", pa.int64()), ("reasons", pa.string()),
])


def _s(v):
    return None if v is None or (isinstance(v, float) and pd.isna(v)) else str(v)


def _dec(v):
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return None
    return Decimal(str(v)).quantize(Decimal("0.000001"))


def _coverage(run_id: str, rule: Rule, df: pd.DataFrame) -> pa.Table:
    """Per document: how many instances of the rule were decided, how many could not be, and why.
    Vectorised (one group-by per rule): a Python loop over documents cost minutes at 20,000 documents."""
    if df.empty or "doc_id" not in df.columns:
        return COVERAGE_SCHEMA.empty_table()
    g = df.loc[df["doc_id"].notna(), ["doc_id", "checkable", "not_checkable_reason"]].copy()
    if g.empty:
        return COVERAGE_SCHEMA.empty_table()
    g["doc_id"] = g["doc_id"].astype(str)
    g["nc"] = ~g["checkable"]
    out = g.groupby("doc_id", sort=True).agg(checks=("checkable", "sum"), not_checkable=("nc", "sum"))
    why = g.loc[g["nc"] & g["not_checkable_reason"].notna(), ["doc_id", "not_checkable_reason"]].astype(str)
    why = why.drop_duplicates().sort_values(["doc_id", "not_checkable_reason"])
    out["reasons"] = why.groupby("doc_id")["not_checkable_reason"].agg("; ".join)
    out = out.reset_index()
    return pa.table({"run_id": [run_id] * len(out), "doc_id": out["doc_id"].tolist(), "rule_id": [rule.id] * len(out),
                     "checks": out["checks"].astype("int64").tolist(), "not_checkable": out["not_checkable"].astype("int64").tolist(),
                     "reasons": [None if pd.isna(r) else r for r in out["reasons"]]}, schema=COVERAGE_SCHEMA)


@dataclass
class CheckResult:
    findings: pa.Table
    rule_results: pa.Table
    instances: Path | None = None  # the checkpoint's batch: Parquet files per suite (gx_project.BatchWriter)

    def count(self, severity: str) -> int:
        return sum(1 for s in self.findings.column("severity").to_pylist() if s == severity)


ORDER = "case severity when 'error' then 0 when 'warning' then 1 else 2 end, rule_id, doc_id, line, check_key, table_code, row_label, column_label, message"


SCOPE_DB = "fdw_in_scope"  # the attached in-memory database an incremental check reads through


def _scope(con: duckdb.DuckDBPyConnection, rules_sql: str) -> int:
    """An incremental check covers the documents the build changed and every document of the units
    they belong to now or belonged to before, and the documents matched with them across kinds
    (int_unit_matches: a budget and its final accounts), so cross-document rules re-run for the
    unit-years touched. The rules read the warehouse through copies of its tables that keep those
    documents only (every table with a doc_id that `rules_sql` names; others are read whole), in an
    in-memory database first on the search path (`_unscope` detaches it). Copies, not views: a
    view's filter would scan the whole table again in every rule that reads it. Returns the documents
    in scope."""
    con.execute("""create or replace temp table scope_docs as
        with doc_units as (  -- a document's unit, and the units its self-evaluation forms name
            select doc_id, unit_id from dim_document where unit_id is not null
            union select doc_id, unit_id from int_evaluations where unit_id is not null
        ),
        units as (
            select unit_id from doc_units where doc_id in (select key from fdw_changes)
            union select unit_id_before from fdw_changes where unit_id_before is not null
        )
        select key as doc_id from fdw_changes
        union select doc_id from doc_units where unit_id in (select unit_id from units)""")
    if con.execute("select count(*) from duckdb_tables() where schema_name = 'main' and table_name = 'int_unit_matches'").fetchall()[0][0]:
        # a budget disclosure and the final accounts it is matched with (the names may differ: X本级)
        con.execute("""insert into scope_docs
            select final_doc_id from int_unit_matches where budget_doc_id in (select doc_id from scope_docs)
            union select budget_doc_id from int_unit_matches where final_doc_id in (select doc_id from scope_docs)
            except select doc_id from scope_docs""")
    db = con.execute("select current_database()").fetchall()[0][0]
    con.execute("drop schema if exists fdw_scope cascade")  # views an older fdw kept in the warehouse
    con.execute(f"attach ':memory:' as {SCOPE_DB}")
    words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", rules_sql))
    for (name,) in con.execute("""select distinct table_name from duckdb_columns()
                                   where database_name = current_database() and schema_name = 'main' and column_name = 'doc_id'
                                   and table_name not like 'dq\\_%' escape '\\' and table_name not like 'fdw\\_%' escape '\\'""").fetchall():
        if name in words:
            con.execute(f'create table {SCOPE_DB}.main."{name}" as select * from "{db}".main."{name}" '
                        'where doc_id in (select doc_id from temp.scope_docs)')
    con.execute(f"set search_path = '{SCOPE_DB}.main,{db}.main'")
    return con.execute("select count(*) from temp.scope_docs").fetchall()[0][0]


def _unscope(con: duckdb.DuckDBPyConnection, db: str) -> None:
    """The warehouse's own tables again (after _scope, or nothing to undo)."""
    con.execute(f'use "{db}"')
    con.execute(f"detach database if exists {SCOPE_DB}")


def _incremental_possible(con: duckdb.DuckDBPyConnection) -> bool:
    tables = {r[0] for r in con.execute("select table_name from duckdb_tables() where schema_name = 'main'").fetchall()}
    return {"dq_findings", "dq_rule_instances", "dq_document_checks", "fdw_changes"} <= tables


@dataclass
class Decided:
    """One rule over the warehouse: its findings, instances per document, coverage and GE batch rows."""
    findings: list[dict]
    counts: pa.Table
    coverage: pa.Table
    gx_rows: pa.Table


def finding_rows(rule: Rule, run_id: str, rows: pd.DataFrame, broken: set[str]) -> list[dict]:
    """The findings of a rule: `rows` are the instances GE reported (beyond the envelope when their
    check_id is in `broken`, else rounding hints)."""
    out = []
    for row in rows.to_dict("records"):
        severity = row["check_severity"] if row["check_id"] in broken else "hint"
        if severity == "error" and _doubtful(row):
            severity = "warning"
        zh, en = message(rule, row, severity)
        out.append({
            "run_id": run_id, "rule_id": rule.id, "severity": severity, "doc_id": _s(row["doc_id"]),
            "unit_id": _s(row["unit_id"]), "fiscal_year": None if pd.isna(row["fiscal_year"]) else int(row["fiscal_year"]),
            "table_code": _s(row["table_code"]), "table_title": _s(row["table_title"]), "row_label": _s(row["row_label"]),
            "column_label": _s(row["column_label"]), "check_key": _s(row["check_key"]), "message": zh, "message_en": en,
            "expected": _dec(row["expected"]), "actual": _dec(row["actual"]),
            "actual_printed": _s(row["actual_printed"]), "difference": _dec(row["difference"]),
            "tolerance": _dec(row["envelope"]), "operands": _s(row["operands"]), "source_ref": _s(row["source_ref"]),
            "page": None if pd.isna(row["page"]) else int(row["page"]),
            "line": None if pd.isna(row["line"]) else int(row["line"]),
            "kind": rule.kind, "sentence": _s(row.get("sentence")),
        })
    return out


def _quote(text) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def instances_sql(con: duckdb.DuckDBPyConnection, rule: Rule) -> str | None:
    """`instances` as one DuckDB query (None for a rule without checks): each check's instances with
    check_no, the check's severity and formula and the defaults of DEFAULTS, one check after the other
    (`union all by name`), then rule_id and a check_id per instance."""
    parts = []
    for n, check in enumerate(rule.checks, start=1):
        sql = rule.instance_sql(check)
        columns = con.sql(sql).columns  # bound, not run
        replace = " replace (coalesce(checkable, false) as checkable)" if "checkable" in columns else ""
        extra = "".join(f", {value} as {name}" for name, value in DEFAULTS if name not in columns)
        parts.append(f"select {n} as check_no, *{replace}{extra}, {_quote(check.get('severity', rule.severity))} as check_severity, "
                     f"{_quote(check.get('formula', rule.formula))} as check_formula from ({sql})")
    if not parts:
        return None
    every = " union all by name ".join(f"({p})" for p in parts)
    return (f"select {_quote(rule.id)} as rule_id, *, {_quote(rule.id + '#')} || cast(row_number() over () - 1 as varchar) as check_id "
            f"from ({every})")


def rule_sqls(con: duckdb.DuckDBPyConnection, rules: list[Rule]) -> dict[str, str | None]:
    """Each rule's instances query (instances_sql). Learning a check's columns means binding its SQL
    (about 8 ms a check, half an incremental check's fixed cost at 20,000 documents), so the queries
    are kept in the warehouse (fdw_rule_sql), keyed by its build fingerprint (its tables' columns)
    and the checks' SQL, and an incremental check of a copy of that warehouse reuses them."""
    import hashlib

    tables = {r[0] for r in con.execute("select table_name from duckdb_tables() where database_name = current_database() and schema_name = 'main'").fetchall()}
    fingerprint = con.execute("select fingerprint from fdw_build_meta").fetchall()[0][0] if "fdw_build_meta" in tables else None
    if fingerprint is None:
        return {r.id: instances_sql(con, r) for r in rules}
    cached = dict(con.execute("select key, sql from fdw_rule_sql").fetchall()) if "fdw_rule_sql" in tables else {}
    out, rows = {}, []
    for r in rules:
        key = hashlib.sha256("\0".join([fingerprint, r.id, *(r.instance_sql(c) for c in r.checks)]).encode()).hexdigest()
        out[r.id] = cached[key] if key in cached else instances_sql(con, r)
        if out[r.id] is not None:
            rows.append({"key": key, "rule_id": r.id, "sql": out[r.id]})
    con.register("_rule_sql", pa.Table.from_pylist(rows, schema=pa.schema([("key", pa.string()), ("rule_id", pa.string()), ("sql", pa.string())])))
    con.execute("create or replace table fdw_rule_sql as select * from _rule_sql")
    con.unregister("_rule_sql")
    con.execute("comment on table fdw_rule_sql is 'Each rule''s instances query as the checks ran it, keyed by the build fingerprint and the checks'' SQL: reused by the next incremental check.'")
    return out


class Sink:
    """Where the checks' outcome goes while the rules are decided, so that no rule's instances are ever
    held whole in Python (issue 13): the findings appended to a Parquet file, the instances per
    document and the coverage to temp tables of the connection, and the checkable instances to the
    checkpoint's Parquet batch (gx_project.BatchWriter), all chunk by chunk."""

    def __init__(self, con: duckdb.DuckDBPyConnection, folder: Path, rules: list[Rule], chunk_rows: int):
        import shutil

        import pyarrow.parquet as pq

        from expectations.gx_project import BatchWriter

        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        self.con, self.folder, self.chunk_rows = con, folder, chunk_rows
        self.findings_path = folder / "findings.parquet"
        self._findings = pq.ParquetWriter(self.findings_path, FINDING_SCHEMA)
        self.batch = BatchWriter(folder / "gx_batch", rules, chunk_rows)
        for name, schema in (("fdw_counts", INSTANCE_SCHEMA), ("fdw_coverage", COVERAGE_SCHEMA)):
            con.register("_empty", schema.empty_table())
            con.execute(f"create or replace temp table {name} as select * from _empty")
            con.unregister("_empty")

    def add_findings(self, rows: list[dict]) -> None:
        if rows:
            self._findings.write_table(pa.Table.from_pylist(rows, schema=FINDING_SCHEMA))

    def add_table(self, name: str, table: pa.Table) -> None:
        """Rows of instances per document (fdw_counts) or coverage (fdw_coverage) computed elsewhere (Spark)."""
        self.con.register("_rows", table)
        self.con.execute(f"insert into temp.{name} by name select * from _rows")
        self.con.unregister("_rows")

    def add_batch(self, rule_id: str, sql: str) -> None:
        """The checkpoint's rows of one rule: `sql` yields the batch columns but the file name, added here."""
        reader = self.con.execute(f"""select b.* exclude (source_name), d.source_name from ({sql}) b
                                      left join (select doc_id, any_value(source_name) as source_name from main.dim_document
                                                 group by doc_id) d using (doc_id)""").to_arrow_reader(self.chunk_rows)
        for chunk in reader:
            self.batch.write(rule_id, chunk)

    def close(self) -> None:
        self._findings.close()
        self.batch.close()


def _batch_columns(columns: list[str]) -> str:
    """The select list of the checkpoint's batch (gx_project.COLUMNS) over the instances' columns."""
    from expectations.gx_project import COLUMNS

    kinds = {"object": "varchar", "int64": "bigint", "float64": "double"}
    out = []
    for col, dtype in COLUMNS.items():
        src = "check_severity" if col == "severity" else col
        out.append(f"cast({src if src in columns else 'null'} as {kinds[dtype]}) as {col}")
    return ", ".join(out)


def decide(con: duckdb.DuckDBPyConnection, validator: GEValidator, rule: Rule, run_id: str, sink: Sink,
           sql: str | None = None) -> None:
    """The rule's SQL in DuckDB, its instances kept once in a temp table (DuckDB's memory, spilled past
    its limit); GE's pandas source decides them chunk by chunk and the outcome goes to the sink.
    sql: the rule's instances_sql when known (rule_sqls)."""
    sql = sql or instances_sql(con, rule)
    if sql is None:
        return
    con.execute(f"create or replace temp table fdw_rule_instances as {sql}")
    columns = con.sql("select * from temp.fdw_rule_instances").columns
    # GE decides among the instances off their identity at all (shortfall or excess above 0): an
    # instance at or below 0 on both is never one GE reports, and validating every instance twice
    # per rule cost more than the rules' SQL; the checkpoint (gx_project) validates them all
    reader = con.execute("select * from temp.fdw_rule_instances where checkable and (shortfall > 0 or excess > 0)"
                         ).to_arrow_reader(sink.chunk_rows)
    for chunk in reader:
        off_any = chunk.to_pandas()
        broken, _ = validator.failing(off_any, "excess")
        off, _ = validator.failing(off_any, "shortfall")
        sink.add_findings(finding_rows(rule, run_id, off_any[off_any["check_id"].isin(off | broken)], broken))
    # checked instances per document (what dq_rule_results counts), and per document the instances
    # decided and not checkable with the reasons (as _coverage does for Spark)
    con.execute(f"""insert into temp.fdw_counts select {_quote(rule.id)}, cast(doc_id as varchar), count(*)
                    from temp.fdw_rule_instances where checkable group by doc_id""")
    if "doc_id" in columns:
        con.execute(f"""insert into temp.fdw_coverage
            select {_quote(run_id)}, cast(doc_id as varchar), {_quote(rule.id)}, count(*) filter (where checkable),
                   count(*) filter (where not checkable),
                   string_agg(distinct cast(not_checkable_reason as varchar), '; ' order by cast(not_checkable_reason as varchar))
                       filter (where not checkable and not_checkable_reason is not null)
            from temp.fdw_rule_instances where doc_id is not null group by cast(doc_id as varchar)""")
    sink.add_batch(rule.id, f"select {_batch_columns(columns)} from temp.fdw_rule_instances where checkable")


def decided(rule: Rule, run_id: str, reported: pd.DataFrame, broken: set[str], every: pd.DataFrame) -> Decided:
    """The rule's outcome from the instances GE reported and (the columns the bookkeeping reads of)
    every instance: findings, checked instances per document, coverage, the checkpoint's batch."""
    from expectations.gx_project import batch_rows

    df = every[every["checkable"]] if not every.empty else every
    counts = INSTANCE_SCHEMA.empty_table()
    if not df.empty:
        by_doc = df.groupby("doc_id", dropna=False).size().reset_index(name="n_instances")
        by_doc.insert(0, "rule_id", rule.id)
        counts = pa.Table.from_pandas(by_doc, preserve_index=False).cast(INSTANCE_SCHEMA)
    # the checkpoint's batch kept as Arrow: pandas' object columns of every rule's instances were most of
    # the checks' peak memory (2 GB at 20,000 documents; issue 13)
    return Decided(finding_rows(rule, run_id, reported, broken), counts, _coverage(run_id, rule, every),
                   pa.Table.from_pandas(batch_rows(df), preserve_index=False))


def run_checks(db_path: Path, run_id: str, rules: list[Rule] | None = None, incremental: bool = False,
               temp_dir: Path | None = None, spark_tables: Path | None = None, work_dir: Path | None = None,
               chunk_rows: int | None = None) -> CheckResult:
    """Run every rule on the warehouse at db_path and (re)write dq_findings / dq_rule_results there.
    incremental: only the documents the last build changed (and their units' documents) are checked
    again; the findings of every other document are kept as they were.
    spark_tables: a Spark warehouse folder (<schema>.db/<table>/ Parquet): the rules' SQL runs in Spark
    SQL over those tables and GE validates Spark dataframes (expectations/spark_checks.py); the
    results are written to db_path the same way. Always a full check."""
    rules = rules or load_rules()
    spark_source = None
    if spark_tables is not None:
        from expectations.spark_checks import SparkChecks

        spark_source, incremental = SparkChecks(spark_tables), False
    with duckdb.connect(str(db_path)) as con:
        if temp_dir is not None:
            from loaders.warehouse import duckdb_settings

            for name, value in duckdb_settings(temp_dir).items():
                con.execute(f"set {name} = '{value}'")
        incremental = incremental and _incremental_possible(con)
        db = con.execute("select current_database()").fetchall()[0][0]
        sqls = rule_sqls(con, rules) if spark_source is None else {}
        if incremental:
            _scope(con, "\n".join(q for q in sqls.values() if q))
        sink = Sink(con, work_dir or db_path.with_name(db_path.name + ".checks"), rules, chunk_rows or CHUNK_ROWS)
        if spark_source:
            for rule, d in zip(rules, spark_source.decide_all(rules, run_id)):  # one Decided per rule, in order
                sink.add_findings(d.findings)
                sink.add_table("fdw_counts", d.counts)
                sink.add_table("fdw_coverage", d.coverage)
                con.register("_gx_rows", d.gx_rows)
                sink.add_batch(rule.id, "select * from _gx_rows")
                con.unregister("_gx_rows")
        else:
            validator = GEValidator()
            for rule in rules:
                if sqls.get(rule.id):
                    decide(con, validator, rule, run_id, sink, sqls[rule.id])
        sink.close()
        _unscope(con, db)
        con.execute(f"create or replace temp view _findings as select * from read_parquet('{sink.findings_path}')")
        con.execute("create or replace temp view _instances as select * from temp.fdw_counts")
        con.execute("create or replace temp view _coverage as select * from temp.fdw_coverage")
        for table, new, order in (("dq_findings", "_findings", ORDER), ("dq_rule_instances", "_instances", "rule_id, doc_id"),
                                  ("dq_document_checks", "_coverage", "rule_id, doc_id")):
            if incremental:  # the documents in scope were checked again: their old rows go, the rest are kept
                # (deleted and inserted: rewriting the whole table in order cost more than the rules' SQL)
                con.execute(f"delete from {table} where doc_id is null or doc_id in (select doc_id from temp.scope_docs)")
                con.execute(f"insert into {table} by name select * from {new} order by {order}")
            else:
                con.execute(f"create or replace table {table} as select * from {new} order by {order}")
        con.register("_rules", pa.Table.from_pylist([{"rule_id": r.id, "title_zh": r.title_zh, "title_en": r.title_en, "formula": r.formula,
                                                       "severity": r.severity, "kind": r.kind, "ord": i} for i, r in enumerate(rules)]))
        # per rule over the whole warehouse; GE's verdict on the excess: no instance beyond the envelope
        con.execute(f"""create or replace table dq_rule_results as
            select '{run_id}' as run_id, r.rule_id, r.title_zh, r.title_en, r.formula, r.severity,
                   coalesce(i.n_documents, 0) as n_documents, coalesce(i.n_instances, 0) as n_instances,
                   coalesce(f.n_errors, 0) as n_errors, coalesce(f.n_warnings, 0) as n_warnings, coalesce(f.n_hints, 0) as n_hints,
                   coalesce(f.n_errors, 0) + coalesce(f.n_warnings, 0) = 0 as ge_success,
                   coalesce(c.not_checkable, 0) as not_checkable, r.kind
            from _rules r
            left join (select rule_id, count(distinct doc_id) as n_documents, cast(sum(n_instances) as bigint) as n_instances
                       from dq_rule_instances group by rule_id) i using (rule_id)
            left join (select rule_id, count(*) filter (where severity = 'error') as n_errors,
                              count(*) filter (where severity = 'warning') as n_warnings,
                              count(*) filter (where severity = 'hint') as n_hints
                       from dq_findings group by rule_id) f using (rule_id)
            left join (select rule_id, cast(sum(not_checkable) as bigint) as not_checkable
                       from dq_document_checks group by rule_id) c using (rule_id)
            order by r.ord""")
        con.execute("drop schema if exists fdw_scope cascade")
        if con.execute("select count(*) from duckdb_tables() where schema_name = 'main' and table_name = 'fdw_build_meta'").fetchall()[0][0]:
            con.execute("update fdw_build_meta set checked = true")
        con.execute("comment on table dq_findings is 'One identity violation (or rounding hint) in one document; run_id: the run that last checked the document.'")
        con.execute("comment on table dq_rule_results is 'One rule over the whole warehouse: instances checked, documents, errors and hints; ge_success is Great Expectations'' verdict (no instance beyond the envelope).'")
        con.execute("comment on table dq_document_checks is 'One rule in one document: instances checked and not checkable (an operand not printed), with the reasons; run_id: the run that last checked the document.'")
        con.execute("comment on table dq_rule_instances is 'Instances of one rule in one document (what dq_rule_results counts).'")
        con.execute("drop view _findings")
        sink.findings_path.unlink()  # now in dq_findings
        ft = con.sql(f"select * from dq_findings order by {ORDER}").fetch_arrow_table().cast(FINDING_SCHEMA)
        rt = con.sql("select * from dq_rule_results").fetch_arrow_table().cast(RESULT_SCHEMA)
    return CheckResult(ft, rt, sink.batch.folder)  # the instances this run checked (incremental: those in scope)
