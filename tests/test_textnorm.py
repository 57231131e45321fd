"""Matching text: traditional script and pinyin glosses normalised, the printed text kept.
Inputs are lines of the real excerpts (../shared/fixtures/real/excerpts, 杜集区 fa_08) and a
simplified sample, so the test says which document each string comes from."""
from pathlib import Path

import pytest

from loaders.model import Cell, Line
from loaders.textnorm import normalize_lines, strip_pinyin

EXCERPTS = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "real" / "excerpts"


def test_pinyin_glosses_removed_only_when_toned():
    assert strip_pinyin("經(jīng)費") == "經費"
    assert strip_pinyin("預 算 數(shù) |") == "預 算 數 |"
    assert strip_pinyin("项目(A)") == "项目(A)"  # capital letter: a column mark, not a gloss
    assert strip_pinyin("合计(万元)") == "合计(万元)"
    assert strip_pinyin("公式(a)") == "公式(a)"  # no tone mark


def test_traditional_document_is_simplified_and_printed_kept():
    lines = [Line(1, [Cell("一、2021年度一般公共預算財政撥款“三公”經(jīng)費支出決算表", 0)]),
             Line(2, [Cell("單位:萬元", 0)]), Line(3, [Cell("49.9 |", 0)])]
    normalize_lines(lines)
    assert lines[0].cells[0].text == "一、2021年度一般公共预算财政拨款“三公”经费支出决算表"
    assert lines[0].cells[0].printed == "一、2021年度一般公共預算財政撥款“三公”經(jīng)費支出決算表"
    assert lines[1].printed(0) == "單位:萬元" and lines[1].cell(0) == "单位:万元"
    assert lines[2].cells[0].printed is None  # unchanged cells carry no copy


def test_simplified_document_keeps_every_character():
    # 乾县 is a simplified place name that OpenCC's t2s would rewrite as 干县
    lines = [Line(1, [Cell("乾县财政局2023年度部门决算", 0)]), Line(2, [Cell("收入支出决算总表", 0)])]
    normalize_lines(lines)
    assert lines[0].cell(0) == "乾县财政局2023年度部门决算"


@pytest.mark.skipif(not EXCERPTS.exists(), reason="../shared is not beside the project")
def test_real_traditional_excerpt_reads_simplified():
    from loaders.readers import read_document
    doc = read_document(EXCERPTS / "fa_08.txt")
    first = doc.nonblank()[0]
    assert "一般公共预算财政拨款" in first.cell(0) and "经费" in first.cell(0)
    assert "經(jīng)費" in first.printed(0)
