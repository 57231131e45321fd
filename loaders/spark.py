"""The same dbt project on Apache Spark (issue 14): `fdw build --engine spark`.

dbt-spark in session mode starts Spark inside the dbt process (pyspark, Java 17): `local[*]` unless
$FDW_SPARK_MASTER names a cluster (profiles.yml, target `spark`). Every model is a Parquet table,
rebuilt whole (plain Parquet has no DELETE, so the incremental delete+insert of the DuckDB build is
not available). The build writes into a new warehouse folder under <home>/.build/; the marts are
then loaded into a staged DuckDB file, so the checks, the reports and the analysts' warehouse.duckdb
are the same as after a DuckDB build, and `publish` renames the folder to <home>/spark-warehouse
beside it (Parquet tables for Spark SQL: <home>/spark-warehouse/<schema>.db/<table>/).
"""
from __future__ import annotations

import importlib.util
import json
import os
import sys
import shutil
from pathlib import Path

# Python workers (ingest's parse tasks) import loaders from this venv; set before any session starts
# (dbt-spark's in the build, fdw's in the checks), since a running context keeps the interpreter it began with
os.environ.setdefault("PYSPARK_PYTHON", sys.executable)

from loaders.warehouse import BuildPlan, Home, RunError, _dbt, connect, discard, project_fingerprint

ENGINES = ("duckdb", "spark")
PUBLISHED = "spark-warehouse"


def schema() -> str:
    return os.environ.get("FDW_SPARK_SCHEMA") or "fdw"


def unavailable() -> str | None:
    """Why Spark cannot run here (None when it can): the optional packages or Java missing."""
    missing = [m for m, mod in (("pyspark", "pyspark"), ("dbt-spark", "dbt.adapters.spark")) if not _importable(mod)]
    if missing:
        return f"{' and '.join(missing)} not installed (make install-spark)"
    java_home = os.environ.get("JAVA_HOME")
    if not shutil.which("java") and not (java_home and (Path(java_home) / "bin" / "java").exists()):
        return "no Java runtime (Spark needs Java 17: apt-get install openjdk-17-jre-headless)"
    return None


def _importable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def session_conf() -> dict[str, str]:
    """The Spark settings of the `spark` target in profiles.yml, for the sessions fdw starts itself
    (the checks): the same master, memory and SQL behaviour as the build."""
    return {
        "spark.master": os.environ.get("FDW_SPARK_MASTER") or "local[*]",
        "spark.sql.catalogImplementation": os.environ.get("FDW_SPARK_CATALOG") or "in-memory",
        "spark.driver.memory": os.environ.get("FDW_SPARK_DRIVER_MEMORY") or "1g",
        "spark.sql.shuffle.partitions": os.environ.get("FDW_SPARK_PARTITIONS") or "8",
        "spark.sql.session.timeZone": "UTC",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.parser.escapedStringLiterals": "true",
        "spark.sql.parquet.mergeSchema": "true",
        "spark.sql.ansi.enabled": "false",  # as dbt-spark sets it for the build: x / 0 is NULL, as in DuckDB
    }


def session(app: str = "fdw"):
    """A Spark session (the running one, or a new one with session_conf())."""
    reason = unavailable()
    if reason:
        raise RunError(f"cannot run on Spark: {reason}")
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName(app)
    for key, value in session_conf().items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def parse_files(files: list[Path], home: Path):
    """`fdw ingest --engine spark`: the files parsed as Spark tasks, each partition calling
    loaders.pipeline.parse_file per document as a worker process of the local pool does. Yields the
    results (records serialised, nothing landed) in input order; the caller lands them through the one
    writer (segments + manifest, atomic), so the raw layer is the same as a local ingest's. The file
    list and <home> must be readable by the executors (local mode, or a shared filesystem)."""
    spark = session("fdw-ingest")
    sc = spark.sparkContext
    root = str(home)

    def parse_partition(paths):
        from loaders.pipeline import parse_file
        from loaders.readers import ocr
        from loaders.writer import RawStore

        ocr.PAGE_WORKERS = 1  # Spark runs one task per core already: a scan's pages go one by one
        store = RawStore(Path(root))
        for p in paths:
            yield parse_file(Path(p), store)

    if not files:
        return iter(())
    slices = max(1, min(len(files), sc.defaultParallelism * 4))
    return sc.parallelize([str(f) for f in files], slices).mapPartitions(parse_partition).toLocalIterator()


def tables_folder(home: Home, staged: Path) -> Path:
    """The Spark tables the checks of a staged warehouse read: those built with it in this run, else
    the published <home>/spark-warehouse (fdw check --engine spark)."""
    folder = staged_folder(staged)
    return folder if folder.is_dir() else home.root / PUBLISHED


def staged_folder(staged: Path) -> Path:
    """The Spark warehouse folder built with a staged DuckDB file (published with it)."""
    return staged.with_name(staged.name + ".spark")


def build(home: Home) -> tuple[Path, BuildPlan]:
    """dbt build on Spark into a new warehouse folder, then its tables into a staged DuckDB file."""
    from loaders.writer import RawStore

    reason = unavailable()
    if reason:
        raise RunError(f"cannot build on Spark: {reason}")
    RawStore(home.root).ensure()
    staged = home.build_dir / "warehouse.spark.duckdb"
    folder = staged_folder(staged)
    discard(staged)
    shutil.rmtree(folder, ignore_errors=True)
    home.build_dir.mkdir(parents=True, exist_ok=True)
    try:
        _dbt(home, staged, "build", "--target", "spark", "--full-refresh", env_extra={
            "FDW_SPARK_WAREHOUSE": str(folder),
            "DBT_TARGET_PATH": str(home.build_dir / "target-spark"),
        })
        load_marts(home, staged, folder)
    except BaseException:
        discard(staged)
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return staged, BuildPlan(False, "full build on Spark (every model rebuilt)", _count_keys(staged, home))


