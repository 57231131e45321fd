"""County self-evaluation report (曲沃 2021, 003). Filled in below."""
from __future__ import annotations

from loaders.model import SourceDoc
from loaders.parsers.indicators import EvaluationRecords

PARSER_NAME = "evaluation_county"
PARSER_VERSION = "1"


def parse_county(doc: SourceDoc, start: int = 1, doc_year: int | None = None) -> list[EvaluationRecords]:
    return []
