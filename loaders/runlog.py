"""The history of runs: one JSON line per run in <home>/runs.jsonl (appended even when a run fails,
since a failed run cannot write into the published warehouse), loaded into the warehouse as
`fdw_runs` at each successful publish so analysts and the report can see it."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pyarrow as pa

FILE = "runs.jsonl"


def now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class RunRecord:
    run_id: str
    command: str
    started_at: str = field(default_factory=now)
    ended_at: str | None = None
    status: str = "running"  # completed | failed
    message: str | None = None
    inputs: int = 0
    parsed: int = 0
    skipped: int = 0
    quarantined: int = 0
    facts: int = 0
    errors: int | None = None
    warnings: int | None = None
    hints: int | None = None

    def finish(self, status: str, message: str | None = None) -> "RunRecord":
        self.status, self.message, self.ended_at = status, message, now()
        return self


SCHEMA = pa.schema([(n, pa.string()) for n in ("run_id", "command", "started_at", "ended_at", "status", "message")]
                   + [(n, pa.int64()) for n in ("inputs", "parsed", "skipped", "quarantined", "facts", "errors",
                                                "warnings", "hints")])


def append(home_root: Path, record: RunRecord) -> None:
    with open(Path(home_root) / FILE, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(asdict(record), ensure_ascii=False) + "\n")


def history(home_root: Path) -> list[dict]:
    path = Path(home_root) / FILE
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:  # a line cut by a crash: skip it, keep the rest
            continue
    return out


def last(home_root: Path) -> dict | None:
    h = history(home_root)
    return h[-1] if h else None


def load_into(db_path: Path, records: list[dict]) -> None:
    table = pa.Table.from_pylist([{k: r.get(k) for k in SCHEMA.names} for r in records], schema=SCHEMA)
    with duckdb.connect(str(db_path)) as con:
        con.register("_runs", table)
        con.execute("create or replace table fdw_runs as select * from _runs order by started_at")
        con.execute("comment on table fdw_runs is 'One row per fdw run (ingest/build/check/run) on this home folder: "
                    "start, end, status, counts of documents and findings.'")
