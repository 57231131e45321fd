"""Building and publishing the warehouse.

DuckDB has one writer, and an analyst's open read connection must never see a half-built file. So
`dbt build` writes a *new* file under <home>/.build/ (an incremental build: a copy of the published
file, re-derived for the documents landed or changed since it was built), the checks run on that file after dbt has
exited, and only then is it renamed over <home>/warehouse.duckdb (an atomic rename: readers that
hold the old file keep reading the old one). A failed build leaves the published warehouse as it was.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from loaders.reference import PROJECT_ROOT, load_yaml

WAREHOUSE = "warehouse.duckdb"

# DuckDB's memory limit for the build, the checks and raw-segment merges ($FDW_MEMORY_LIMIT, DuckDB's
# syntax: "1GB", "1500MB"); past it DuckDB spills to the temp directory under <home>/.build.
MEMORY_LIMIT = "1GB"


def duckdb_settings(temp_dir: Path) -> dict[str, str]:
    """The settings every DuckDB connection of a run gets (dbt's through profiles.yml's env vars)."""
    return {"memory_limit": os.environ.get("FDW_MEMORY_LIMIT") or MEMORY_LIMIT, "temp_directory": str(temp_dir),
            "preserve_insertion_order": "false"}


def connect(db_path: Path, temp_dir: Path):
    """A read-write connection to a staged warehouse with the run's DuckDB settings."""
    con = duckdb.connect(str(db_path))
    for name, value in duckdb_settings(temp_dir).items():
        con.execute(f"set {name} = '{value}'")
    return con


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
            shutil.rmtree(stale, ignore_errors=True) if stale.is_dir() else stale.unlink(missing_ok=True)

    @property
    def duckdb_tmp(self) -> Path:
        return self.build_dir / "duckdb_tmp"

    def staging_file(self) -> Path:
        self.build_dir.mkdir(parents=True, exist_ok=True)
        return self.build_dir / f"warehouse.{uuid.uuid4().hex[:8]}.duckdb"


def resolve_home(home: str | Path | None) -> Home:
    root = Path(home or os.environ.get("FDW_HOME") or "data").expanduser().resolve()
    root.mkdir(parents=True, exist_ok=True)
    return Home(root)


def run_id_at(moment: datetime, suffix: str) -> str:
    """A run's name: its UTC start and a random suffix, joined by "_". Great Expectations reads every
    run name as a date with dateutil when it titles a Data Docs page; joined by "-", one suffix in about
    1,700 (such as "-8813ad") reads as a UTC offset beyond 24 hours and the run's pages are not written.
    dateutil stops at "_" (not a token a date may contain), whatever the suffix."""
    return moment.strftime("%Y%m%dT%H%M%SZ") + "_" + suffix


def new_run_id() -> str:
    return run_id_at(datetime.now(timezone.utc), uuid.uuid4().hex[:6])


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


def _dbt_command() -> list[str]:
    """The dbt process: this interpreter running loaders/dbt_worker.py (dbt's programmatic entry
    point, arguments on stdin)."""
    return [sys.executable, "-m", "loaders.dbt_worker"]


