"""`fdw`: ingest → build → check, per CONTRACT.md.

Exit status: 0 when the run completed (findings about documents are not failures), 1 when the run
itself could not complete (dbt failed, no warehouse to check, another run holds the home folder),
2 for a usage error (a path that does not exist).
"""
from __future__ import annotations

import os
import time
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from loaders.pipeline import IngestSummary, expand_inputs, ingest
from loaders.reference import PROJECT_ROOT
from loaders.warehouse import (Home, RunError, dbt_build, discard, new_run_id, publish, resolve_home, run_lock,
                               stage_copy_of_published)

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


def _ingest(paths: list[Path], home: Home) -> IngestSummary:
    files = expand_inputs(paths)
    with Progress(TextColumn("[bold]ingest[/bold] {task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console, transient=False, disable=not files) as progress:
        task = progress.add_task("", total=len(files))

        def step(outcome):
            progress.update(task, advance=1, description=Path(outcome.path).name[:40])

        summary = ingest(files, home.root, on_progress=step)
    return summary


def _print_ingest(summary: IngestSummary) -> None:
    console.print(f"documents parsed: [bold]{summary.count('parsed')}[/bold], unchanged (skipped): {summary.count('skipped')}, "
                  f"quarantined: [bold]{summary.count('quarantined')}[/bold]; facts landed: {summary.facts}")
    for o in summary.outcomes:
        if o.status == "quarantined":
            console.print(f"  [yellow]quarantined[/yellow] {o.path}: {o.reason}")


def _build(home: Home):
    staged = home.staging_file()
    t = time.perf_counter()
    with console.status("dbt build …"):
        try:
            dbt_build(home, staged)
        except Exception:
            discard(staged)
            raise
    console.print(f"dbt build: ok ({time.perf_counter() - t:.1f} s)")
    return staged


def _check(home: Home, staged: Path, run_id: str):
    from expectations.report import write_report
    from expectations.runner import run_checks

    t = time.perf_counter()
    with console.status("checks (Great Expectations) …"):
        result = run_checks(staged, run_id)
    console.print(f"checks: ok ({time.perf_counter() - t:.1f} s)")
    return result


def _print_findings(result, home: Home, run_id: str) -> None:
    from expectations.report import write_report

    paths = write_report(home.warehouse, home.reports, run_id)
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
    console.print(f"report:    {paths.html}")
    console.print(f"           {paths.xlsx}")


def _fail(e: Exception) -> None:
    console.print(f"[red]run failed:[/red] {e}")
    raise typer.Exit(1)


@app.command("ingest")
def ingest_cmd(paths: List[Path] = typer.Argument(..., help="Files or folders (.txt .pdf .docx .xlsx .xls)."),
               home: Optional[Path] = HomeOpt):
    """Parse documents into raw Parquet; every input is parsed or quarantined with a reason."""
    _check_paths(paths)
    h = resolve_home(home)
    try:
        with run_lock(h):
            _print_ingest(_ingest(paths, h))
    except RunError as e:
        _fail(e)


@app.command("build")
def build_cmd(home: Optional[Path] = HomeOpt):
    """`dbt build` over the raw Parquet into a new file, then publish it as warehouse.duckdb."""
    h = resolve_home(home)
    try:
        with run_lock(h):
            staged = _build(h)
            publish(h, staged)
            console.print(f"warehouse: {h.warehouse}")
    except RunError as e:
        _fail(e)


@app.command("check")
def check_cmd(home: Optional[Path] = HomeOpt):
    """Run the identity suite on the published warehouse and write the reports."""
    h = resolve_home(home)
    run_id = new_run_id()
    staged = None
    try:
        with run_lock(h):
            staged = stage_copy_of_published(h)
            result = _check(h, staged, run_id)
            publish(h, staged)
            _print_findings(result, h, run_id)
    except RunError as e:
        discard(staged)
        _fail(e)


@app.command("run")
def run_cmd(paths: List[Path] = typer.Argument(None, help="Files or folders; default: the bundled samples."),
            home: Optional[Path] = HomeOpt):
    """ingest → dbt build → checks → publish → report. With no PATH, the sample documents."""
    paths = list(paths) if paths else [SAMPLES]
    _check_paths(paths)
    h = resolve_home(home)
    run_id = new_run_id()
    console.print(f"fdw run {run_id}  home: {h.root}")
    staged = None
    try:
        with run_lock(h):
            _print_ingest(_ingest(paths, h))
            staged = _build(h)
            result = _check(h, staged, run_id)
            publish(h, staged)
            staged = None
            _print_findings(result, h, run_id)
    except RunError as e:
        discard(staged)
        _fail(e)


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
