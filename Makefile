# The one interface: `make run` sets everything up and runs the pipeline on the bundled samples;
# `make test` sets everything up and runs the tests. Both create .venv on first use.
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install install-spark run test bench bench-ocr accuracy accuracy-spark clean gx

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# Optional: dbt-spark and pyspark for `fdw build --engine spark` (about 450 MB; Java 17 needed to run).
install-spark: $(STAMP)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test,spark]'

# fdw run: ingest the samples -> dbt build -> checks -> publish; prints where the warehouse and report are.
# The home folder is $FDW_HOME, else ./data.
run: $(STAMP)
	$(BIN)/fdw run

test: $(STAMP)
	$(BIN)/python -m pytest

# Province-scale benchmark (issue 5): generated corpora of BENCH_SIZES documents; prints a table,
# writes bench/results.json and the Benchmark section of README.md. The 20k run takes about 7
# minutes on 2 cores: make bench BENCH_SIZES=20000
BENCH_SIZES ?= 1000,5000
# The OCR row (issue 11): BENCH_OCR_PAGES scanned pages of the real Shanghai PDF (0: none); alone with
# make bench-ocr. OCR costs several seconds a page: keep it to a few pages.
BENCH_OCR_PAGES ?= 5
# Spark beside DuckDB (issue 14; make install-spark, Java 17): make bench BENCH_SIZES=20000 BENCH_ENGINES=duckdb,spark
BENCH_ENGINES ?= duckdb
bench: $(STAMP)
	$(BIN)/python bench/run.py --sizes $(BENCH_SIZES) --engines $(BENCH_ENGINES) --ocr $(BENCH_OCR_PAGES) --readme

bench-ocr: $(STAMP)
	$(BIN)/python bench/run.py --sizes '' --ocr $(BENCH_OCR_PAGES)

# Regenerate the Great Expectations project (expectations/gx/: suites, validation definitions,
# checkpoint) from expectations/rules.yaml after a rule is added or changed; a test fails until then.
gx: $(STAMP)
	$(BIN)/python -m expectations.gx_project

# Accuracy on the real corpus (../shared/fixtures/real and tests/fixtures/real): runs fdw run on it
# and scores parsed documents, labelled facts at the right table/row/column, and identities flagged.
# `make accuracy ARGS=-v` lists every miss and every finding. Details in bench/accuracy.json.
accuracy: $(STAMP)
	$(BIN)/python bench/accuracy.py $(ARGS)

# The real corpus on both engines (issue 14; needs make install-spark and Java 17): fdw run on DuckDB,
# the same raw layer built and checked on Spark, every mart and finding compared row for row. Minutes.
accuracy-spark: $(STAMP)
	$(BIN)/python bench/engines.py $(ARGS)

clean:
	rm -rf $(VENV) data target logs .pytest_cache