def _dbt_env(home: Home, db_path: Path, env_extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    settings = duckdb_settings(home.duckdb_tmp)
    env.update({
        "FDW_DB_PATH": str(db_path),
        "FDW_MEMORY_LIMIT": settings["memory_limit"],
        "FDW_DUCKDB_TEMP": settings["temp_directory"],
        "FDW_RAW_DIR": str(home.raw),
        "DBT_PROFILES_DIR": str(PROJECT_ROOT),
        "DBT_TARGET_PATH": str(home.build_dir / "target"),
        "DBT_LOG_PATH": str(home.build_dir / "logs"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
        "DBT_USE_COLORS": "False",
    })
    # dbt.log at info (a line per node and test, and errors) unless the caller asks for more:
    # at debug it logs every statement, about a tenth of an incremental build's time
    env.setdefault("DBT_LOG_LEVEL_FILE", "info")
    env.update(env_extra or {})
    return env


class Dbt:
    """One dbt invocation in a process of its own, started before its arguments are known, so that
    dbt's imports and (parse=True) the parse of the project overlap whatever the caller does
    meanwhile: `fdw run` starts it before the ingest. The profile's database (db_path) and the
    environment are fixed at start. `run(*args)` sends the arguments and waits; `close()` stops a
    process that was never given any. Use as a context manager."""

    def __init__(self, home: Home, db_path: Path, parse: bool = False, env_extra: dict[str, str] | None = None):
        import tempfile

        home.build_dir.mkdir(parents=True, exist_ok=True)
        env = _dbt_env(home, db_path, env_extra)
        if parse:
            env["FDW_DBT_PARSE_FIRST"] = str(PROJECT_ROOT)
        self.db_path = db_path
        self._out = tempfile.TemporaryFile("w+", encoding="utf-8", dir=home.build_dir)
        self._proc = subprocess.Popen(_dbt_command(), stdin=subprocess.PIPE, stdout=self._out, stderr=subprocess.STDOUT,
                                      env=env, cwd=str(PROJECT_ROOT), text=True)

    def run(self, *args: str) -> str:
        """dbt's arguments (`build`, …): runs them, returns dbt's output; raises RunError when dbt fails."""
        try:
            self._proc.stdin.write(json.dumps([*args, "--project-dir", str(PROJECT_ROOT)]) + "\n")
            self._proc.stdin.close()
        except OSError:  # it exited already: its exit code and output say why
            pass
        code = self._proc.wait()
        self._out.seek(0)
        out = self._out.read()
        self._out.close()
        if code != 0:
            tail = "\n".join(out.strip().splitlines()[-25:])
            raise RunError(f"dbt {args[0]} failed (exit {code}); the published warehouse is unchanged.\n{tail}")
        return out

    def close(self) -> None:
        if self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()
        if self._proc.stdin and not self._proc.stdin.closed:
            self._proc.stdin.close()
        if not self._out.closed:
            self._out.close()

    def __enter__(self) -> "Dbt":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _dbt(home: Home, db_path: Path, *args: str, env_extra: dict[str, str] | None = None) -> str:
    """One dbt invocation, started now."""
    with Dbt(home, db_path, env_extra=env_extra) as dbt:
        return dbt.run(*args)


def dbt_build(home: Home, db_path: Path, full_refresh: bool = True, dbt: Dbt | None = None,
              exclude: list[str] | None = None, write_json: bool = False) -> str:
    """`dbt build` (seeds, models, tests) into db_path, in `dbt` when a process was started for it
    (start_build_dbt), else in a new one. Returns dbt's output; raises RunError.
    Incremental: into a copy of the published warehouse, whose seeds are current (the project
    fingerprint covers them), so they are not loaded again. write_json: keep dbt's manifest.json of an
    incremental build (a full build always writes it)."""
    args = ["build", *(["--full-refresh"] if full_refresh else ["--exclude", "resource_type:seed", *(exclude or [])])]
    if not full_refresh and not write_json and "DBT_WRITE_JSON" not in os.environ:
        # dbt's JSON artefacts (manifest.json, run_results.json) cost a twentieth of an incremental
        # build: a full build writes them, an incremental one (unless DBT_WRITE_JSON is set) removes
        # the last run's results rather than leave them to be mistaken for its own; its nodes'
        # outcomes are in dbt.log
        args.append("--no-write-json")
        (home.build_dir / "target" / "run_results.json").unlink(missing_ok=True)
    if dbt is None:
        return _dbt(home, db_path, *args)
    if dbt.db_path != db_path:
        raise ValueError(f"the dbt process was started for {dbt.db_path}, not {db_path}")
    return dbt.run(*args)


def _raw_only_models() -> dict[str, list[tuple[str, str]]]:
    """The models that read nothing but raw tables (their SQL's only inputs are `landed(name[, key])`
    calls, macros/landed.sql): model -> [(raw table, key column)]."""
    out = {}
    for sql in sorted((PROJECT_ROOT / "models").rglob("*.sql")):
        text = sql.read_text(encoding="utf-8")
        calls = re.findall(r"landed\(\s*'(\w+)'\s*(?:,\s*'(\w+)'\s*)?\)", text)
        if calls and not re.search(r"\b(ref|source)\s*\(", text):
            out[sql.stem] = [(name, key or "doc_id") for name, key in calls]
    return out


def untouched_models(con, home: Home) -> list[str]:
    """Models of an incremental build with nothing to re-derive: they read only raw tables, none of
    which holds a row of a changed key in the segments this build reads, and their own table holds no
    row of a changed key (a document parsed again into fewer tables, or gone, still has rows to
    delete). Left out of the build (`--exclude`), with their tests: their tables are the published ones."""
    segments = [r[0] for r in con.execute("select segment from fdw_change_segments order by 1").fetchall()]
    tables = {r[0] for r in con.execute("select table_name from duckdb_tables() where schema_name = 'main'").fetchall()}
    out = []
    for model, inputs in _raw_only_models().items():
        if model not in tables:
            return []  # not a warehouse this project built: build everything
        touched = False
        for name, key in inputs:
            files = [str(f).replace("'", "''") for seg in segments if (f := home.raw / name / f"{seg}.parquet").exists()]
            listed = ", ".join(f"'{f}'" for f in files)  # SQL string literals (a home path may hold a quote)
            if files and con.execute(f"select count(*) from read_parquet([{listed}], union_by_name = true) "
                                     f"where {key} in (select key from fdw_changes)").fetchall()[0][0]:
                touched = True
            columns = {r[0] for r in con.execute(f"select column_name from duckdb_columns() where schema_name = 'main' and table_name = '{model}'").fetchall()}
            if key not in columns or con.execute(f'select count(*) from main."{model}" where {key} in (select key from fdw_changes)').fetchall()[0][0]:
                touched = True
        if not touched:
            out.append(model)
    return out


def staged_build(home: Home) -> Path:
    """The one path every DuckDB build writes to (dbt re-parses the whole project when its profile's
    path changes)."""
    return home.build_dir / "warehouse.build.duckdb"


def start_build_dbt(home: Home) -> Dbt:
    """A dbt process for the next build, started now: it imports dbt and parses the project while
    the caller ingests (`fdw run`); pass it to build(). Close it if the run stops before its build."""
    return Dbt(home, staged_build(home), parse=True)


# What a build depends on besides the raw data: when any of it changes, the next build is a full one
# (an incremental model would keep rows derived by the old SQL, a table the old columns).
FINGERPRINTED = ("models", "macros", "seeds", "dbt_project.yml", "profiles.yml", "expectations/rules.yaml",
                 "expectations/rules", "expectations/runner.py", "loaders/writer.py")


def project_fingerprint() -> str:
    h = hashlib.sha256()
    for name in FINGERPRINTED:
        path = PROJECT_ROOT / name
        for f in sorted([path] if path.is_file() else (p for p in path.rglob("*") if p.is_file())):
            h.update(str(f.relative_to(PROJECT_ROOT)).encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


@dataclass
class BuildPlan:
    incremental: bool
    reason: str  # why a full build, or what the incremental one covers
    changed: int = 0  # keys (documents, quarantined inputs) landed, changed or gone since the last build
    untouched: list[str] = field(default_factory=list)  # models an incremental build left out (untouched_models)
    stored_tests: list[str] = field(default_factory=list)  # data tests run as one query (fdw_dbt_tests), not in dbt


def _published_state(home: Home) -> tuple[str | None, bool]:
    """(fingerprint, has findings) of the published warehouse; (None, False) when it has no build state."""
    if not home.warehouse.exists():
        return None, False
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        tables = {r[0] for r in con.execute("select table_name from duckdb_tables() where schema_name = 'main'").fetchall()}
        if not {"fdw_build_meta", "fdw_build_state"} <= tables:
            return None, False
        return con.execute("select fingerprint from fdw_build_meta").fetchall()[0][0], "dq_findings" in tables


def build(home: Home, full_refresh: bool = False, dbt: Dbt | None = None) -> tuple[Path, BuildPlan]:
    """Build the warehouse into a staged file: incrementally from a copy of the published warehouse
    when it was built by the same project (only documents landed, changed or gone since then are
    re-derived), else from scratch. The staged file records the manifest it was built from
    (fdw_build_state), the keys this build covered (fdw_changes, with the unit each had before, for
    the checks) and the project fingerprint (fdw_build_meta). `dbt`: a process start_build_dbt
    started earlier (closed here, used or not), else dbt is started when needed."""
    staged = staged_build(home)
    try:
        return _build(home, staged, full_refresh, dbt)
    except duckdb.Error as e:  # e.g. Out of Memory under FDW_MEMORY_LIMIT: the run fails, nothing is published
        discard(staged)
        raise RunError(f"build failed; the published warehouse is unchanged: {e}") from e
    finally:
        if dbt is not None:
            dbt.close()


def _build(home: Home, staged: Path, full_refresh: bool, dbt: Dbt | None) -> tuple[Path, BuildPlan]:
    from loaders.writer import RawStore

    store = RawStore(home.root)
    store.ensure()
    manifest = home.raw / "manifest" / "manifest.parquet"
    fingerprint = project_fingerprint()
    tests_key = f"{fingerprint}:{_dbt_core_version()}"
    published, _ = (None, False) if full_refresh else _published_state(home)
    plan = BuildPlan(False, "full refresh requested" if full_refresh else
                     "no published warehouse built from the raw layer" if published is None else
                     "project changed since the last build" if published != fingerprint else "")
    # one path for every build (`staged`): dbt re-parses the whole project when its profile (the path) changes
    discard(staged)
    if plan.reason:
        home.build_dir.mkdir(parents=True, exist_ok=True)
    else:
        shutil.copyfile(home.warehouse, staged)
    with connect(staged, home.duckdb_tmp) as con:
        con.execute(f"create or replace temp view m as select key, segment, batch from read_parquet('{manifest}')")
        if plan.reason:
            con.execute("create or replace table fdw_changes as select key, cast(null as varchar) as unit_id_before from m")
        else:
            # a key changed when the batch it landed in differs (compaction moves rows, not batches);
            # what the last build changed stays in scope for the checks until a run has checked it
            con.execute("""create or replace temp table changes as
                with changed as (
                    select key from m where not exists (select 1 from fdw_build_state b where b.key = m.key and b.batch = m.batch)
                    union
                    select key from fdw_build_state b where not exists (select 1 from m where m.key = b.key)
                )
                select c.key, u.unit_id as unit_id_before from changed c
                left join (select doc_id, unit_id from int_documents union select doc_id, unit_id from int_evaluations) u
                  on u.doc_id = c.key
                union all
                select key, unit_id_before from fdw_changes where not (select checked from fdw_build_meta)
                union all
                -- a budget's 报表 file that prints no unit or year takes them from its 说明 file
                -- (int_budget_parts), which may land in another run: when anything changed, the 报表
                -- files without a unit of their own, or paired before, are re-derived as well
                select d.doc_id, d.unit_id from int_documents d
                where exists (select 1 from changed)
                  and (d.doc_id in (select tables_doc_id from int_budget_parts)
                       or (d.doc_kind = 'budget' and d.n_tables > 0 and d.parts_of is null
                           and (d.unit_name is null or d.fiscal_year is null)))""")
            con.execute("create or replace table fdw_changes as select distinct key, unit_id_before from changes")
            # the segments that hold them: the only raw files the models read (macros/landed.sql)
            con.execute("create or replace table fdw_change_segments as select distinct segment from m where key in (select key from fdw_changes)")
            plan.incremental = True
            plan.untouched = untouched_models(con, home)
            plan.stored_tests = stored_tests(con, tests_key)
        plan.changed = con.execute("select count(distinct key) from fdw_changes").fetchall()[0][0]
        if plan.incremental:
            plan.reason = f"incremental: {plan.changed} document(s) landed, changed or gone since the last build" + (
                f"; {len(plan.untouched)} staging model(s) with nothing to re-derive left as published" if plan.untouched else "") + (
                "; its data tests run in one query (fdw_dbt_tests)" if plan.stored_tests else
                "; its data tests run in dbt and are kept for the next incremental build")
        con.execute("comment on table fdw_changes is 'The documents (and quarantined inputs) the last build re-derived; unit_id_before: their unit in the build before.'")
    keep_tests = not plan.stored_tests and not os.environ.get("DBT_TESTS_IN_DBT")
    try:
        if plan.stored_tests:  # those data tests as one query (run_stored_tests), not as dbt's nodes
            dbt_build(home, staged, full_refresh=False, dbt=dbt, exclude=[*plan.untouched, *plan.stored_tests])
            run_stored_tests(home, staged, left_out=plan.untouched)  # its outcome goes to dbt.log; a failing test raises
        else:  # the tests run in dbt, which compiles them; they are kept for the next incremental builds
            dbt_build(home, staged, full_refresh=not plan.incremental, dbt=dbt, exclude=plan.untouched,
                      write_json=keep_tests and plan.incremental)
        with connect(staged, home.duckdb_tmp) as con:
            if keep_tests:
                store_tests(home, con, tests_key)
            con.execute(f"create or replace table fdw_build_state as select key, batch from read_parquet('{manifest}')")
            con.execute("create or replace table fdw_build_meta as select ? as fingerprint, ? as mode, ? as changed, false as checked",
                        [fingerprint, "incremental" if plan.incremental else "full", plan.changed])
            con.execute("comment on table fdw_build_state is 'The raw manifest this warehouse was built from (key, batch): the next build re-derives what changed since.'")
    except BaseException:
        discard(staged)
        raise
    return staged, plan


# Data tests of an incremental build as one query (issue 13). dbt runs each data test as a node of its
# own: compiling it, a connection, events, results — ≈ 11 ms of dbt's Python per test, 1.3 s of a
# 100-document run at 20k for its 115 tests, whose SQL (narrowed to the changed documents:
# macros/test_scope.sql) takes a fifth of that. The SQL dbt compiles for them in an incremental build
# is the same in every incremental build of the same project (it names main.fdw_changes, not its
# contents), and a full build compiles the same SQL with the scope's predicate replaced by `true` and
# named in a comment beside it. So a full build keeps what dbt compiled (fdw_dbt_tests, from its
# manifest.json) with the predicate put back, and the incremental builds of the same project and dbt
# after it run the models (and any test not kept) in dbt and the kept tests here, in one statement,
# with dbt's own test semantics (get_test_sql: fail_calc, warn_if, error_if, limit, severity). A build
# without kept tests (a warehouse from before them) runs its tests in dbt and keeps them. A project
# change makes the next build a full one, which keeps its own. DBT_TESTS_IN_DBT=1 keeps every test in
# dbt and none in the warehouse.
def _dbt_core_version() -> str:
    from importlib.metadata import version

    return version("dbt-core")


def stored_tests(con, key: str) -> list[str]:
    """The names of the warehouse's stored tests when the same project and dbt version compiled them."""
    if os.environ.get("DBT_TESTS_IN_DBT") or not con.execute(
            "select count(*) from duckdb_tables() where schema_name = 'main' and table_name = 'fdw_dbt_tests'").fetchall()[0][0]:
        return []
    if con.execute("select count(*) from fdw_dbt_tests where build_key <> ?", [key]).fetchall()[0][0]:
        return []
    return [r[0] for r in con.execute("select name from fdw_dbt_tests order by name").fetchall()]


TEST_SCOPE = re.compile(r"/\* fdw_test_scope: (.+?) \*/ \(true\)")  # a full build's scope (macros/test_scope.sql)


def store_tests(home: Home, con, key: str) -> int:
    """Keep the data tests dbt compiled and ran in this build (target/manifest.json) in fdw_dbt_tests,
    in the form an incremental build compiles them (a full build's tests get their scope's predicate
    back: TEST_SCOPE), each with the models it reads. Not kept: the tests of seeds (an incremental build
    loads no seed, and dbt leaves their tests out with them) and, in an incremental build, those of the
    models it left out (untouched_models; dbt compiled none): later builds leave them to dbt."""
    import pyarrow as pa

    manifest = json.loads((home.build_dir / "target" / "manifest.json").read_text(encoding="utf-8"))
    nodes = manifest["nodes"]
    rows = [{"unique_id": uid, "name": n["name"], "severity": str(n["config"]["severity"]).lower(),
             "fail_calc": n["config"]["fail_calc"], "warn_if": n["config"]["warn_if"], "error_if": n["config"]["error_if"],
             "limit_rows": n["config"].get("limit"),
             "models": " ".join(sorted(nodes[d]["name"] for d in n["depends_on"]["nodes"] if d.startswith("model."))),
             # relations without their catalog (the staged file's name when dbt compiled them): the
             # tests read whichever copy of the warehouse they run in
             "compiled_sql": TEST_SCOPE.sub(lambda m: f"/* fdw_test_scope: {m[1]} */ ({m[1]})",
                                            n["compiled_code"].replace(f'"{n["database"]}"."', '"') if n.get("database") else n["compiled_code"]),
             "build_key": key}
            for uid, n in sorted(nodes.items()) if n["resource_type"] == "test" and n.get("compiled_code")
            and not any(d.startswith("seed.") for d in n["depends_on"]["nodes"])]
    if not rows:
        return 0
    con.register("compiled_tests", pa.Table.from_pylist(rows, schema=pa.schema(
        [(c, pa.int64() if c == "limit_rows" else pa.string()) for c in rows[0]])))
    con.execute("create or replace table fdw_dbt_tests as select * from compiled_tests")
    con.unregister("compiled_tests")
    con.execute("comment on table fdw_dbt_tests is 'The data tests of this project as dbt compiles them for an incremental build: later incremental builds run them in one query.'")
    return len(rows)


def run_stored_tests(home: Home, staged: Path, left_out: list[str] = ()) -> str:
    """Run fdw_dbt_tests in the staged warehouse as dbt would (its get_test_sql) in one statement:
    a test with severity error whose error_if holds fails the build (RunError, nothing published), one
    with severity warn whose warn_if holds is a warning. The tests of models this build left out (their
    tables are the published ones; dbt leaves out a left-out model's tests) are not run. The outcome is
    appended to dbt.log and returned."""
    with connect(staged, home.duckdb_tmp) as con:
        tests = [t[1:] for t in con.execute("""select models, name, severity, fail_calc, warn_if, error_if, limit_rows, compiled_sql
                                               from fdw_dbt_tests order by unique_id""").fetchall()
                 if not set(t[0].split()) & set(left_out)]
        parts = [f"""select {i} as i, {fail_calc} as failures, {fail_calc} {warn_if} as should_warn,
                        {fail_calc} {error_if} as should_error
                     from (\n{sql}\n{f"limit {limit}" if limit is not None else ""}\n) dbt_internal_test"""
                 for i, (_, _, fail_calc, warn_if, error_if, limit, sql) in enumerate(tests)]
        outcome = {i: (failures, warn, error) for i, failures, warn, error in
                   (con.execute("\nunion all\n".join(parts)).fetchall() if parts else [])}
    errors = [f"{t[0]} ({outcome[i][0]} failing)" for i, t in enumerate(tests) if t[1] == "error" and outcome[i][2]]
    warns = [f"{t[0]} ({outcome[i][0]} failing)" for i, t in enumerate(tests)
             if (t[1] == "warn" and outcome[i][1]) or (t[1] == "error" and outcome[i][1] and not outcome[i][2])]
    line = (f"{len(tests)} data tests of this incremental build run in one query (fdw_dbt_tests): "
            f"PASS={len(tests) - len(errors) - len(warns)} WARN={len(warns)} ERROR={len(errors)}"
            + "".join(f"\n  ERROR {e}" for e in errors) + "".join(f"\n  WARN {w}" for w in warns))
    log = home.build_dir / "logs" / "dbt.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "a", encoding="utf-8") as f:
        f.write(f"{datetime.now(timezone.utc):%H:%M:%S.%f} [info ] [fdw]: {line}\n")
    if errors:
        raise RunError(f"dbt data tests failed; the published warehouse is unchanged.\n{line}")
    return line


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
    spec = load_yaml(FDW_TABLES)
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
    from loaders import spark  # a warehouse built on Spark: its Parquet tables are published beside it

    spark.publish_folder(home, staged)
    return home.warehouse


def discard(staged: Path | None) -> None:
    if staged is None:
        return
    shutil.rmtree(staged.with_name(staged.name + ".spark"), ignore_errors=True)
    for p in (staged, staged.with_name(staged.name + ".wal")):
        if p.exists():
            p.unlink()
