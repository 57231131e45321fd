"""dbt in a process started before its arguments are known (`python -m loaders.dbt_worker`).

Starting dbt costs about 1.5 s of imports and half a second of loading the project before it runs a
single node; for an incremental `fdw run` of 100 documents that is a fifth of the run (issue 13).
`fdw run` therefore starts this process when it starts, under the run lock: it imports dbt and, when
FDW_DBT_PARSE_FIRST names the project folder, parses the project (dbt's partial parsing) while the
documents are being ingested, then waits for one line on stdin — the JSON list of dbt's arguments —
and runs them with dbt's programmatic entry point (`dbtRunner`), reusing the manifest it parsed.
Output goes where dbt's CLI sends it (stdout and <DBT_LOG_PATH>/dbt.log). Exit codes are the CLI's:
0 success, 1 a node or test failed, 2 dbt could not run. An empty stdin (the run stopped before its
build) exits 0 having run nothing. The environment (profile's database path, target and log paths)
is fixed when the process starts: loaders/warehouse.py:Dbt.
"""
from __future__ import annotations

import json
import os
import sys


def _skip_unlogged_debug_events() -> None:
    """dbt turns every event into a protobuf message and a formatted line before its loggers look at
    the level; its debug events (each SQL statement, each connection opened or reused: most of them)
    are then dropped by loggers at info, which `fdw` uses (DBT_LOG_LEVEL_FILE, loaders/warehouse.py
    _dbt_env). Building them was a seventh of an incremental build's CPU (issue 13), so a debug event
    is dropped before it is built when no logger would write it; with DBT_LOG_LEVEL_FILE=debug (or
    --debug) every event is built and logged as before. This process registers no event callbacks
    of its own; dbt's (behaviour-change warnings) never receive debug events."""
    from dbt_common.events.base_types import EventLevel
    from dbt_common.events.event_manager import EventManager

    fire_event = EventManager.fire_event
    quiet = (EventLevel.INFO, EventLevel.WARN, EventLevel.ERROR)

    def fire_logged_event(self, e, level=None, node=None, force_warn_or_error_handling=False):
        if (level or e.level_tag()) == EventLevel.DEBUG and not force_warn_or_error_handling \
                and all(getattr(logger, "level", None) in quiet for logger in self.loggers):
            return
        return fire_event(self, e, level=level, node=node, force_warn_or_error_handling=force_warn_or_error_handling)

    EventManager.fire_event = fire_logged_event


def main() -> int:
    from dbt.cli.main import dbtRunner

    _skip_unlogged_debug_events()

    manifest = None
    project = os.environ.pop("FDW_DBT_PARSE_FIRST", None)
    if project:
        # without writing manifest.json (the invocation writes its artefacts unless told not to); dbt's
        # partial-parsing state is still written
        parsed = dbtRunner().invoke(["parse", "--no-write-json", "--project-dir", project])
        # a failed parse is not reported here: the real invocation parses again and says why
        manifest = parsed.result if parsed.success else None
        print("-- project parsed before the arguments came; the invocation below reuses it --" if manifest is not None
              else "-- parsing ahead failed; the invocation below parses again --", flush=True)
    line = sys.stdin.readline()
    if not line.strip():
        return 0
    args = json.loads(line)
    result = dbtRunner(manifest=manifest).invoke(args)
    if result.exception is not None:
        print(f"dbt could not run: {type(result.exception).__name__}: {result.exception}", file=sys.stderr, flush=True)
        return 2
    return 0 if result.success else 1


def _exit(code: int) -> None:
    """Leave as soon as dbt's work is safely on disk. Closing DuckDB (its checkpoint) is what must
    happen; the interpreter's own teardown of dbt's thousands of modules, threads and helper
    processes took another 0.4–0.5 s of a 100-document run (issue 13), so for the DuckDB adapter the
    database is closed explicitly and the process ends with os._exit once its output is flushed.
    Any other adapter (dbt-spark starts a JVM that its session stops at exit) exits normally."""
    if "dbt.adapters.spark" not in sys.modules and "dbt.adapters.duckdb" in sys.modules:
        import gc
        import logging

        from dbt.adapters.duckdb.connections import DuckDBConnectionManager

        DuckDBConnectionManager.close_all_connections()  # drops dbt-duckdb's environment: its connection
        gc.collect()  # closes (and checkpoints) the database file now, as exit would
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":
    _exit(main())
