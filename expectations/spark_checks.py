"""The identity rules on Apache Spark (issue 14): `fdw check --engine spark`.

The same rules as runner.py, the same templates: each check's SQL is rendered once and translated
to Spark SQL (expectations/dialect.py), then runs in Spark over the tables the Spark build wrote
(<warehouse>/<schema>.db/<table>/, Parquet, registered as views). Great Expectations decides the
instances on its Spark execution engine (a Spark dataframe batch of every rule's instances off their
identity). What comes back is what runner.decide returns for DuckDB, so the findings are written to
the warehouse (dq_findings, dq_rule_results, …) by the same code.

Cost: one Spark job per rule (its checks' union, collected once: the narrow columns of every instance,
every column of the instances off their identity), several rules at a time, over inputs cached when
more than one rule reads them; then two GE validations for all rules together. On the driver: the
per-document bookkeeping (instances and not-checkable reasons per document) and the Great Expectations
checkpoint (Data Docs, gx_project.run_checkpoint), which validates the checked instances' narrow
columns as after a DuckDB check.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd

from expectations.gx_project import COLUMNS
from expectations.runner import Decided, GEValidator, Rule, decided
from loaders import spark as fdw_spark

# columns a template may leave out, with their default (as runner.instances)
DEFAULTS = (("checkable", "boolean", True), ("not_checkable_reason", "string", None), ("sentence", "string", None))
# the columns of every instance that come back to the driver (the rest only for instances off their identity)
NARROW = {"check_no", "doc_id", "checkable", "not_checkable_reason", "check_severity",
          *(c for c in COLUMNS if c not in ("severity", "rule_id", "check_id"))}
BATCH_SCHEMA = "check_id string, shortfall double, excess double"
# rules collected at the same time ($FDW_SPARK_CHECK_THREADS)
THREADS = max(1, int(os.environ.get("FDW_SPARK_CHECK_THREADS") or 4))
# the tables several rules read cached by Spark ($FDW_SPARK_CHECK_CACHE=0: read from Parquet by each rule)
CACHE = os.environ.get("FDW_SPARK_CHECK_CACHE", "1") != "0"


def _arrow_pandas(df):
    """A (small) Spark dataframe on the driver, through Arrow as DuckDB's results are (same dtypes)."""
    return df.toArrow().to_pandas()


class SparkChecks:
    def __init__(self, folder: Path):
        self.spark = fdw_spark.session("fdw-check")
        db = folder / f"{fdw_spark.schema()}.db"
        tables = sorted(p for p in db.iterdir() if p.is_dir()) if db.is_dir() else []
        if not tables:
            raise fdw_spark.RunError(f"no Spark tables under {db} (run fdw build --engine spark first)")
        for part in tables:
            # one table is one write of the build: no schemas to merge (the raw segments need it, not the marts)
            self.spark.read.option("mergeSchema", "false").parquet(str(part)).createOrReplaceTempView(part.name)
        self.validator = GEValidator(engine="spark")

    def cache_shared_inputs(self, rules: list[Rule]) -> list[str]:
        """The tables that more than one rule reads, cached by Spark (lazily, in memory and spilled to
        disk beyond it): read from Parquet and decoded once instead of once per rule."""
        from collections import Counter

        readers = Counter()
        names = [t.name for t in self.spark.catalog.listTables() if t.isTemporary]
        for rule in rules:
            sql = " ".join(rule.sql(check, "spark") for check in rule.checks)
            readers.update(n for n in names if re.search(rf"\b{re.escape(n)}\b", sql))
        shared = sorted(n for n, k in readers.items() if k > 1)
        for name in shared:
            self.spark.catalog.cacheTable(name)
        return shared

    def instances(self, rule: Rule):
        """Every instance of the rule (runner.instances in Spark): the checks' rows, one dataframe."""
        from pyspark.sql import functions as F

        frames = []
        for n, check in enumerate(rule.checks, start=1):
            df = self.spark.sql(rule.instance_sql(check, "spark"))
            for col, kind, default in DEFAULTS:
                if col not in df.columns:
                    df = df.withColumn(col, F.lit(default).cast(kind))
            df = df.withColumn("checkable", F.coalesce(F.col("checkable"), F.lit(False)))
            df = df.select(F.lit(n).alias("check_no"), "*",
                           F.lit(check.get("severity", rule.severity)).alias("check_severity"),
                           F.lit(check.get("formula", rule.formula)).alias("check_formula"))
            frames.append(df)
        every = frames[0]
        for df in frames[1:]:
            every = every.unionByName(df, allowMissingColumns=True)
        return every

    def collect(self, rule: Rule) -> pd.DataFrame:
        """The rule's instances on the driver in one Spark job: every instance's narrow columns (the
        per-document coverage and counts, the checkpoint's batch) and, for the instances off their
        identity (shortfall or excess above 0: the only ones GE can report), every column (to be worded
        as findings); `_off` marks those. check_id numbers the instances in the order collected, as
        runner.instances does, so it names the same row in GE's batch and here."""
        from pyspark.sql import functions as F

        every = self.instances(rule)
        off = F.coalesce(F.col("checkable") & ((F.col("shortfall") > 0) | (F.col("excess") > 0)), F.lit(False))
        cols = [F.col(c) if c in NARROW else F.when(off, F.col(c)).alias(c) for c in every.columns]
        df = _arrow_pandas(every.select(*cols, off.alias("_off")))
        df.insert(0, "rule_id", rule.id)
        df["check_id"] = [f"{rule.id}#{i}" for i in range(len(df))]
        return df

    def decide_all(self, rules: list[Rule], run_id: str) -> list[Decided]:
        """Every rule's instances computed by Spark (one job per rule, THREADS rules at a time: most of a
        small job is the driver's planning and scheduling, which overlap); GE's Spark engine then
        decides the instances off their identity of all rules in one batch (two expectations, as
        runner.decide per rule: excess above 0 is a violation, shortfall above 0 a rounding hint)."""
        from concurrent.futures import ThreadPoolExecutor

        if CACHE:
            self.cache_shared_inputs(rules)
        with ThreadPoolExecutor(max_workers=THREADS) as pool:
            collected = list(pool.map(self.collect, rules))
        if not collected:
            return []
        offs = [df.loc[df["_off"], ["check_id", "shortfall", "excess"]] for df in collected]
        batch = self.spark.createDataFrame(pd.concat(offs, ignore_index=True), schema=BATCH_SCHEMA)
        broken, _ = self.validator.failing(batch, "excess")
        off, _ = self.validator.failing(batch, "shortfall")
        out = []
        for rule, df in zip(rules, collected):
            reported = df[df["_off"] & df["check_id"].isin(off | broken)]
            out.append(decided(rule, run_id, reported, broken, df.drop(columns="_off")))
        return out
