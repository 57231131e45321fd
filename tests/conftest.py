from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
S002 = SAMPLES / "002_e8cf1b33a1664aff.txt"
REAL_PDF = ROOT.parent / "shared" / "fixtures" / "real" / "shanghai_putuo_finance_bureau_2024_final_accounts.pdf"


def altered_copy(src: Path, dst: Path, line: int, old: str, new: str, occurrence: int = 1) -> Path:
    """A copy of `src` with the `occurrence`-th `old` on 1-based `line` replaced by `new`.

    Fails loudly when the line does not print `old`, so a test can never silently alter nothing."""
    lines = src.read_text(encoding="utf-8").split("\n")
    text = lines[line - 1]
    idx = -1
    for _ in range(occurrence):
        idx = text.find(old, idx + 1)
        assert idx >= 0, f"{src.name} line {line} does not print {old!r} (x{occurrence}): {text!r}"
    lines[line - 1] = text[:idx] + new + text[idx + len(old):]
    dst.write_text("\n".join(lines), encoding="utf-8")
    return dst


@pytest.fixture(scope="session")
def doc002():
    from loaders.readers import read_document

    return read_document(S002)


@pytest.fixture(scope="session")
def fa002(doc002):
    from loaders.parsers.final_accounts import parse_final_accounts

    return parse_final_accounts(doc002)


def load(name_prefix: str):
    """A bundled sample read into a SourceDoc, by its number (000 … 004)."""
    from loaders.readers import read_document

    path = next(SAMPLES.glob(f"{name_prefix}_*.txt"))
    return read_document(path)


@pytest.fixture(scope="session")
def doc004():
    return load("004")


@pytest.fixture(scope="session")
def doc003():
    return load("003")


@pytest.fixture(scope="session")
def doc000():
    return load("000")


@pytest.fixture(scope="session")
def doc001():
    return load("001")


def cells(fa, **where):
    """Parsed final-accounts cells matching every `column=value` given."""
    return [c for c in fa.cells if all(c[k] == v for k, v in where.items())]


def one(fa, **where):
    """The one parsed cell matching `where` (fails when none or several match)."""
    found = cells(fa, **where)
    assert len(found) == 1, (where, found)
    return found[0]


def fdw_run(home: Path, *paths: Path):
    """`fdw run --home home paths…` through the real CLI; a read-only connection to the built warehouse."""
    import duckdb
    from typer.testing import CliRunner

    from loaders.cli import app

    result = CliRunner().invoke(app, ["run", "--home", str(home), *map(str, paths)])
    assert result.exit_code == 0, result.output
    return duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
