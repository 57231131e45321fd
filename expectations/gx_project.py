"""The Great Expectations project of fiscal-dw, as a GE user knows it.

`runner.py` decides the findings (the rules' SQL in DuckDB, GE's dataframe source on the result);
this layer runs after it, on the same rule instances, and leaves the artefacts a data engineer who
knows GE 1.x looks for:

- a File Data Context (`great_expectations.yml`), one expectation suite per rule family
  (`rules.yaml` → `families`), one validation definition per suite and the Checkpoint `fdw_check`
  over the suites that have expectations (an empty family's result page would say nothing and
  still cost a Data Docs rebuild).
  The copy in the repository (`expectations/gx/`) is generated from `rules.yaml` by `make gx`
  (`python -m expectations.gx_project`); a test fails when it drifts. Each run writes the same
  generated project into `<home>/gx/` and runs the Checkpoint there, so a run always validates the
  rules it has just checked and never writes into the repository;
- validation results stored per run (`<home>/gx/uncommitted/validations/<suite>/<run_id>/…`);
- Data Docs built by the Checkpoint's `update_data_docs` action into `<home>/reports/gx/`;
- a notification action (`fdw_notify`) configured without code: `$FDW_NOTIFY_COMMAND` (a shell
  command; the run's summary as JSON on stdin) and/or `$FDW_NOTIFY_URL` (an HTTP POST of the same
  JSON). A failing hook is reported in the action's result, never fails the run.

One expectation per check of a rule: `excess` (the shortfall beyond the rounding envelope) <= 0,
with GE severity critical (rule severity error) or warning; and for rounding rules one more,
severity info: `shortfall` <= 0 among the instances within the envelope, whose unexpected rows are
the rounding hints (not errors). Every
suite validates one dataframe (the rule instances of the run, GE's pandas source: GE's SQL path is
broken on DuckDB files, see runner.py); a row condition on `rule_id` and `check_no` picks each
check's instances. The checks write those instances as Parquet files per suite while they run
(BatchWriter); the checkpoint reads one suite's files when that suite's turn comes (run_checkpoint)
and gives GE each rule's rows with that rule's expectations only: a row condition picks nothing of
another rule's rows, and filtering a whole part once per expectation of the suite was most of the
checkpoint's time (issue 13). The stored result per suite and run is what GE gives the suite on the
whole batch (tests/test_checks_streaming.py compares them).
"""
from __future__ import annotations

import json
import logging
import os
import re
import shutil
import subprocess
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal, Optional

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from expectations.runner import RULES_PATH, Rule, load_rules
from loaders.reference import load_yaml

HERE = Path(__file__).resolve().parent
REPO_PROJECT = HERE / "gx"
CHECKPOINT = "fdw_check"
DATASOURCE, ASSET, BATCH_DEFINITION = "fiscal_dw_checks", "rule_instances", "all"
REPO_DOCS_DIR = "uncommitted/data_docs/local_site/"
HOME_DOCS_DIR = "../reports/gx/"  # relative to <home>/gx: the site lands in <home>/reports/gx/
GE_SEVERITY = {"error": "critical", "warning": "warning"}
# The columns of the instances the suites validate (and a GE user reads in unexpected rows).
COLUMNS = {"rule_id": "object", "check_no": "int64", "check_id": "object", "severity": "object", "doc_id": "object",
           "source_name": "object", "table_title": "object", "row_label": "object", "column_label": "object",
           "source_ref": "object", "expected": "float64", "actual": "float64", "difference": "float64",
           "envelope": "float64", "shortfall": "float64", "excess": "float64"}
INDEX_COLUMNS = ["source_name", "source_ref", "row_label", "column_label"]
# What GE reads of the batch: the columns the expectations test and their row conditions name, and the
# columns that identify an unexpected row. pandas builds a resolver for every column of the frame in
# each row-condition query (seven per expectation), so the checkpoint reads only these.
VALIDATED_COLUMNS = ["rule_id", "check_no", "excess", "shortfall", *INDEX_COLUMNS]
KEEP_RUNS = 60  # runs whose validation results stay stored ($FDW_GX_KEEP_RUNS)
NOTIFY_ENV = {"command": "FDW_NOTIFY_COMMAND", "url": "FDW_NOTIFY_URL"}
log = logging.getLogger(__name__)


