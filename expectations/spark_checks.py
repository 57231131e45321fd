"""The identity rules on Apache Spark (issue 14): `fdw check --engine spark`.

The same rules as runner.py, the same templates: each check's SQL is rendered once and translated
to Spark SQL (expectations/dialect.py), then runs in Spark over the tables the Spark build wrote
(<warehouse>/<schema>.db/<table>/, Parquet, registered as views). Great Expectations decides the
instances on its Spark execution engine (a Spark dataframe batch); only the instances it reports come
back to the driver to be worded as findings. What comes back is what runner.decide returns for
DuckDB, so the findings are written to the warehouse (dq_findings, dq_rule_results, …) by the same code.

On the driver: the per-document bookkeeping (instances and not-checkable reasons per document) and
the Great Expectations checkpoint (Data Docs, gx_project.run_checkpoint), which validates a pandas
dataframe of the checked instances as after a DuckDB check; both read the narrow columns of every
instance, collected once per rule.
"""
from __future__ import annotations

from pathlib import Path


from expectations.gx_project import COLUMNS
from expectations.runner import Decided, GEValidator, Rule, decided
from loaders import spark as fdw_spark

# columns a template may leave out, with their default (as runner.instances)
DEFAULTS = (("checkable", "boolean", True), ("not_checkable_reason", "string", None), ("sentence", "string", None))


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

    def instances(self, rule: Rule):
        """Every instance of the rule (runner.instances in Spark), materialised once: check_id must
        not change between the validations that name it and the rows fetched by it."""
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
        every = every.select(F.lit(rule.id).alias("rule_id"), "*",
                             F.concat(F.lit(f"{rule.id}#"), F.monotonically_increasing_id().cast("string")).alias("check_id"))
        return every.localCheckpoint(eager=True)

    def decide_all(self, rules: list[Rule], run_id: str) -> list[Decided]:
        """Every rule's instances computed by Spark; GE's Spark engine then decides the instances off
        their identity (shortfall or excess above 0) of all rules in one batch (two expectations, as
        runner.decide per rule: a Spark job costs about a second, a validation several). What comes
        to the driver per rule: the instances off their identity (to be worded as findings) and the
        narrow columns of every instance (the per-document coverage and counts, and the checkpoint's
        batch, as after a DuckDB check)."""
        from pyspark.sql import functions as F

        wanted = [c for c in {**COLUMNS, "check_severity": None} if c != "severity"]
        staged, offs = [], []
        for rule in rules:
            every = self.instances(rule)
            off_any = every.where(F.col("checkable") & ((F.col("shortfall") > 0) | (F.col("excess") > 0)))
            offs.append(off_any.select("check_id", "shortfall", "excess"))
            narrow = every.select(*[c for c in dict.fromkeys(["doc_id", "checkable", "not_checkable_reason", *wanted]) if c in every.columns])
            staged.append((rule, _arrow_pandas(off_any), _arrow_pandas(narrow)))
        if not offs:
            return []
        batch = offs[0]
        for df in offs[1:]:
            batch = batch.unionByName(df)
        batch = batch.localCheckpoint(eager=True)
        broken, _ = self.validator.failing(batch, "excess")
        off, _ = self.validator.failing(batch, "shortfall")
        return [decided(rule, run_id, off_rows[off_rows["check_id"].isin(off | broken)], broken, every)
                for rule, off_rows, every in staged]