def built_tables(home: Home) -> list[str]:
    """The relations the last Spark build made (models and seeds), from dbt's own manifest."""
    manifest = json.loads((home.build_dir / "target-spark" / "manifest.json").read_text(encoding="utf-8"))
    return sorted(n.get("alias") or n["name"] for n in manifest["nodes"].values()
                  if n["resource_type"] in ("model", "seed") and n.get("config", {}).get("materialized") != "ephemeral")


def load_marts(home: Home, staged: Path, folder: Path) -> None:
    """Every table Spark wrote (Parquet folders) into the staged DuckDB file, and the build state the
    checks read. The fingerprint is marked spark: the next DuckDB build is a full one."""
    db = folder / f"{schema()}.db"
    manifest = home.raw / "manifest" / "manifest.parquet"
    with connect(staged, home.duckdb_tmp) as con:
        for name in built_tables(home):
            part = db / name
            if not part.is_dir():
                raise RunError(f"Spark build wrote no table {name} under {db}")
            con.execute(f"create table \"{name}\" as select * from read_parquet('{part}/*.parquet')")
        con.execute(f"create table fdw_changes as select key, cast(null as varchar) as unit_id_before from read_parquet('{manifest}')")
        con.execute(f"create table fdw_build_state as select key, batch from read_parquet('{manifest}')")
        con.execute("create table fdw_build_meta as select ? as fingerprint, 'spark' as mode, "
                    "(select count(*) from fdw_changes) as changed, false as checked", ["spark:" + project_fingerprint()])
        con.execute("comment on table fdw_changes is 'The documents (and quarantined inputs) the last build re-derived; unit_id_before: their unit in the build before.'")


def _count_keys(staged: Path, home: Home) -> int:
    with connect(staged, home.duckdb_tmp) as con:
        return con.execute("select count(*) from fdw_changes").fetchall()[0][0]


def publish_folder(home: Home, staged: Path) -> None:
    """After a staged DuckDB file was published. Built on Spark: its warehouse folder replaces
    <home>/spark-warehouse. Checked (fdw check) after a Spark build: the findings are rewritten there.
    Either way the findings (dq_findings, dq_rule_results) are written as Parquet beside the marts."""
    folder = staged_folder(staged)
    target = home.root / PUBLISHED
    if folder.is_dir():
        _write_findings(home, folder)
        old = home.build_dir / (PUBLISHED + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if target.exists():
            os.replace(target, old)
        os.replace(folder, target)
        shutil.rmtree(old, ignore_errors=True)
    elif target.is_dir() and built_on_spark(home.warehouse):
        _write_findings(home, target)


def built_on_spark(warehouse: Path) -> bool:
    import duckdb

    if not warehouse.exists():
        return False
    with duckdb.connect(str(warehouse), read_only=True) as con:
        if not con.execute("select count(*) from duckdb_tables() where table_name = 'fdw_build_meta'").fetchall()[0][0]:
            return False
        return con.execute("select mode from fdw_build_meta").fetchall()[0][0] == "spark"


def _write_findings(home: Home, folder: Path) -> None:
    import duckdb

    db = folder / f"{schema()}.db"
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        tables = {r[0] for r in con.execute("select table_name from duckdb_tables() where schema_name = 'main'").fetchall()}
        for name in ("dq_findings", "dq_rule_results"):
            if name in tables:
                (db / name).mkdir(parents=True, exist_ok=True)
                tmp = db / name / ".part-00000.parquet.tmp"
                con.execute(f"copy {name} to '{tmp}' (format parquet)")
                os.replace(tmp, db / name / "part-00000.parquet")


# the columns of the findings that name the run, not the finding
RUN_COLUMNS = {"run_id", "checked_at", "created_at"}


def compare_warehouses(left: Path, right: Path) -> dict[str, tuple[int, int, int]]:
    """Every mart (dim_*, fct_*) and check table (dq_*) of two warehouse files, row for row (the
    columns naming the run left out): {table: (rows only in left, rows only in right, rows in left)}.
    A table or column present in one only is reported as (-1, -1, n)."""
    import duckdb

    con = duckdb.connect()
    con.execute(f"attach '{left}' as l (read_only)")
    con.execute(f"attach '{right}' as r (read_only)")

    def tables(db: str) -> set[str]:
        return {t for (t,) in con.execute("select table_name from duckdb_tables() where database_name = ? and schema_name = 'main'",
                                          [db]).fetchall() if t.startswith(("dim_", "fct_", "dq_"))}

    def columns(table: str) -> list[str]:
        return [c for (c,) in con.execute(f'select column_name from (describe {table})').fetchall() if c not in RUN_COLUMNS]

    out = {}
    for t in sorted(tables("l") | tables("r")):
        n = con.execute(f'select count(*) from l."{t}"').fetchall()[0][0] if t in tables("l") else 0
        if t not in tables("l") or t not in tables("r") or sorted(columns(f'l."{t}"')) != sorted(columns(f'r."{t}"')):
            out[t] = (-1, -1, n)
            continue
        cols = ", ".join(f'"{c}"' for c in columns(f'l."{t}"'))
        only = [con.execute(f'select count(*) from (select {cols} from {a}."{t}" except all select {cols} from {b}."{t}")').fetchall()[0][0]
                for a, b in (("l", "r"), ("r", "l"))]
        out[t] = (only[0], only[1], n)
    return out