@dataclass
class Family:
    suite: str
    title: str
    ids: str
    rules: list[Rule] = field(default_factory=list)


def families(rules: list[Rule] | None = None, path: Path = RULES_PATH) -> list[Family]:
    """The rule families of rules.yaml, each with its rules; a rule that no family claims is an error."""
    fams = [Family(**f) for f in load_yaml(path)["families"]]
    for rule in rules if rules is not None else load_rules(path):
        fam = next((f for f in fams if re.search(f.ids, rule.id)), None)
        if fam is None:
            raise ValueError(f"{rule.id}: no family in {path.name} matches this rule id")
        fam.rules.append(rule)
    return fams


def _id(kind: str, name: str) -> str:
    """A stable GE id, so that the generated project is the same file after file."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"fiscal-dw/gx/{kind}/{name}"))


def _expectation(rule: Rule, n: int, column: str, severity: str, kind: str, description: str) -> dict:
    # a rounding hint is a difference within the envelope: only instances not beyond it are its domain
    condition = f'rule_id=="{rule.id}" and check_no=={n}' + (" and excess <= 0" if kind == "rounding_hint" else "")
    return {
        "id": _id("expectation", f"{rule.id}#{n}/{column}"), "type": "expect_column_values_to_be_between",
        "kwargs": {"column": column, "max_value": 0.0, "condition_parser": "pandas",
                   "row_condition": {"type": "pass_through", "pass_through_filter": condition}},
        "severity": severity, "description": description, "notes": None,
        "meta": {"rule_id": rule.id, "check_no": n, "kind": kind, "title_zh": rule.title_zh, "title_en": rule.title_en},
    }


def expectations_of(rule: Rule) -> list[dict]:
    """Per check: the identity (excess <= 0) and, for rounding rules, the rounding hints (shortfall <= 0)."""
    out = []
    for n, check in enumerate(rule.checks, start=1):
        formula = check.get("formula", rule.formula)
        label = f"{rule.id} · {rule.title_zh} · {rule.title_en} — {formula}" + (
            f" (check {n} of {len(rule.checks)})" if len(rule.checks) > 1 else "")
        out.append(_expectation(rule, n, "excess", GE_SEVERITY[check.get("severity", rule.severity)], "identity",
                                f"{label}: no difference beyond the rounding envelope"))
        if rule.tolerance == "rounding" and rule.comparison != "flag":
            out.append(_expectation(rule, n, "shortfall", "info", "rounding_hint",
                                    f"{label}: rounding hints, differences within the envelope (normal rounding, not errors)"))
    return out


def _json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _config(docs_dir: str) -> str:
    asset = {"type": "dataframe", "id": _id("asset", ASSET), "batch_metadata": {},
             "batch_definitions": {BATCH_DEFINITION: {"id": _id("batch_definition", BATCH_DEFINITION), "partitioner": None}}}
    backend = lambda base, **kw: {"class_name": "TupleFilesystemStoreBackend", "base_directory": base, **kw}  # noqa: E731
    config = {
        "config_version": 4.0,
        "config_variables_file_path": "uncommitted/config_variables.yml",
        "plugins_directory": "plugins/",
        "stores": {
            "expectations_store": {"class_name": "ExpectationsStore", "store_backend": backend("expectations/")},
            "validation_results_store": {"class_name": "ValidationResultsStore",
                                         "store_backend": backend("uncommitted/validations/")},
            "checkpoint_store": {"class_name": "CheckpointStore",
                                 "store_backend": backend("checkpoints/", suppress_store_backend_id=True)},
            "validation_definition_store": {"class_name": "ValidationDefinitionStore",
                                            "store_backend": backend("validation_definitions/")},
        },
        "expectations_store_name": "expectations_store",
        "validation_results_store_name": "validation_results_store",
        "checkpoint_store_name": "checkpoint_store",
        "data_docs_sites": {"local_site": {"class_name": "SiteBuilder", "show_how_to_buttons": False,
                                           "store_backend": backend(docs_dir),
                                           "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"}}},
        "fluent_datasources": {DATASOURCE: {"type": "pandas", "id": _id("datasource", DATASOURCE), "assets": {ASSET: asset}}},
        "analytics_enabled": False,
        "progress_bars": {"globally": False},
        "data_context_id": _id("data_context", "fiscal-dw"),
    }
    head = ("# The Great Expectations project of fiscal-dw. GENERATED from expectations/rules.yaml by `make gx`\n"
            "# (expectations/gx_project.py): edit rules.yaml, not this folder. `fdw check` writes the same project\n"
            "# into <home>/gx/ and runs the checkpoint fdw_check there; Data Docs go to <home>/reports/gx/.\n")
    return head + yaml.safe_dump(config, sort_keys=False, allow_unicode=True)


def project_files(docs_dir: str = REPO_DOCS_DIR, rules: list[Rule] | None = None) -> dict[str, str]:
    """Every file of the generated GE project, by path relative to the project folder."""
    files = {"great_expectations.yml": _config(docs_dir), ".gitignore": "uncommitted/\n.ge_store_backend_id\n"}
    data = {"datasource": {"id": _id("datasource", DATASOURCE), "name": DATASOURCE},
            "asset": {"id": _id("asset", ASSET), "name": ASSET},
            "batch_definition": {"id": _id("batch_definition", BATCH_DEFINITION), "name": BATCH_DEFINITION}}
    definitions = []
    for fam in families(rules):
        suite = {"id": _id("suite", fam.suite), "name": fam.suite, "notes": fam.title,
                 "meta": {"great_expectations_version": "1.24.1", "rule_ids": [r.id for r in fam.rules], "title": fam.title},
                 "expectations": [e for r in fam.rules for e in expectations_of(r)]}
        files[f"expectations/{fam.suite}.json"] = _json(suite)
        definition = {"id": _id("validation_definition", fam.suite), "name": fam.suite, "data": data,
                      "suite": {"id": suite["id"], "name": fam.suite}}
        files[f"validation_definitions/{fam.suite}.json"] = _json(definition)
        if suite["expectations"]:  # a family with no rules yet is a valid suite with nothing to validate
            definitions.append({"id": definition["id"], "name": fam.suite})
    checkpoint = {
        "id": _id("checkpoint", CHECKPOINT), "name": CHECKPOINT, "validation_definitions": definitions,
        "actions": [{"type": "update_data_docs", "name": "update_data_docs", "site_names": []},
                    {"type": "fdw_notify", "name": "notify", **{k: f"${{{v}}}" for k, v in NOTIFY_ENV.items()}}],
        "result_format": {"result_format": "COMPLETE",
                          "unexpected_index_column_names": INDEX_COLUMNS},
    }
    files[f"checkpoints/{CHECKPOINT}.json"] = _json(checkpoint)
    return files


def write_project(root: Path, docs_dir: str = REPO_DOCS_DIR, rules: list[Rule] | None = None) -> list[Path]:
    """Write the generated project into root; suites and definitions no longer generated are removed
    (stored validation results under uncommitted/ are kept)."""
    files = project_files(docs_dir, rules)
    for folder in ("expectations", "validation_definitions", "checkpoints"):
        for stale in (root / folder).glob("*.json") if (root / folder).exists() else ():
            if f"{folder}/{stale.name}" not in files:
                stale.unlink()
    written = []
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def batch_rows(df: pd.DataFrame) -> pd.DataFrame:
    """The columns of one rule's instances that the suites validate (the Spark checks, per rule)."""
    out = pd.DataFrame(index=df.index)
    for col, dtype in COLUMNS.items():
        src = "check_severity" if col == "severity" else col
        out[col] = (df[src] if src in df.columns else None)
        out[col] = out[col].astype(dtype) if dtype != "object" else out[col].astype(object)
    return out


