"""`fdw`: ingest → build → check, per CONTRACT.md.

Exit status: 0 when the run completed (findings about documents are not failures), 1 when the run
itself could not complete (dbt failed, no warehouse to check, another run holds the home folder),
2 for a usage error (a path that does not exist).
"""
from __future__ import annotations

import logging
import os
import shutil
import threading
import time
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from loaders import runlog
from loaders.pipeline import IngestSummary, expand_inputs, ingest
from loaders.reference import PROJECT_ROOT
from loaders.warehouse import (BuildPlan, Dbt, Home, RunBusy, RunError, build, dbt_docs, discard, new_run_id, publish,
                               resolve_home, run_lock, stage_copy_of_published, start_build_dbt)

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="fiscal-dw: Chinese public-finance disclosures → raw Parquet → DuckDB warehouse → identity checks.")
console = Console(stderr=False, highlight=False)
SAMPLES = PROJECT_ROOT / "samples"

HomeOpt = typer.Option(None, "--home", help="Home folder (raw/, warehouse.duckdb, reports/). Default: $FDW_HOME, else ./data.")


def _check_paths(paths: list[Path]) -> None:
    missing = [str(p) for p in paths if not Path(p).exists()]
    if missing:
        console.print(f"[red]No such file or folder:[/red] {', '.join(missing)}")
        raise typer.Exit(2)


WorkersOpt = typer.Option(None, "--workers", help="Parsing processes (default: $FDW_WORKERS, else one per core).")


