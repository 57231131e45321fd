"""The accuracy harness's own matching (bench/accuracy.py): how labels are compared with what landed.
Label strings are taken from ../shared/fixtures/real/excerpts/labels_*.yaml (ids given)."""
import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import accuracy as A  # noqa: E402


def test_keys_fold_script_pinyin_ordinals_and_spaces():
    assert A.key("預(yù) 算 數(shù)") == A.key("预算数")          # fa_07 column header
    assert A.key("一、一般公共服务支出") == A.key("一般公共服务支出")
    assert A.key("其中:公務用車運行維護費") == A.key("公务用车运行维护费")  # fa_08 row
    assert A.key("★补助各类瓜果蔬菜种植面积") == "补助各类瓜果蔬菜种植面积"   # pe_01 row


def test_numbers_as_printed():
    assert A.num("5,604,878.83") == Decimal("5604878.83")   # fa_02
    assert A.num("≥11.376万元") == Decimal("11.376")           # pe_01
    assert A.num("93.6 %") == Decimal("93.6")                  # nar_01
    assert A.num("") is None


def test_table_kind_from_the_labelled_title():
    assert A.table_codes_for("岳陽(yáng)縣2015-“三公”經(jīng)費(fèi)匯總情況決算表") == {"T_THREE_PUBLIC"}  # fa_09
    assert A.table_codes_for("收入支出决算总表") == {"T_SUMMARY"}
    assert A.table_codes_for("正文（表后说明）") is None


def test_column_words():
    budget = {"column_label": "预算数", "side": None}
    actual = {"column_label": "决算数", "side": None}
    assert A.column_ok("預(yù) 算 數(shù)", budget) and not A.column_ok("預(yù) 算 數(shù)", actual)
    assert A.column_ok("決 算 數(shù)", actual) and not A.column_ok("決 算 數(shù)", budget)
    inc = {"column_label": "金额", "side": "income"}
    assert A.column_ok("金额（收入，栏次1）", inc) and not A.column_ok("金额（支出，栏次2）", inc)


def test_a_finding_matches_an_identity_by_its_figures():
    # nar_01: "(三) 支出决算数2112.86 / 年初预算数1255.37 = 完成年初预算的100%" holds: false
    figs = A.identity_figures("(三) 支出决算数2112.86 / 年初预算数1255.37 = 完成年初预算的100%")
    hit = {"expected": "168.31", "actual": "100", "message": "完成预算 2,112.86 ÷ 1,255.37 = 168.31% but 100% is stated"}
    miss = {"expected": "88.31", "actual": "88.30", "message": "1,865.86 ÷ 2,112.86"}
    assert A.matches_identity(hit, figs)
    assert not A.matches_identity({"expected": "5", "actual": "6", "message": ""}, figs)
    assert A.matches_identity(miss, A.identity_figures("财政拨款收入1865.86 / 本年收入合计2112.86 = 88.31%"))