BATCH_SCHEMA = pa.schema([(c, {"object": pa.string(), "int64": pa.int64(), "float64": pa.float64()}[t]) for c, t in COLUMNS.items()])


class BatchWriter:
    """The checkpoint's batch written while the checks run (runner.Sink): Parquet files under
    folder/<suite>/, at most `rows` rows a file, so that neither the checks nor the checkpoint hold
    every instance of a run at once (issue 13)."""

    def __init__(self, folder: Path, rules: list[Rule], rows: int):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        self.folder, self.rows = folder, rows
        self.suite_of = {r.id: fam.suite for fam in families(rules) for r in fam.rules}
        self._open: dict[str, list] = {}  # suite -> [writer, rows written]
        self._parts: dict[str, int] = {}

    def write(self, rule_id: str, data) -> None:
        """Append rows of one rule (an Arrow table or record batch with the COLUMNS)."""
        table = pa.Table.from_batches([data]) if isinstance(data, pa.RecordBatch) else data
        table = table.select(list(COLUMNS)).cast(BATCH_SCHEMA)
        suite, done = self.suite_of[rule_id], 0
        while done < table.num_rows:
            if suite not in self._open:
                self._parts[suite] = self._parts.get(suite, 0) + 1
                path = self.folder / suite / f"part-{self._parts[suite]:05d}.parquet"
                path.parent.mkdir(exist_ok=True)
                self._open[suite] = [pq.ParquetWriter(path, BATCH_SCHEMA), 0]
            slot = self._open[suite]
            take = min(self.rows - slot[1], table.num_rows - done)
            slot[0].write_table(table.slice(done, take))
            slot[1], done = slot[1] + take, done + take
            if slot[1] >= self.rows:
                slot[0].close()
                del self._open[suite]

    def close(self) -> None:
        for writer, _ in self._open.values():
            writer.close()
        self._open.clear()


