"""The real corpus on both engines (issue 14): `make accuracy-spark`.

`fdw run` on the accuracy corpus (bench/accuracy.py: the labelled excerpts and real files) on DuckDB;
then the same raw layer, copied into a second home, built with `fdw build --engine spark` and checked
with `fdw check --engine spark` (the rules in Spark SQL, Great Expectations on Spark). Every mart and
every check table of the two warehouses is compared row for row (loaders.spark.compare_warehouses),
and the accuracy harness scores the Spark home as it scores the DuckDB one. Exit 1 when anything
differs. Takes minutes (Spark starts twice, the build rebuilds every model); not part of `make test`.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.accuracy import corpus_paths, evaluate, label_sets, print_report, run_pipeline  # noqa: E402
from loaders import spark  # noqa: E402

def fdw(*args: str) -> float:
    t0 = time.time()
    proc = subprocess.run([str(Path(sys.executable).parent / "fdw"), *args], capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-3000:] + proc.stderr[-3000:])
        raise SystemExit(f"fdw {' '.join(args[:1])} failed (exit {proc.returncode})")
    return time.time() - t0


def summary(rep: dict) -> dict:
    """The figures of an accuracy report: per kind (documents, facts found, identities reported) and
    per real-file folder (files, parsed, errors, warnings)."""
    return {"kinds": rep["kinds"],
            "files": {fk: {k: v[k] for k in ("files", "parsed", "errors", "warnings")} for fk, v in rep["files"].items()}}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--home", type=Path, help="folder for the two homes (default: a fresh temporary one)")
    args = ap.parse_args(argv)
    reason = spark.unavailable()
    if reason:
        print(f"Spark not available here: {reason}")
        return 0
    sets = label_sets()
    if not sets:
        print("no labelled corpus: nothing to compare")
        return 0
    base = args.home or Path(tempfile.mkdtemp(prefix="fdw-engines-"))
    duck, spk = base / "duckdb", base / "spark"
    t_duck = run_pipeline(corpus_paths(sets), duck)
    spk.mkdir(parents=True, exist_ok=True)
    shutil.copytree(duck / "raw", spk / "raw", dirs_exist_ok=True)
    t_build = fdw("build", "--home", str(spk), "--engine", "spark")
    t_check = fdw("check", "--home", str(spk), "--engine", "spark")
    diff = spark.compare_warehouses(duck / "warehouse.duckdb", spk / "warehouse.duckdb")
    differing = {t: d for t, d in diff.items() if d[:2] != (0, 0)}
    rep_duck, rep_spark = evaluate(duck, sets), evaluate(spk, sets)
    print(f"fdw run (DuckDB): {t_duck:.0f} s; fdw build --engine spark: {t_build:.0f} s; fdw check --engine spark: {t_check:.0f} s")
    print(f"{len(diff)} tables compared (marts and check tables), rows: "
          f"{sum(d[2] for d in diff.values())}; differing: {len(differing)}")
    for t, (only_duck, only_spark, n) in differing.items():
        print(f"  {t}: {only_duck} of {n} rows only on DuckDB, {only_spark} only on Spark" if only_duck >= 0
              else f"  {t}: tables or columns differ")
    findings = diff.get("dq_findings", (0, 0, 0))[2]
    print(f"dq_findings: {findings} rows on DuckDB, {'the same' if 'dq_findings' not in differing else 'NOT the same'} on Spark")
    same_scores = summary(rep_duck) == summary(rep_spark)
    print(f"accuracy scores: {'the same on both engines' if same_scores else 'DIFFER'}")
    print_report(rep_spark, t_build + t_check)
    print(f"homes: {duck} {spk}")
    return 0 if not differing and same_scores else 1


if __name__ == "__main__":
    raise SystemExit(main())