def _ingest(paths: list[Path], home: Home, workers: int | None = None, engine: str = "duckdb") -> IngestSummary:
    files = expand_inputs(paths)
    with Progress(TextColumn("[bold]ingest[/bold] {task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console, transient=False, disable=not files) as progress:
        task = progress.add_task("", total=len(files))

        def step(outcome):
            progress.update(task, advance=1, description=Path(outcome.path).name[:40])

        summary = ingest(files, home.root, on_progress=step, workers=workers, engine=engine)
    return summary


def _count(record: runlog.RunRecord, summary: IngestSummary) -> None:
    record.inputs = len(summary.outcomes)
    record.parsed, record.skipped = summary.count("parsed"), summary.count("skipped")
    record.quarantined, record.facts = summary.count("quarantined"), summary.facts


def _print_ingest(summary: IngestSummary) -> None:
    console.print(f"documents parsed: [bold]{summary.count('parsed')}[/bold], unchanged (skipped): {summary.count('skipped')}, "
                  f"quarantined: [bold]{summary.count('quarantined')}[/bold]; facts landed: {summary.facts}")
    for o in summary.outcomes:
        if o.status == "quarantined":
            console.print(f"  [yellow]quarantined[/yellow] {o.path}: {o.reason}")


def _build(home: Home, full_refresh: bool = False, engine: str = "duckdb", dbt: Dbt | None = None) -> tuple[Path, BuildPlan]:
    home.discard_stale_builds()
    t = time.perf_counter()
    with console.status(f"dbt build ({engine}) …"):
        if engine == "spark":
            from loaders import spark

            staged, plan = spark.build(home)
        else:
            staged, plan = build(home, full_refresh, dbt)
    console.print(f"dbt build: ok ({time.perf_counter() - t:.1f} s; {plan.reason})")
    return staged, plan


def _check(home: Home, staged: Path, run_id: str, incremental: bool = False, engine: str = "duckdb"):
    from expectations.runner import run_checks

    t = time.perf_counter()
    spark_tables = None
    if engine == "spark":  # the rules' SQL in Spark SQL over the Spark-built tables, GE on Spark
        from loaders import spark

        spark_tables = spark.tables_folder(home, staged)
    with console.status(f"checks (Great Expectations, {engine}) …"):
        result = run_checks(staged, run_id, incremental=incremental, temp_dir=home.duckdb_tmp, spark_tables=spark_tables)
    console.print(f"checks: ok ({time.perf_counter() - t:.1f} s{'; rules in Spark SQL, Great Expectations on Spark' if spark_tables else ''})")
    _gx_checkpoint(home, staged, result, run_id)
    return result


def _gx_checkpoint(home: Home, staged: Path, result, run_id: str) -> None:
    """Great Expectations' own artefacts of the run (checkpoint, stored results, Data Docs); the
    findings are decided already, so a failure here is reported, never fails the run."""
    from expectations.gx_project import run_checkpoint

    t = time.perf_counter()
    try:
        with console.status("Great Expectations checkpoint and Data Docs …"):
            gx = run_checkpoint(home.root, result.instances, run_id)
    except Exception as e:  # noqa: BLE001 - the bureau's report must still be written
        console.print(f"[yellow]Great Expectations Data Docs not written:[/yellow] {type(e).__name__}: {e}")
        return
    finally:  # the run's batch files (hundreds of MB at province scale) are read: not kept until the next build
        shutil.rmtree(result.instances, ignore_errors=True)
    console.print(f"Great Expectations: checkpoint fdw_check {'passed' if gx.success else 'failed'}, "
                  f"Data Docs {gx.docs_index} ({time.perf_counter() - t:.1f} s)")
    problems = {k: v for k, v in gx.notify.items() if isinstance(v, dict) and (v.get("error") or v.get("returncode"))}
    if problems:
        console.print(f"[yellow]notification failed:[/yellow] {problems}")


def _publish(home: Home, staged: Path, record: runlog.RunRecord, result=None) -> None:
    """Record the run in the staged warehouse's fdw_runs, publish it, then append to runs.jsonl."""
    if result is not None:
        record.errors, record.warnings, record.hints = (result.count(s) for s in ("error", "warning", "hint"))
    record.finish("completed")
    runlog.load_into(staged, runlog.history(home.root) + [runlog.asdict(record)])
    publish(home, staged)
    runlog.append(home.root, record)


def _print_findings(result, home: Home, run_id: str) -> None:
    from expectations.report import write_report

    t = time.perf_counter()
    paths = write_report(home.warehouse, home.reports, run_id, last_run=runlog.last(home.root))
    elapsed = time.perf_counter() - t
    table = Table(title="findings by rule")
    for c in ("rule", "documents", "checks", "errors", "warnings", "hints"):
        table.add_column(c, justify="right" if c != "rule" else "left")
    for r in result.rule_results.to_pylist():
        if r["n_errors"] or r["n_warnings"] or r["n_hints"]:
            table.add_row(r["rule_id"], str(r["n_documents"]), str(r["n_instances"]), str(r["n_errors"]),
                          str(r["n_warnings"]), str(r["n_hints"]))
    console.print(table)
    console.print(f"findings: [bold]{result.count('error')}[/bold] error(s), {result.count('warning')} warning(s), "
                  f"{result.count('hint')} rounding hint(s)")
    console.print(f"warehouse: {home.warehouse}")
    console.print(f"report:    {paths.html} ({elapsed:.1f} s)")
    console.print(f"           {paths.xlsx}")


def _fail(e: Exception, home: Home | None = None, record: runlog.RunRecord | None = None) -> None:
    """The run could not complete: say why, record it, and let the report say so too. The last
    good warehouse stays published."""
    console.print(f"[red]run failed:[/red] {e}")
    if home is not None and record is not None and not isinstance(e, RunBusy):
        runlog.append(home.root, record.finish("failed", str(e).splitlines()[0]))
        if home.warehouse.exists():
            from expectations.report import write_report

            try:
                write_report(home.warehouse, home.reports, record.run_id, last_run=runlog.last(home.root))
            except Exception as report_error:  # the report of a failed run must not hide the failure
                console.print(f"[yellow]report not rewritten:[/yellow] {report_error}")
    raise typer.Exit(1)



@contextmanager
def _session(home: Optional[Path], command: str):
    """One run of a command on a home folder: its run record, the folder's lock, and on failure the
    staged files discarded, the failure recorded and reported (the published warehouse untouched).
    Yields (home, record, staged): append a staged file to `staged` until it is published."""
    h = resolve_home(home)
    record = runlog.RunRecord(new_run_id(), command)
    staged: list[Path] = []
    try:
        with run_lock(h):
            yield h, record, staged
    except RunError as e:
        for path in staged:
            discard(path)
        _fail(e, h, record)


def _import_checks_in_background() -> threading.Thread:
    """Import the checks' libraries (Great Expectations: ≈ 3 s of CPU) in a thread while the build
    runs: dbt is a subprocess and this process only waits for it, so on 2 cores the import costs the
    run no wall time (issue 13: an incremental run is mostly start-up). Joined before the checks; an
    import error is left for the checks to raise with their own message."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")  # as GEValidator does, before the import
    logging.getLogger("great_expectations").setLevel(logging.ERROR)

    def load() -> None:
        try:
            import great_expectations  # noqa: F401
            import expectations.gx_project  # noqa: F401
            import expectations.runner  # noqa: F401
        except Exception:  # noqa: BLE001 - reported by the checks when they import it themselves
            pass

    thread = threading.Thread(target=load, name="fdw-import-checks", daemon=True)
    thread.start()
    return thread


def _stage_and_publish(h: Home, record: runlog.RunRecord, staged: list[Path], make_staged, check: bool,
                       engine: str = "duckdb"):
    """make_staged(home) -> a staged file, or (staged file, BuildPlan) for a build; checked on engine."""
    warming = _import_checks_in_background() if check else None
    try:
        made = make_staged(h)
    finally:
        if warming is not None:
            warming.join()
    path, plan = made if isinstance(made, tuple) else (made, None)
    staged.append(path)
    result = _check(h, path, record.run_id, incremental=bool(plan and plan.incremental), engine=engine) if check else None
    _publish(h, path, record, result)
    staged.remove(path)
    return result


@app.command("ingest")
def ingest_cmd(paths: List[Path] = typer.Argument(..., help="Files or folders (.txt .pdf .docx .xlsx .xls)."),
               home: Optional[Path] = HomeOpt, workers: Optional[int] = WorkersOpt,
               engine: str = typer.Option("duckdb", "--engine", help="duckdb (default: local worker processes) or spark: "
                                          "the documents parsed as Spark tasks; the same raw layer is written")):
    """Parse documents into raw Parquet; every input is parsed or quarantined with a reason."""
    engine = _engine(engine)
    _check_paths(paths)
    with _session(home, "ingest") as (h, record, _):
        if engine == "spark":
            from loaders import spark

            if spark.unavailable():
                raise RunError(f"cannot ingest on Spark: {spark.unavailable()}")
        summary = _ingest(paths, h, workers, engine)
        _print_ingest(summary)
        _count(record, summary)
        runlog.append(h.root, record.finish("completed"))


FullRefreshOpt = typer.Option(False, "--full-refresh", help="Rebuild every model from all documents (default: only what changed since the last build).")
EngineOpt = typer.Option("duckdb", "--engine", help="duckdb (default) or spark: dbt builds the models on Apache Spark "
                         "(local[*], or $FDW_SPARK_MASTER), always in full; the marts are published as warehouse.duckdb "
                         "and as Parquet tables in <home>/spark-warehouse. Needs `make install-spark` and Java 17.")


def _engine(engine: str) -> str:
    if engine not in ("duckdb", "spark"):
        console.print(f"[red]Unknown engine {engine!r}:[/red] duckdb or spark")
        raise typer.Exit(2)
    return engine


def _require_spark_built(home: Home) -> None:
    """fdw check --engine spark checks the marts the Spark build published (never a DuckDB-built warehouse)."""
    from loaders import spark

    if not spark.built_on_spark(home.warehouse):
        raise RunError(f"the published warehouse of {home.root} was not built on Spark (run fdw build --engine spark first)")


@app.command("build")
def build_cmd(home: Optional[Path] = HomeOpt, full_refresh: bool = FullRefreshOpt, engine: str = EngineOpt):
    """`dbt build` over the raw Parquet into a new file, then publish it as warehouse.duckdb."""
    engine = _engine(engine)
    with _session(home, "build") as (h, record, staged):
        _stage_and_publish(h, record, staged, lambda h: _build(h, full_refresh, engine), check=False)
        console.print(f"warehouse: {h.warehouse}")


@app.command("check")
def check_cmd(home: Optional[Path] = HomeOpt, engine: str = EngineOpt):
    """Run the identity suite on the published warehouse and write the reports."""
    engine = _engine(engine)
    with _session(home, "check") as (h, record, staged):
        if engine == "spark":
            _require_spark_built(h)
        result = _stage_and_publish(h, record, staged, stage_copy_of_published, check=True, engine=engine)
        _print_findings(result, h, record.run_id)


@app.command("run")
def run_cmd(paths: List[Path] = typer.Argument(None, help="Files or folders; default: the bundled samples."),
            home: Optional[Path] = HomeOpt, workers: Optional[int] = WorkersOpt, full_refresh: bool = FullRefreshOpt,
            engine: str = EngineOpt):
    """ingest → dbt build → checks → publish → report. With no PATH, the sample documents."""
    engine = _engine(engine)
    paths = list(paths) if paths else [SAMPLES]
    _check_paths(paths)
    with _session(home, "run") as (h, record, staged):
        console.print(f"fdw run {record.run_id}  home: {h.root}")
        # dbt's start-up (imports, parsing the project) overlaps the ingest: a process waiting for its arguments
        with (start_build_dbt(h) if engine == "duckdb" else nullcontext()) as dbt:
            summary = _ingest(paths, h, workers)
            _print_ingest(summary)
            _count(record, summary)
            result = _stage_and_publish(h, record, staged, lambda h: _build(h, full_refresh, engine, dbt), check=True, engine=engine)
        _print_findings(result, h, record.run_id)


@app.command("docs")
def docs_cmd(home: Optional[Path] = HomeOpt):
    """dbt docs for the published warehouse (models, columns, lineage) into <home>/docs/index.html."""
    h = resolve_home(home)
    try:
        with console.status("dbt docs generate …"):
            path = dbt_docs(h)
    except RunError as e:
        _fail(e)
    console.print(f"docs: {path}")


@app.command("query")
def query_cmd(sql: str = typer.Argument(..., help="SQL text, or a .sql file such as analyses/three_public_budget_vs_actual.sql"),
              csv: Optional[Path] = typer.Option(None, "--csv", help="Write the result as CSV (UTF-8 with BOM, opens in Excel)."),
              xlsx: Optional[Path] = typer.Option(None, "--xlsx", help="Write the result as an Excel sheet."),
              limit: int = typer.Option(50, help="Rows shown on screen (files get every row)."),
              home: Optional[Path] = HomeOpt):
    """Query the published warehouse, read-only (never blocks a build)."""
    import duckdb

    h = resolve_home(home)
    text = Path(sql).read_text(encoding="utf-8") if sql.endswith(".sql") and Path(sql).exists() else sql
    if not h.warehouse.exists():
        _fail(RunError(f"no warehouse at {h.warehouse}: run `fdw run` first"))
    try:
        with duckdb.connect(str(h.warehouse), read_only=True) as con:
            df = con.execute(text).fetchdf()
    except duckdb.Error as e:
        console.print(f"[red]query failed:[/red] {e}")
        raise typer.Exit(2)
    if csv:
        df.to_csv(csv, index=False, encoding="utf-8-sig")  # NULL -> empty field
        console.print(f"{len(df)} rows -> {csv}")
    if xlsx:
        _for_excel(df).to_excel(xlsx, index=False, sheet_name="result")
        console.print(f"{len(df)} rows -> {xlsx}")
    if not csv and not xlsx:
        table = Table(show_lines=False)
        for c in df.columns:
            table.add_column(str(c))
        for row in df.head(limit).itertuples(index=False):
            table.add_row(*[_shown(v) for v in row])
        console.print(table)
        console.print(f"{len(df)} row(s)" + (f", first {limit} shown" if len(df) > limit else ""))


def _is_null(v) -> bool:
    """NULL as pandas returns it: None, NaN, NaT or pd.NA (nullable integer and string columns)."""
    import pandas as pd

    return v is None or (pd.api.types.is_scalar(v) and bool(pd.isna(v)))


def _shown(v) -> str:
    return "" if _is_null(v) else str(v)


def _for_excel(df):
    """The frame as Excel takes it: NULL as an empty cell, timestamps without a time zone (Excel has
    none), lists and structs as their text."""
    import pandas as pd

    out = df.copy()
    for c in out.columns:
        col = out[c]
        if isinstance(col.dtype, pd.DatetimeTZDtype):
            col = col.dt.tz_localize(None)
        out[c] = col.astype(object).map(lambda v: None if _is_null(v) else v if pd.api.types.is_scalar(v) else str(v))
    return out


@app.command("synth")
def synth_cmd(units: int = typer.Option(..., "--units", help="Budget units (province, city and county bureaus)."),
              years: int = typer.Option(1, "--years", help="Fiscal years per unit, ending with 2023."),
              seed: int = typer.Option(0, "--seed", help="Same seed, same corpus."),
              out: Path = typer.Option(..., "--out", help="Folder: documents go to OUT/docs, ground truth to OUT/manifest.jsonl."),
              fault_rate: float = typer.Option(0.0, "--fault-rate", help="Share of documents given one injected fault."),
              max_docs: Optional[int] = typer.Option(None, "--max-docs", help="Stop after this many documents."),
              workers: int = typer.Option(os.cpu_count() or 1, "--workers",
                                          help="Processes generating units (the corpus is the same for any number).")):
    """A synthetic corpus in the sample layouts (决算公开 of 002, province and 晋中 forms) with a fault manifest."""
    from loaders.synth import generate

    counts = generate(out, units, years, seed, fault_rate, max_docs, workers=workers)
    console.print(f"{counts['documents']} documents in {out / 'docs'}, {counts['faults']} faults in {out / 'manifest.jsonl'}")


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
