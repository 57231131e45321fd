"""Building and publishing the warehouse.

DuckDB has one writer, and an analyst's open read connection must never see a half-built file. So
`dbt build` writes a *new* file under <home>/.build/, the checks run on that file after dbt has
exited, and only then is it renamed over <home>/warehouse.duckdb (an atomic rename: readers that
hold the old file keep reading the old one). A failed build leaves the published warehouse as it was.
"""
from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from loaders.reference import PROJECT_ROOT

WAREHOUSE = "warehouse.duckdb"


class RunError(Exception):
    """The run itself could not complete (as opposed to findings about documents)."""


class RunBusy(RunError):
    """Another run holds the home folder."""


@dataclass
class Home:
    root: Path

    @property
    def raw(self) -> Path:
        return self.root / "raw"

    @property
    def warehouse(self) -> Path:
        return self.root / WAREHOUSE

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    @property
    def build_dir(self) -> Path:
        return self.root / ".build"

    def discard_stale_builds(self) -> None:
        """Staged files a killed run left behind. Call only under the run lock (no build is running)."""
        for stale in self.build_dir.glob("warehouse.*.duckdb*"):
            stale.unlink(missing_ok=True)

    def staging_file(self) -> Path:
        self.build_dir.mkdir(parents=True, exist_ok=True)
        return self.build_dir / f"warehouse.{uuid.uuid4().hex[:8]}.duckdb"


def resolve_home(home: str | Path | None) -> Home:
    root = Path(home or os.environ.get("FDW_HOME") or "data").expanduser().resolve()
    root.mkdir(parents=True, exist_ok=True)
    return Home(root)


def new_run_id() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]


@contextmanager
def run_lock(home: Home):
    """One run at a time per home folder: a second one refuses at once instead of waiting."""
    path = home.root / ".fdw.lock"
    fh = open(path, "a+")
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        fh.close()
        raise RunBusy(f"another fdw run is already using {home.root} (lock {path}); try again when it has finished")
    try:
        yield
    finally:
        fcntl.flock(fh, fcntl.LOCK_UN)
        fh.close()


def _dbt_executable() -> str:
    sibling = Path(sys.executable).with_name("dbt")
    return str(sibling) if sibling.exists() else (shutil.which("dbt") or "dbt")


def _dbt(home: Home, db_path: Path, *args: str) -> str:
    env = dict(os.environ)
    env.update({
        "FDW_DB_PATH": str(db_path),
        "FDW_RAW_DIR": str(home.raw),
        "DBT_PROFILES_DIR": str(PROJECT_ROOT),
        "DBT_TARGET_PATH": str(home.build_dir / "target"),
        "DBT_LOG_PATH": str(home.build_dir / "logs"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
        "DBT_USE_COLORS": "False",
    })
    proc = subprocess.run([_dbt_executable(), *args, "--project-dir", str(PROJECT_ROOT)], env=env,
                          cwd=str(PROJECT_ROOT), capture_output=True, text=True)
    out = proc.stdout + proc.stderr
    if proc.returncode != 0:
        tail = "\n".join(out.strip().splitlines()[-25:])
        raise RunError(f"dbt {args[0]} failed (exit {proc.returncode}); the published warehouse is unchanged.\n{tail}")
    return out


def dbt_build(home: Home, db_path: Path) -> str:
    """`dbt build` (seeds, models, tests) into db_path. Returns dbt's output; raises RunError."""
    return _dbt(home, db_path, "build")


def dbt_docs(home: Home) -> Path:
    """dbt's documentation site (one self-contained HTML file: models, columns, lineage, tests) for
    the published warehouse, written to <home>/docs/index.html. Generated against a private copy so
    it never needs a write lock on the published file."""
    staged = stage_copy_of_published(home)
    try:
        _dbt(home, staged, "docs", "generate", "--static")
    finally:
        discard(staged)
    out = home.root / "docs"
    out.mkdir(exist_ok=True)
    target = home.build_dir / "target"
    for name in ("manifest.json", "catalog.json"):
        shutil.copyfile(target / name, out / name)
    tmp = out / ".index.html.tmp"
    shutil.copyfile(target / "static_index.html", tmp)
    os.replace(tmp, out / "index.html")
    return out / "index.html"


def stage_copy_of_published(home: Home) -> Path:
    """A private copy of the published warehouse to add the checks' tables to."""
    if not home.warehouse.exists():
        raise RunError(f"no warehouse at {home.warehouse}: run `fdw build` (or `fdw run`) first")
    staged = home.staging_file()
    shutil.copyfile(home.warehouse, staged)
    return staged


# the tables fdw writes itself (not dbt): their columns are described in a dbt source declaration
FDW_TABLES = PROJECT_ROOT / "models" / "marts" / "_fdw_tables.yml"


def describe_fdw_tables(con) -> None:
    """DuckDB comments on the columns of the tables fdw writes itself (dq_findings, dq_rule_results,
    fdw_runs), from their source declaration: dbt's persist_docs comments only its own models."""
    import yaml

    spec = yaml.safe_load(FDW_TABLES.read_text(encoding="utf-8"))
    present = set(con.execute("select table_name, column_name from duckdb_columns() where schema_name = 'main'").fetchall())
    for source in spec["sources"]:
        for table in source["tables"]:
            for col in table.get("columns", []):
                if (table["name"], col["name"]) in present and col.get("description"):
                    text = col["description"].replace("'", "''")
                    con.execute(f'comment on column "{table["name"]}"."{col["name"]}" is \'{text}\'')


def publish(home: Home, staged: Path) -> Path:
    """Atomically replace the published warehouse with the staged file."""
    with duckdb.connect(str(staged)) as con:
        describe_fdw_tables(con)
        con.execute("checkpoint")
    wal = staged.with_name(staged.name + ".wal")
    if wal.exists():
        raise RunError(f"staged warehouse {staged} still has a write-ahead log; not publishing")
    os.replace(staged, home.warehouse)
    return home.warehouse


def discard(staged: Path | None) -> None:
    if staged is None:
        return
    for p in (staged, staged.with_name(staged.name + ".wal")):
        if p.exists():
            p.unlink()
