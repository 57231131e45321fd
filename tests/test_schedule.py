"""The cron line of the README, run as cron would run it (paths replaced): exit codes, log, lock."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, S002

CRON = re.compile(r"<!-- cron -->\s*```cron\n(.+?)\n```", re.S)


def cron_command(home: Path, inbox: Path) -> str:
    line = CRON.search((ROOT / "README.md").read_text(encoding="utf-8")).group(1)
    command = " ".join(line.split()[5:])  # drop the five schedule fields
    fdw = Path(sys.executable).with_name("fdw")
    return (command.replace("/opt/fiscal-dw", str(ROOT)).replace(".venv/bin/fdw", str(fdw))
            .replace("/srv/fiscal/dw", str(home)).replace("/srv/fiscal/inbox", str(inbox)))


@pytest.mark.skipif(subprocess.run(["which", "flock"], capture_output=True).returncode != 0, reason="no flock")
def test_the_readme_cron_line_runs_logs_and_locks(tmp_path):
    home, inbox = tmp_path / "dw", tmp_path / "inbox"
    home.mkdir()
    inbox.mkdir()
    (inbox / S002.name).write_bytes(S002.read_bytes())
    cmd = cron_command(home, inbox)
    done = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, (home / "run.log").read_text(encoding="utf-8")
    log = (home / "run.log").read_text(encoding="utf-8")
    assert "report:" in log and (home / "warehouse.duckdb").exists()
    # while another process holds the cron lock, the line exits 1 at once and leaves the warehouse alone
    before = (home / "warehouse.duckdb").stat().st_mtime_ns
    holder = subprocess.Popen(["flock", str(home / ".cron.lock"), "sleep", "30"])
    try:
        import time
        time.sleep(0.5)
        busy = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, timeout=60)
        assert busy.returncode == 1
    finally:
        holder.kill()
    assert (home / "warehouse.duckdb").stat().st_mtime_ns == before
