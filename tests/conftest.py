import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SAMPLES = ROOT / "samples"


def load(name_prefix: str):
    from loaders.readers import read_document
    path = next(SAMPLES.glob(f"{name_prefix}_*.txt"))
    return read_document(path, path.read_bytes())


@pytest.fixture(scope="session")
def doc002():
    return load("002")


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
