"""Great Expectations as its users know it: the project folder generated from rules.yaml, the
checkpoint `fdw check` runs, validation results stored per run, Data Docs under <home>/reports/gx/
linked from the bureau's report, and the notification hook configured by environment variables.

The end-to-end runs use sample 002 (samples/002_e8cf1b33a1664aff.txt): the counts GE reports are
compared with the findings the runner wrote for the same run, never with numbers typed here."""
from __future__ import annotations

import json
import random
import shutil
import threading
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import duckdb
import pytest
from dateutil.parser import parse as parse_date
from typer.testing import CliRunner

from expectations import gx_project
from expectations.runner import Rule, load_rules
from loaders.cli import app
from loaders.warehouse import run_id_at

from conftest import ROOT, S002

SUITES = ["final_accounts", "narrative", "evaluations", "budget", "cross_document"]


def test_the_committed_project_is_what_rules_yaml_generates():
    expected = gx_project.project_files()
    project = ROOT / "expectations" / "gx"
    for rel, text in expected.items():
        assert (project / rel).read_text(encoding="utf-8") == text, f"{rel} drifted from rules.yaml: run `make gx`"
    committed = {str(p.relative_to(project)) for p in project.rglob("*.json")}
    assert committed == {rel for rel in expected if rel.endswith(".json")}, "a suite no rule family generates: run `make gx`"


def test_every_rule_is_in_exactly_one_family_suite_and_empty_families_are_valid_suites():
    rules = load_rules()
    files = gx_project.project_files()
    seen: dict[str, str] = {}
    for suite in SUITES:
        data = json.loads(files[f"expectations/{suite}.json"])
        assert data["name"] == suite
        for rule_id in data["meta"]["rule_ids"]:
            assert rule_id not in seen, f"{rule_id} in {seen.get(rule_id)} and {suite}"
            seen[rule_id] = suite
        assert {e["meta"]["rule_id"] for e in data["expectations"]} == set(data["meta"]["rule_ids"])
    assert set(seen) == {r.id for r in rules}
    assert seen["FA-001"] == "final_accounts" and seen["PE-001"] == "evaluations" and seen["DE-001"] == "evaluations"
    # one identity expectation per check, at the check's severity
    pe002 = next(r for r in rules if r.id == "PE-002")
    ids = [e for e in json.loads(files["expectations/evaluations.json"])["expectations"] if e["meta"]["rule_id"] == "PE-002"]
    assert [e["severity"] for e in ids if e["meta"]["kind"] == "identity"] == \
        [gx_project.GE_SEVERITY[c.get("severity", pe002.severity)] for c in pe002.checks]


def test_a_rule_no_family_claims_stops_the_generation():
    stray = Rule(id="ZZ-001", title_zh="x", title_en="x", formula="x", comparison="eq", tolerance="rounding",
                 severity="error", checks=[])
    with pytest.raises(ValueError, match="ZZ-001"):
        gx_project.families(load_rules() + [stray])


def test_the_committed_project_opens_in_great_expectations(tmp_path):
    shutil.copytree(ROOT / "expectations" / "gx", tmp_path / "gx")
    ctx = gx_project.context(tmp_path / "gx")
    for suite in SUITES:
        assert ctx.suites.get(suite).name == suite
    checkpoint = ctx.checkpoints.get(gx_project.CHECKPOINT)
    assert [vd.suite.name for vd in checkpoint.validation_definitions] == [s for s in SUITES if ctx.suites.get(s).expectations]
    assert {"final_accounts", "evaluations"} <= {vd.suite.name for vd in checkpoint.validation_definitions}
    assert [a.type for a in checkpoint.actions] == ["update_data_docs", "fdw_notify"]
    n_checks = sum(len(r.checks) for r in load_rules())
    assert sum(len(ctx.suites.get(s).expectations) for s in SUITES) >= n_checks


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    """`fdw run` on 002 then `fdw check`, both notifying through a shell command."""
    home = tmp_path_factory.mktemp("home")
    env = {"FDW_NOTIFY_COMMAND": f"cat > '{home}/notified.'${{FDW_RUN_ID}}'.json'"}
    for args in (["run", "--home", str(home), str(S002)], ["check", "--home", str(home)]):
        result = CliRunner().invoke(app, args, env=env)
        assert result.exit_code == 0, result.output
        assert "Great Expectations: checkpoint fdw_check" in result.output, result.output
    return home


def _runs(home: Path) -> list[str]:
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        return [r[0] for r in con.sql("select run_id from fdw_runs where command in ('run', 'check') order by started_at").fetchall()]


def _stored(home: Path, run_id: str) -> dict[str, dict]:
    """The validation results of one run, by suite."""
    paths = (home / "gx" / "uncommitted" / "validations").glob(f"*/{run_id}/*/*.json")
    return {p.parts[-4]: json.loads(p.read_text(encoding="utf-8")) for p in paths}


def test_validation_results_are_stored_per_run_in_the_home_not_the_repository(home):
    runs = _runs(home)
    assert len(runs) >= 2
    for run_id in runs:
        assert {"final_accounts", "evaluations"} <= set(_stored(home, run_id))
    assert not (ROOT / "expectations" / "gx" / "uncommitted").exists()