def suite_parts(folder: Path | None, suite: str) -> list[pd.DataFrame]:
    """One suite's rows (the VALIDATED_COLUMNS), read part by part from the run's batch files (each at
    most the checks' chunk size; strings as pandas' Arrow-backed str, cheaper to read than categories
    and as small); a suite without rows is one empty part."""
    files = sorted((folder / suite).glob("part-*.parquet")) if folder is not None else []
    if not files:
        return [batch_rows(pd.DataFrame())[VALIDATED_COLUMNS]]
    return (pq.read_table(f, columns=VALIDATED_COLUMNS).to_pandas() for f in files)


def rule_slices(part: pd.DataFrame):
    """The part's rows rule by rule, (rule_id, rows), each keeping its index in the part. The checks
    write a suite's rows rule after rule (BatchWriter), so a rule is usually one run of rows; the
    rules of a part come in the order of their first row."""
    if part.empty:
        return
    ids = part["rule_id"].to_numpy(dtype=object, na_value=None)
    starts = [0, *(np.flatnonzero(ids[1:] != ids[:-1]) + 1).tolist()]
    if len({ids[s] for s in starts}) == len(starts):  # every rule one contiguous run
        for s, e in zip(starts, starts[1:] + [len(ids)]):
            yield ids[s], part.iloc[s:e]
    else:
        for rule_id, rows in part.groupby("rule_id", sort=False, dropna=True):
            yield rule_id, rows


PARTIAL = 20  # GE's length of the partial unexpected lists


