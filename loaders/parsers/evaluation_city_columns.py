"""City form, column-by-column variant (000, 001). Filled in below."""
from __future__ import annotations

from loaders.model import SourceDoc
from loaders.parsers.indicators import EvaluationRecords

PARSER_NAME = "evaluation_city_columns"
PARSER_VERSION = "1"


def parse_city_columns(doc: SourceDoc, start: int = 1, doc_year: int | None = None) -> list[EvaluationRecords]:
    return []
