"""Indicator values: comparator, number, unit, ranges, qualitative text; is_achieved."""
from decimal import Decimal as D

import pytest

from loaders.parsers.indicators import achieved, parse_value


@pytest.mark.parametrize("text,comp,number,high,unit", [
    ("≥400户", ">=", D(400), None, "户"),
    ("≥200人次", ">=", D(200), None, "人次"),
    ("＞95％", ">", D(95), None, "%"),          # full-width forms
    ("≤0.5小时", "<=", D("0.5"), None, "小时"),
    ("= 3份", "=", D(3), None, "份"),
    ("=11市", "=", D(11), None, "市"),
    ("≤260元/天.人", "<=", D(260), None, "元/天.人"),
    ("1套/年", None, D(1), None, "套/年"),
    ("不低于90%", ">=", D(90), None, "%"),
    ("不超过50万元", "<=", D(50), None, "万元"),
    ("不高于3次", "<=", D(3), None, "次"),
    ("100人以上", ">=", D(100), None, "人"),
    ("2小时以内", "<=", D(2), None, "小时"),
    ("60-70户", "between", D(60), D(70), "户"),
    ("96.80%", None, D("96.80"), None, "%"),
    ("1384", None, D(1384), None, None),
    ("<1", "<", D(1), None, None),
])
def test_numeric_values(text, comp, number, high, unit):
    v = parse_value(text)
    assert (v.comparator, v.number, v.high, v.unit) == (comp, number, high, unit)
    assert v.text == text


@pytest.mark.parametrize("text", ["良好", "及时", "达成预期指标", "年底前", "9月底前", "2022年底前完成",
                                  "2019-05-01 00:00:00", "每月25日前", "2021年", "50万/户*3", ""])
def test_qualitative_and_dates_stay_text(text):
    v = parse_value(text)
    assert v.number is None and v.comparator is None and v.text == text


def test_achieved_from_numbers():
    # 002 line 837: ≥400户 target, ≥387户 actual -> the actual value is 387: missed
    assert achieved(parse_value("≥400户"), parse_value("≥387户")) is False
    assert achieved(parse_value("≥90%"), parse_value("≥95%")) is True
    assert achieved(parse_value("≤2次/每年"), parse_value("≤0次/每年")) is True
    assert achieved(parse_value(">95%"), parse_value(">95%")) is True
    assert achieved(parse_value("60-70户"), parse_value("56户")) is False
    assert achieved(parse_value("5"), parse_value("5家")) is True  # unit-less target


def test_achieved_not_comparable_or_from_completion():
    # different units: not compared
    assert achieved(parse_value("1亿元"), parse_value("5000万元")) is None
    assert achieved(parse_value("良好"), parse_value("良好")) is None
    assert achieved(parse_value("良好"), parse_value("良好"), "已完成") is True
    assert achieved(parse_value("2个"), parse_value("0"), "未完成") is False
    assert achieved(parse_value("≥400户"), parse_value("≥387次"), "已完成") is True