def merge_results(parts: list, whole_batch: bool):
    """One expectation's result over the slices of the batch it was validated on (GE's results, in
    batch order): the last slice's result takes the counts, percentages and unexpected rows of all,
    computed as GE's _format_map_output computes them over one frame.
    whole_batch: the one slice holds every row of the suite's batch that the expectation's condition
    can pick, so GE's unexpected_index_query (row labels of the part) stays true and is kept."""
    from collections import Counter

    r = parts[-1]
    res = r.result
    if len(parts) == 1 or not res or "element_count" not in res:
        if not whole_batch and res:
            res.pop("unexpected_index_query", None)
        return r
    n, missing, bad = (sum(p.result.get(k) or 0 for p in parts) for k in ("element_count", "missing_count", "unexpected_count"))
    nonnull = n - missing
    res.update(element_count=n, missing_count=missing, unexpected_count=bad,
               missing_percent=missing / n * 100 if n else None,
               unexpected_percent_total=bad / n * 100 if n else None,
               unexpected_percent_nonmissing=bad / nonnull * 100 if n and nonnull else None)
    res["unexpected_percent"] = res["unexpected_percent_nonmissing"]
    for key in ("unexpected_list", "unexpected_index_list", "partial_unexpected_list", "partial_unexpected_index_list"):
        if key in res:
            rows = [x for p in parts for x in (p.result.get(key) or [])]
            res[key] = rows[:PARTIAL] if key.startswith("partial") else rows
    if "partial_unexpected_counts" in res:
        values = res["unexpected_list"] if "unexpected_list" in res else res.get("partial_unexpected_list") or []
        res["partial_unexpected_counts"] = [{"value": v, "count": c} for v, c in
                                            sorted(Counter(values).most_common(PARTIAL), key=lambda x: (-x[1], x[0]))]
    res.pop("unexpected_index_query", None)  # a query over one part's frame
    r.success = all(p.success for p in parts)
    return r


def _validate(definition, checkpoint, rows: pd.DataFrame, expectations: list):
    """GE's validation of some of the suite's expectations on some of its rows (a suite built of their
    configurations, ids included: GE keeps an expectation object in one suite), the results keyed by
    expectation id."""
    from great_expectations.core.expectation_suite import ExpectationSuite
    from great_expectations.validator.v1_validator import Validator

    subset = ExpectationSuite(name=definition.suite.name, expectations=[e.configuration for e in expectations])
    validator = Validator(batch_definition=definition.batch_definition, batch_parameters={"dataframe": rows},
                          result_format=checkpoint.result_format)
    outcome = validator.validate_expectation_suite(subset)
    return outcome, {r.expectation_config.id: r for r in outcome.results}


def in_validation_order(expectations: list) -> list:
    """The order of GE's results for a whole suite: its expectations grouped by column, columns in order
    of first appearance (Validator.process_expectations_for_validation)."""
    by_column: dict = {}
    for e in expectations:
        column = e.configuration.kwargs.get("column")
        by_column.setdefault(column if isinstance(column, str) else None, []).append(e)
    return [e for group in by_column.values() for e in group]


def _validate_suite(checkpoint, definition, run, folder: Path | None):
    """The suite's validation result over its batch, stored as GE stores one result per suite and run.
    The batch is read part by part and each part's rows rule by rule: a rule's rows are validated
    against that rule's expectations only (their row conditions pick nothing of another rule), the
    expectations of rules without rows against an empty frame (what GE reports for an empty domain);
    each expectation's results over the slices are merged, in the order GE gives a whole suite's."""
    from great_expectations.constants import DATAFRAME_REPLACEMENT_STR
    from great_expectations.core.expectation_validation_result import ExpectationSuiteValidationResult
    from great_expectations.data_context.types.resource_identifiers import ExpectationSuiteIdentifier, ValidationResultIdentifier
    from great_expectations.validator.validator import calc_validation_statistics

    expectations = definition.suite.expectations
    of_rule: dict[str, list] = {}
    for e in expectations:
        of_rule.setdefault(e.meta["rule_id"], []).append(e)
    slices: dict[str, list] = {e.id: [] for e in expectations}
    outcome, n_parts = None, 0
    for part in suite_parts(folder, definition.suite.name):
        n_parts += 1
        for rule_id, rows in rule_slices(part):
            if rule_id in of_rule:
                outcome, got = _validate(definition, checkpoint, rows, of_rule[rule_id])
                for e in of_rule[rule_id]:
                    slices[e.id].append(got[e.id])
    empty = [e for e in expectations if not slices[e.id]]
    if empty:
        outcome, got = _validate(definition, checkpoint, batch_rows(pd.DataFrame())[VALIDATED_COLUMNS], empty)
        for e in empty:
            slices[e.id].append(got[e.id])
    results = [merge_results(slices[e.id], n_parts == 1) for e in in_validation_order(expectations)]
    statistics = calc_validation_statistics(results)
    # the meta GE's ValidationDefinition.run gives a result (the batch's markers: of the last frame validated)
    meta = {**outcome.meta, "validation_id": definition.id, "checkpoint_id": checkpoint.id, "run_id": run,
            "validation_time": run.run_time, "batch_parameters": {"dataframe": DATAFRAME_REPLACEMENT_STR}}
    result = ExpectationSuiteValidationResult(
        results=results, success=statistics.success, suite_name=definition.suite.name, meta=meta, batch_id=outcome.batch_id,
        statistics={"evaluated_expectations": statistics.evaluated_expectations,
                    "successful_expectations": statistics.successful_expectations,
                    "unsuccessful_expectations": statistics.unsuccessful_expectations,
                    "success_percent": statistics.success_percent})
    suite = ExpectationSuiteIdentifier(name=definition.suite.name)
    key = ValidationResultIdentifier(batch_identifier=result.batch_id, expectation_suite_identifier=suite, run_id=run)
    definition._validation_results_store.store_validation_results(
        suite_validation_result=result, suite_validation_result_identifier=key, expectation_suite_identifier=suite)
    return key, result


