from decimal import Decimal

from loaders.numbers import BLANK, NOT_APPLICABLE, TEXT, VALUE, amounts_in_text, half_unit_wan, parse_amount, to_wan


def test_printed_forms_of_002():
    # 002 line 90 prints 3,584.96; line 249 prints the same figure spaced as "3, 584. 96"
    assert parse_amount("3,584.96") == parse_amount("3, 584. 96")
    a = parse_amount("3, 584. 96")
    assert (a.state, a.value, a.decimals) == (VALUE, Decimal("3584.96"), 2)


def test_blank_zero_and_not_applicable_stay_distinct():
    # 002 line 314 prints "——" for 309 资本性支出（基本建设）; line 673 prints 0.00; line 91 leaves 政府性基金 blank
    assert parse_amount("——").state == NOT_APPLICABLE and parse_amount("——").value is None
    assert parse_amount("").state == BLANK and parse_amount("").value is None
    zero = parse_amount("0.00")
    assert zero.state == VALUE and zero.value == 0
    assert parse_amount("未填报").state == TEXT


def test_negative_and_units():
    # 004 line 11 prints 预算调整金额 -10504.26
    assert parse_amount("-10504.26").value == Decimal("-10504.26")
    assert to_wan(Decimal("122241483.61"), "元") == Decimal("12224.148361")
    assert half_unit_wan(2, "万元") == Decimal("0.005")
    assert half_unit_wan(2, "元") == Decimal("0.000001")


def test_amounts_in_narrative():
    # 002 line 550: 政府采购授予中小企业合同金额35.83万元
    found = amounts_in_text("政府采购授予中小企业合同金额35.83万元，占政府采购支出总额的4.37%。")
    assert found == [("35.83万元", Decimal("35.83"), "万元")]