def test_the_checkpoint_agrees_with_the_runner_rule_by_rule(home):
    run_id = _runs(home)[-1]
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        rules = {r[0]: r[1:] for r in con.sql("select rule_id, n_errors + n_warnings, n_hints, n_instances from dq_rule_results").fetchall()}
        findings = con.sql("""select f.rule_id, d.source_name, f.source_ref from dq_findings f join dim_document d using (doc_id)
                              where severity in ('error', 'warning')""").fetchall()
    assert sum(v[0] for v in rules.values()) > 0 and sum(v[1] for v in rules.values()) > 0  # 002 has both
    got: dict[str, list[int]] = {r: [0, 0] for r in rules}
    failing_rows = set()
    for result in _stored(home, run_id).values():
        for r in result["results"]:
            meta = r["expectation_config"]["meta"]
            got[meta["rule_id"]][meta["kind"] == "rounding_hint"] += r["result"].get("unexpected_count", 0)
            for row in r["result"].get("unexpected_index_list") or []:
                failing_rows.add((meta["rule_id"], row["source_name"], row["source_ref"]))
    assert got == {r: [v[0], v[1]] for r, v in rules.items()}
    assert set(findings) <= failing_rows  # every error/warning is a row GE names, with its document and line


def test_data_docs_are_built_in_the_home_and_linked_from_the_bureau_report(home):
    docs = home / "reports" / "gx"
    index = (docs / "index.html").read_text(encoding="utf-8")
    for run_id in _runs(home):
        assert run_id in index
    [page] = (docs / "validations" / "evaluations" / _runs(home)[-1]).glob("*/*.html")
    text = page.read_text(encoding="utf-8")
    assert "PE-001" in text and S002.name in text  # a rule's result, and a failing row named by its file
    report = (home / "reports" / "dq_report.html").read_text(encoding="utf-8")
    assert 'href="gx/index.html"' in report
    # the bureau's report links this run's pages (they read without network; the index needs CDN scripts)
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        [(published_run,)] = con.sql("select distinct run_id from dq_rule_results").fetchall()
    pages = list((docs / "validations").glob(f"*/{published_run}/*/*.html"))
    assert pages and all(f'href="{p.relative_to(home / "reports").as_posix()}"' in report for p in pages)


def test_the_notification_command_gets_the_run_summary(home):
    run_id = _runs(home)[-1]
    body = json.loads((home / f"notified.{run_id}.json").read_text(encoding="utf-8"))
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        counts = dict(con.sql("select severity, count(*) from dq_findings group by all").fetchall())
    assert body["run_id"] == run_id and body["checkpoint"] == "fdw_check"
    assert (body["errors"], body["warnings"], body["hints"]) == (counts.get("error", 0), counts.get("warning", 0), counts.get("hint", 0))
    assert [s["suite"] for s in body["suites"]] == [s for s in SUITES if s in _stored(home, run_id)]
    assert body["success"] is False and body["identities_hold"] is (not counts.get("error") and not counts.get("warning"))
    assert all(s["data_docs"] for s in body["suites"])


def test_the_notification_url_gets_the_summary_by_http_post(home):
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        result = CliRunner().invoke(app, ["check", "--home", str(home)],
                                    env={"FDW_NOTIFY_URL": f"http://127.0.0.1:{server.server_port}/hook"})
    finally:
        server.shutdown()
        server.server_close()
    assert result.exit_code == 0, result.output
    assert len(received) == 1 and received[0]["run_id"] == _runs(home)[-1]


def test_a_failing_hook_is_reported_and_never_fails_the_run(home):
    result = CliRunner().invoke(app, ["check", "--home", str(home)], env={"FDW_NOTIFY_COMMAND": "exit 3"})
    assert result.exit_code == 0, result.output
    assert "notification failed" in result.output and "'returncode': 3" in result.output


def test_run_names_are_never_read_as_dates():
    """GE titles each Data Docs page by reading the run name as a date (dateutil). CI drew the run
    20261123T041357Z-8813ad: "-8813ad" read as a UTC offset of 88 hours and the run's pages failed.
    Whatever the random suffix, a run name must not parse."""
    moment = datetime(2026, 11, 23, 4, 13, 57, tzinfo=timezone.utc)
    suffixes = ["8813ad", "5099f3", "000000", "1958ad", "22a10a"] + [f"{random.getrandbits(24):06x}" for _ in range(3000)]
    for suffix in suffixes:
        with pytest.raises(ValueError):
            parse_date(run_id_at(moment, suffix))


def test_the_run_ci_drew_gets_its_data_docs(home, monkeypatch):
    run_id = run_id_at(datetime.now(timezone.utc), "8813ad")
    monkeypatch.setattr("loaders.cli.new_run_id", lambda: run_id)
    result = CliRunner().invoke(app, ["check", "--home", str(home)])
    assert result.exit_code == 0, result.output
    assert "Data Docs not written" not in result.output, result.output
    assert _runs(home)[-1] == run_id and run_id in (home / "reports" / "gx" / "index.html").read_text(encoding="utf-8")
    assert {"final_accounts", "evaluations"} <= set(_stored(home, run_id))
    assert list((home / "reports" / "gx" / "validations" / "evaluations" / run_id).glob("*/*.html"))


def test_only_the_last_runs_stay_stored(home, tmp_path):
    project = tmp_path / "gx"
    shutil.copytree(home / "gx", project)
    runs = _runs(home)
    assert gx_project.prune(project, len(runs)) == []
    dropped = gx_project.prune(project, 1)
    assert len(dropped) == len(runs) - 1 and runs[-1] not in dropped
    assert {p.name for p in (project / "uncommitted" / "validations").glob("*/*")} == {runs[-1]}
