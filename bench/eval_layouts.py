"""What the general evaluation-form parser still misses on the layouts of the old per-layout parsers.

    .venv/bin/python bench/eval_layouts.py [-v] [PARSER ...]

The per-layout parsers (evaluation_province, evaluation_city_columns; evaluation_city, evaluation_department
and evaluation_county are retired) run before the general one (evaluation_forms) and keep
the forms they read. One can be deleted when the records are identical without it: this runs
`evaluations.parse_evaluations` with all of them and again without one, on the documents they serve
(the samples, the Shanghai PDF when ../shared is present, and synthetic documents generated in a
temporary folder by loaders/synth.py, whose forms follow the sample layouts), and prints per raw table
how many records and which fields differ (all fields, source_ref included). `-v` prints each
difference. Nothing is written; exit status 0.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from loaders.parsers import evaluations  # noqa: E402
from loaders.readers import read_document  # noqa: E402
from loaders.synth import generate  # noqa: E402

SHANGHAI = ROOT.parent / "shared" / "fixtures" / "real" / "shanghai_putuo_finance_bureau_2024_final_accounts.pdf"


def _documents(tmp: Path) -> list[Path]:
    paths = sorted((ROOT / "samples").glob("*.txt"))
    if SHANGHAI.exists():
        paths.append(SHANGHAI)
    generate(tmp, units_n=6, years=1, seed=7, max_docs=30)
    return paths + sorted((tmp / "docs").glob("*.txt"))


def _tables(doc, layouts) -> dict[str, list[dict]]:
    saved = evaluations.LAYOUTS
    evaluations.LAYOUTS = layouts
    try:
        return evaluations.to_tables(evaluations.parse_evaluations(doc))
    finally:
        evaluations.LAYOUTS = saved


def compare(docs: list, parser: str, verbose: bool) -> Counter:
    """(table, field) -> number of records that differ when `parser` is left out; (table, 'records')
    counts records present on one side only."""
    full = evaluations.LAYOUTS
    less = tuple(f for f in full if f.__module__.rsplit(".", 1)[-1] != parser)
    out: Counter = Counter()
    for name, doc in docs:
        a, b = _tables(doc, full), _tables(doc, less)
        for table in a:
            old, new = a[table], b[table]
            if len(old) != len(new):
                out[(table, "records")] += abs(len(old) - len(new))
                if verbose:
                    print(f"  {name} {table}: {len(old)} records with it, {len(new)} without")
            for x, y in zip(old, new):
                for f in sorted(set(x) | set(y)):
                    if x.get(f) != y.get(f):
                        out[(table, f)] += 1
                        if verbose:
                            print(f"  {name} {table} {x.get('source_ref')}: {f} {x.get(f)!r:.80} -> {y.get(f)!r:.80}")
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("parsers", nargs="*", help="module names (default: all layout parsers)")
    ap.add_argument("-v", action="store_true", help="print every difference")
    args = ap.parse_args()
    names = args.parsers or [f.__module__.rsplit(".", 1)[-1] for f in evaluations.LAYOUTS]
    with tempfile.TemporaryDirectory() as tmp:
        docs = [(p.name, read_document(p)) for p in _documents(Path(tmp))]
    for parser in names:
        diff = compare(docs, parser, args.v)
        verdict = "identical: can be deleted" if not diff else f"{sum(diff.values())} differences"
        print(f"{parser}: {verdict}")
        for (table, field), n in sorted(diff.items()):
            print(f"    {table}.{field}: {n}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