# ---------------------------------------------------------------- the notification action

def _settings(action) -> dict[str, str]:
    """command/url: a value `${VAR}` is the environment variable's value (taken as it is: a command may
    use $FDW_RUN_ID itself), any other value is literal; unset or empty means not configured."""
    out = {}
    for key in NOTIFY_ENV:
        raw = getattr(action, key) or ""
        ref = re.fullmatch(r"\$\{(\w+)\}", raw)
        value = os.environ.get(ref.group(1), "") if ref else raw
        if value.strip():
            out[key] = value
    return out


def summary(checkpoint_result, docs: dict | None = None) -> dict:
    """What a notification says: the run, GE's verdict (false also when the only failures are rounding
    hints, severity info), whether every identity holds, findings by severity, each suite's result."""
    counts = {"critical": 0, "warning": 0, "info": 0}
    suites = []
    for identifier, result in checkpoint_result.run_results.items():
        failed = [r for r in result.results if not r.success]
        for r in failed:
            counts[str(r.expectation_config.severity.value)] += int(r.result.get("unexpected_count") or 0)
        suites.append({"suite": result.suite_name, "success": bool(result.success),
                       "expectations": len(result.results), "failed": len(failed),
                       "data_docs": (docs or {}).get(identifier, {}).get("local_site")})
    return {"run_id": checkpoint_result.run_id.run_name, "checkpoint": checkpoint_result.checkpoint_config.name,
            "success": bool(checkpoint_result.success), "identities_hold": not (counts["critical"] or counts["warning"]),
            "errors": counts["critical"], "warnings": counts["warning"], "hints": counts["info"], "suites": suites}


def _define_action():
    from great_expectations.checkpoint.actions import ValidationAction
    from great_expectations.compatibility.pydantic import PrivateAttr

    class NotifyAction(ValidationAction):
        """Tells someone a run's result: a shell command (summary JSON on stdin, FDW_RUN_ID and
        FDW_CHECK_SUCCESS in its environment) and/or an HTTP POST of the summary JSON."""
        type: Literal["fdw_notify"] = "fdw_notify"
        command: Optional[str] = None
        url: Optional[str] = None
        _outcome: dict = PrivateAttr(default_factory=dict)

        @property
        def outcome(self) -> dict:
            """What the last run of this action did (the checkpoint keeps no action results)."""
            return self._outcome

        def run(self, checkpoint_result, action_context=None) -> dict:
            self._outcome = self._notify(checkpoint_result, action_context)
            return self._outcome

        def _notify(self, checkpoint_result, action_context) -> dict:
            settings = _settings(self)
            if not settings:
                return {"notified": False, "reason": "not configured"}
            body = summary(checkpoint_result, self._get_data_docs_pages_from_prior_action(action_context))
            payload = json.dumps(body, ensure_ascii=False)
            out: dict = {"notified": True}
            if "command" in settings:
                env = {**os.environ, "FDW_RUN_ID": body["run_id"], "FDW_CHECK_SUCCESS": str(body["success"]).lower()}
                try:
                    done = subprocess.run(settings["command"], shell=True, input=payload, text=True, env=env,
                                          capture_output=True, timeout=60)
                    out["command"] = {"returncode": done.returncode, "stderr": done.stderr[-500:]}
                except (OSError, subprocess.TimeoutExpired) as e:
                    out["command"] = {"error": str(e)}
            if "url" in settings:
                request = urllib.request.Request(settings["url"], data=payload.encode("utf-8"), method="POST",
                                                 headers={"Content-Type": "application/json; charset=utf-8"})
                try:
                    with urllib.request.urlopen(request, timeout=10) as response:
                        out["url"] = {"status": response.status}
                except OSError as e:
                    out["url"] = {"error": str(e)}
            for key in ("command", "url"):
                if key in out and (out[key].get("error") or out[key].get("returncode") or
                                   (out[key].get("status") or 200) >= 400):
                    log.warning("notification by %s failed: %s", key, out[key])
            return out

    return NotifyAction


