"""The dbt process (loaders/dbt_worker.py) ends with os._exit once DuckDB is closed (issue 13: the
interpreter's teardown was 0.4–0.5 s of a 100-document run). What must still hold: the database it
wrote is complete and closed — no write-ahead log left beside it — and its exit code is dbt's."""
import csv
from pathlib import Path

import duckdb
import pytest

from loaders.warehouse import PROJECT_ROOT, Dbt, RunError, resolve_home

SEED = "grade_bands"  # a small seed of the project: `dbt seed` writes it into the database


def test_the_dbt_process_leaves_its_database_written_and_closed(tmp_path):
    home = resolve_home(tmp_path / "home")
    db = tmp_path / "w.duckdb"
    with Dbt(home, db, parse=True) as dbt:
        dbt.run("seed", "--select", SEED)
    assert not Path(f"{db}.wal").exists()  # checkpointed and closed, as a normal exit would
    with open(PROJECT_ROOT / "seeds" / f"{SEED}.csv", encoding="utf-8") as f:
        expected = sum(1 for _ in csv.DictReader(f))
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute(f"select count(*) from {SEED}").fetchone()[0] == expected > 0


def test_a_failing_invocation_reports_dbt_s_exit_code(tmp_path):
    home = resolve_home(tmp_path / "home")
    with Dbt(home, tmp_path / "w.duckdb") as dbt, pytest.raises(RunError, match=r"exit 2"):
        dbt.run("seed", "--no-such-option")


def _dbt_log(home) -> str:
    return (home.build_dir / "logs" / "dbt.log").read_text(encoding="utf-8")


def test_debug_events_are_logged_only_when_the_file_log_asks_for_them(tmp_path):
    # the worker drops dbt's debug events before building them when no logger would write them
    quiet = resolve_home(tmp_path / "quiet")
    with Dbt(quiet, tmp_path / "q.duckdb") as dbt:
        dbt.run("seed", "--select", SEED)
    log = _dbt_log(quiet)
    assert "OK loaded seed file" in log and "[debug]" not in log
    loud = resolve_home(tmp_path / "loud")
    with Dbt(loud, tmp_path / "l.duckdb", env_extra={"DBT_LOG_LEVEL_FILE": "debug"}) as dbt:
        dbt.run("seed", "--select", SEED)
    log = _dbt_log(loud)
    assert "OK loaded seed file" in log and "[debug]" in log and f'create table "l"."main"."{SEED}"' in log
