"""Robustness (issue 5): a killed run leaves the published warehouse and the raw data as they were and a
re-run completes; a second run refuses across processes; mutated documents are parsed or quarantined,
never an internal error."""
from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loaders.pipeline import parse_file
from loaders.synth import generate
from loaders.warehouse import resolve_home, run_lock
from loaders.writer import SCHEMAS, RawStore

from conftest import ROOT, S002, SAMPLES


def fdw(*args: str) -> subprocess.Popen:
    """`fdw …` in its own process group (so a kill reaches dbt too), on this worktree's code."""
    # small segments, so a run killed mid-ingest has landed some batches (each one whole) already
    env = dict(os.environ, PYTHONPATH=str(ROOT), FDW_SEGMENT_DOCS="5")
    return subprocess.Popen([sys.executable, "-m", "loaders.cli", *args], cwd=str(ROOT), env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def kill_when(proc: subprocess.Popen, ready, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        assert proc.poll() is None, f"the run ended before it could be killed:\n{proc.stdout.read()}"
        assert time.monotonic() < deadline, "the run never reached the point to kill it at"
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def raw_is_readable(home: Path) -> int:
    """Every raw Parquet file reads (no half-written file is visible), every document the manifest
    names has its row; returns the documents landed."""
    con = duckdb.connect()
    store = RawStore(home)
    for name in SCHEMAS:
        con.execute(f"select count(*) from read_parquet('{home}/raw/{name}/*.parquet', union_by_name = true)").fetchall()
    landed = con.execute(f"select count(*) from ({store.scan_sql('documents')})").fetchall()[0][0]
    assert landed == sum(1 for e in store.manifest.values() if e["status"] == "parsed")
    return landed


def test_killed_mid_ingest_and_mid_build_then_a_rerun_completes(tmp_path):
    counts = generate(tmp_path / "corpus", 40, 1, 8, 0.0)
    docs = tmp_path / "corpus" / "docs"
    home = tmp_path / "home"
    first = fdw("run", "--home", str(home), str(S002))
    assert first.wait() == 0, first.stdout.read()
    published = digest(home / "warehouse.duckdb")
    landed = lambda: sum(e["status"] == "parsed" for e in RawStore(home).manifest.values())  # noqa: E731
    before = landed()

    # killed while ingesting: some documents landed, each one whole; the warehouse untouched
    proc = fdw("run", "--home", str(home), str(docs))
    kill_when(proc, lambda: landed() >= before + 10)
    assert digest(home / "warehouse.duckdb") == published
    assert before + 10 <= raw_is_readable(home) < before + counts["documents"]

    # killed while dbt builds into .build/: the published file is still the first run's
    proc = fdw("run", "--home", str(home), str(docs))
    kill_when(proc, lambda: any((home / ".build").glob("warehouse.*.duckdb")))
    assert digest(home / "warehouse.duckdb") == published
    assert raw_is_readable(home) == before + counts["documents"]

    # the next run completes, publishes everything and clears what the killed runs left aside
    proc = fdw("run", "--home", str(home), str(docs))
    out = proc.communicate()[0]
    assert proc.returncode == 0, out
    assert not list((home / ".build").glob("warehouse.*.duckdb"))
    assert not list((home / "raw").glob("*/.*.tmp"))
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from dim_document where status = 'parsed'").fetchone()[0] == before + counts["documents"]


def test_a_second_run_refuses_across_processes(tmp_path):
    home = resolve_home(tmp_path)
    with run_lock(home):
        proc = fdw("run", "--home", str(tmp_path), str(S002))
        out = proc.communicate(timeout=120)[0]
    assert proc.returncode == 1 and "another fdw run is already using" in out


# --- mutated samples: parsed or quarantined, never an internal error ------------------------------
SAMPLE_BYTES = {p.name: p.read_bytes() for p in sorted(SAMPLES.glob("*.txt"))}


def mutate(data: bytes, how: str, rnd: random.Random) -> bytes:
    text = data.decode("utf-8", errors="replace")
    lines = text.split("\n")
    if how == "truncate":
        return data[: rnd.randrange(len(data))]
    if how == "shuffle_lines":
        i = rnd.randrange(len(lines))
        j = min(len(lines), i + rnd.randint(2, 200))
        part = lines[i:j]
        rnd.shuffle(part)
        lines[i:j] = part
    elif how == "drop_cells":
        for _ in range(rnd.randint(1, 60)):
            k = rnd.randrange(len(lines))
            cells = lines[k].split("\t")
            if len(cells) > 1:
                del cells[rnd.randrange(len(cells))]
                lines[k] = "\t".join(cells)
    elif how == "swap_units":
        text = text.replace("万元", "\0").replace("元", "万元").replace("\0", "元")
        return text.encode("utf-8")
    elif how == "garbage":
        out = bytearray(data)
        for _ in range(rnd.randint(1, 40)):
            pos = rnd.randrange(len(out) + 1)
            out[pos:pos] = bytes(rnd.randrange(256) for _ in range(rnd.randint(1, 16)))
        return bytes(out)
    return "\n".join(lines).encode("utf-8")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(sorted(SAMPLE_BYTES)),
       how=st.sampled_from(["truncate", "shuffle_lines", "drop_cells", "swap_units", "garbage"]),
       seed=st.integers(0, 2**32 - 1))
def test_mutated_samples_are_parsed_or_quarantined(name, how, seed):
    data = mutate(SAMPLE_BYTES[name], how, random.Random(seed))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        result = parse_file(path, RawStore(Path(tmp)))
    assert result.status in ("parsed", "quarantined")
    if result.status == "quarantined":
        assert result.reject["stage"] != "internal", result.reject["detail"]


def test_phone_numbers_inside_a_score_sheet_are_not_scores(tmp_path):
    """Found by the mutation test: 004's signature line (联系电话 2639928 17303516316, line 265) shuffled
    into the score sheet above it became a weight of 263992817303516316, too large for DECIMAL(20,6):
    the writer failed and the document was quarantined as an internal error."""
    from loaders.numbers import TEXT, parse_amount

    assert parse_amount("2639928 17303516316").state == TEXT
    lines = (SAMPLES / "004_6023eec06e43d371.txt").read_text(encoding="utf-8").split("\n")
    assert "2639928 17303516316" in lines[264]
    lines.insert(239, lines.pop(264))
    path = tmp_path / "004_shuffled.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    result = parse_file(path, RawStore(tmp_path))
    assert result.status == "parsed", result.reject