_ACTION = None


def notify_action_class():
    """The action class, defined (and so registered with GE) once, when GE is first needed."""
    global _ACTION
    if _ACTION is None:
        _ACTION = _define_action()
    return _ACTION


# ---------------------------------------------------------------- running the checkpoint

@dataclass
class GXRun:
    success: bool
    summary: dict
    docs_index: Path
    notify: dict


def context(root: Path):
    """The File Data Context at root (a project folder written by write_project)."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    import great_expectations as gx

    notify_action_class()
    return gx.get_context(mode="file", context_root_dir=str(root))


def prune(project: Path, keep: int) -> list[str]:
    """Keep the stored results (and their Data Docs pages) of the last `keep` runs before this one:
    a nightly run would otherwise grow the store and the Data Docs index without end."""
    results = project / "uncommitted" / "validations"
    runs = sorted({p.name: p.stat().st_mtime for p in results.glob("*/*") if p.is_dir()}.items(), key=lambda kv: kv[1])
    dropped = [name for name, _ in runs[:max(len(runs) - keep, 0)]]
    for name in dropped:
        for folder in (results, (project / HOME_DOCS_DIR / "validations").resolve()):
            for path in folder.glob(f"*/{name}"):
                shutil.rmtree(path, ignore_errors=True)
    return dropped


def run_checkpoint(home_root: Path, batch_folder: Path | None, run_id: str) -> GXRun:
    """Write the project into <home>/gx, run the checkpoint on the run's instances (the Parquet batch
    the checks wrote, runner.Sink), build Data Docs. What GE's Checkpoint.run does with one dataframe
    for every suite (one stored result per suite and run, then the actions once), but each suite's
    rows are validated one part (a chunk of the checks) at a time, rule by rule against the rule's
    expectations, and the results merged (_validate_suite): the checkpoint never holds more than one
    part of the run's instances (issue 13)."""
    from great_expectations.core.run_identifier import RunIdentifier

    project = home_root / "gx"
    write_project(project, HOME_DOCS_DIR)
    prune(project, int(os.environ.get("FDW_GX_KEEP_RUNS") or KEEP_RUNS))
    checkpoint = context(project).checkpoints.get(CHECKPOINT)
    # The run's time is given, not guessed by GE from the run name (warehouse.run_id_at).
    run = RunIdentifier(run_name=run_id, run_time=datetime.now(timezone.utc))
    results = dict(_validate_suite(checkpoint, definition, run, batch_folder) for definition in checkpoint.validation_definitions)
    result = checkpoint._construct_result(run_id=run, run_results=results)
    checkpoint._run_actions(checkpoint_result=result)
    notify = next((a.outcome for a in checkpoint.actions if a.type == "fdw_notify"), {})
    return GXRun(bool(result.success), summary(result), (project / HOME_DOCS_DIR / "index.html").resolve(), notify)


if __name__ == "__main__":
    for p in write_project(REPO_PROJECT):
        print(p.relative_to(HERE.parent))
