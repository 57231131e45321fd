"""Narrative checks beyond the sentence itself (issue 10 remainder): a change stated against a base only
the table prints (FA-073 / FA-070), and a total whose parts are stated one by one without a 其中 list
(FA-072 set / set_change, seed narrative_complete_sets).

Every text is a real excerpt (`../shared/fixtures/real/excerpts/`, line numbers as in those files), the
sample `samples/002_e8cf1b33a1664aff.txt` (山西省小企业发展促进局 2023年度决算), or a copy of one with the lines
named below altered."""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from conftest import ROOT, fdw_run

EXCERPTS = ROOT.parent / "shared" / "fixtures" / "real" / "excerpts"
needs_real = pytest.mark.skipif(not EXCERPTS.exists(), reason="../shared real corpus absent")


SAMPLE = ROOT / "samples" / "002_e8cf1b33a1664aff.txt"


def _lines(name: str) -> list[str]:
    path = SAMPLE if name == SAMPLE.name else EXCERPTS / name
    return path.read_text(encoding="utf-8").split("\n")


def _altered(name: str, changes: dict[int, tuple[str, str]]) -> str:
    """The excerpt with line n's `old` replaced by `new` (each printed once on that line)."""
    lines = _lines(name)
    for n, (old, new) in changes.items():
        assert lines[n - 1].count(old) == 1, f"{name} l{n}: {old!r} not printed once"
        lines[n - 1] = lines[n - 1].replace(old, new)
    return "\n".join(lines)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    if not EXCERPTS.exists():
        pytest.skip("../shared real corpus absent")
    corpus = tmp_path_factory.mktemp("narrative_checks_corpus")
    for name in ("fa_08.txt", "fa_11.txt", "nar_08.txt"):
        (corpus / name).write_text((EXCERPTS / name).read_text(encoding="utf-8"), encoding="utf-8")
    # fa_08 with the 三公 table's 预算数 made to agree with the 说明: l10 因公出國(境)費 20 -> 0 (l27 says
    # 無增減 about 0萬元) and l16 公務用車購置及運行維護費 15 -> 2.48 (l29 says 無變化 about 2.48萬元)
    (corpus / "fa_08_agreeing.txt").write_text(
        _altered("fa_08.txt", {10: ("20 |", "0 |"), 16: ("15 |", "2.48 |")}), encoding="utf-8")
    # fa_11 l1 with the total's change made the sum of the items' (31 + 850 + 107 = 988)
    (corpus / "fa_11_agreeing.txt").write_text(
        _altered("fa_11.txt", {1: ("比预算数减少1188万元", "比预算数减少988万元")}), encoding="utf-8")
    # fa_11 l5 公务接待费1014万元 -> 1114万元: 99 + 1114 + 2712 = 3925 is not the total 3825 (l1)
    (corpus / "fa_11_parts.txt").write_text(
        _altered("fa_11.txt", {5: ("公务接待费1014万元", "公务接待费1114万元")}), encoding="utf-8")
    # FA-080 on the sample: l75 第二部分 2023年部门决算表 -> 2022年 (a heading of last year); l215 the
    # 财政拨款收入支出决算总表's 2023年度 -> 2022年度; l213 its 部门名称：山西省小企业发展促进局 -> XX局
    (corpus / "sample_heading_year.txt").write_text(_altered(SAMPLE.name, {75: ("2023年", "2022年")}), encoding="utf-8")
    (corpus / "sample_table_year.txt").write_text(_altered(SAMPLE.name, {215: ("2023年度", "2022年度")}), encoding="utf-8")
    (corpus / "sample_table_unit.txt").write_text(_altered(SAMPLE.name, {213: ("山西省小企业发展促进局", "XX局")}),
                                                  encoding="utf-8")
    (corpus / SAMPLE.name).write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    con = fdw_run(tmp_path_factory.mktemp("narrative_checks_home"), corpus)
    yield con
    con.close()


def _findings(con, source_name: str, rule: str, severity: str = "error") -> list[tuple]:
    return con.execute("""select f.source_ref, f.message from dq_findings f join dim_document d using (doc_id)
                          where d.source_name = ? and f.rule_id = ? and f.severity = ? order by f.source_ref""",
                       [source_name, rule, severity]).fetchall()


@needs_real
def test_no_change_stated_against_the_tables_budget_is_fa073(built):
    # fa_08 l27 因公出國(境)費支出0萬元,與2021年度預算相比無增減 while the table's 預算數 (l10) is 20;
    # l29 公務用車購置及運行維護費支出2.48萬元,與2021年度預算相比無變化 while it is 15 (l16)
    got = _findings(built, "fa_08.txt", "FA-073")
    assert [r for r, _ in got] == ["l27", "l29"]
    assert "20 (l10)" in got[0][1] and "15 (l16)" in got[1][1]
    assert _findings(built, "fa_08_agreeing.txt", "FA-073") == []


@needs_real
def test_a_change_against_the_tables_budget_is_its_difference_fa070(built):
    # fa_08 l28 公務接待費支出5.21萬元,與2021年度預算相比,減少0.1萬元 — the table's 預算數 is 14.9 (l13):
    # 5.21 − 14.9 = −9.69
    got = [m for r, m in _findings(built, "fa_08.txt", "FA-070") if r == "l28"]
    assert len(got) == 1 and "-9.69" in got[0] and "14.9 (l13)" in got[0]


@needs_real
def test_items_changes_that_do_not_add_up_to_the_totals_change_fa072(built):
    # fa_11 l1 "三公"经费支出总额为3825万元,比预算数减少1188万元; l3/l5/l7 the items 比预算数减少 31, 850, 107
    got = _findings(built, "fa_11.txt", "FA-072")
    assert len(got) == 1 and got[0][0] == "l1" and "-988.00" in got[0][1]
    assert _findings(built, "fa_11_agreeing.txt", "FA-072") == []
    # the items' levels 99 + 1014 + 2712 = 3825 hold in the real text; 99 + 1114 + 2712 does not
    parts = _findings(built, "fa_11_parts.txt", "FA-072")
    assert any(r == "l1" and "3,925.00" in m for r, m in parts), parts


@needs_real
def test_a_difference_inside_the_rounding_envelope_is_a_hint(built):
    # nar_08 l15 比2020年减少166.4万元; l16-17 items 0 + 130.42 + 35.99 = 166.41: within half a printed
    # digit of each figure, so a rounding hint, not an error
    assert _findings(built, "nar_08.txt", "FA-072") == []
    hints = _findings(built, "nar_08.txt", "FA-072", "hint")
    assert [r for r, _ in hints] == ["l15"] and "-166.41" in hints[0][1]


@needs_real
def test_a_change_percentage_keeps_its_changes_base():
    from loaders.parsers.narrative import narrative_year, parse_narrative
    from loaders.readers import read_document

    doc = read_document(EXCERPTS / "fa_11.txt")
    figs = parse_narrative(doc, doc.nonblank(), narrative_year(doc.nonblank()), "final_accounts")
    # l1 比预算数减少1188万元,下降23.70%: the percentage's base is the budget, as its change's
    pct = next(f for f in figs if f["measure"] == "change_pct")
    assert (pct["value"], pct["base"], figs[pct["num_no"] - 1]["base"]) == (D("23.70"), "budget", "budget")


@needs_real
def test_nar05_a_quota_rise_and_a_none_stated_in_words():
    from loaders.parsers.narrative import narrative_year, parse_narrative
    from loaders.readers import read_document

    doc = read_document(EXCERPTS / "nar_05.txt")
    figs = parse_narrative(doc, doc.nonblank(), narrative_year(doc.nonblank()), "final_accounts")
    # l1 (3)2015年人员经费定额较2014年上涨2000元/人: a rise of the personnel quota, a rate per head that is
    # compared with nothing
    rise = next(f for f in figs if f["printed_text"] == "2000元/人")
    assert (rise["item"], rise["measure"], rise["direction"], rise["amount_wan"], rise["num_no"]) == \
        ("personnel", "change", "up", None, None)
    # l2 2、关于政府采购支出情况。无。: no procurement, stated as the word 无
    none = next(f for f in figs if f["line"] == 2)
    assert (none["item"], none["measure"], none["value"], none["printed_text"]) == ("procurement_total", "current", D(0), "无")
    # l4 …故无绩效评价情况公开。: 无 inside a sentence states no amount
    assert [f for f in figs if f["line"] == 4] == []


@needs_real
@pytest.mark.parametrize("name, ref, printed", [("sample_heading_year.txt", "l75", "2022年"),
                                                 ("sample_table_year.txt", "l209", "2022年"),
                                                 ("sample_table_unit.txt", "l209", "XX局")])
def test_another_year_or_unit_in_a_heading_or_table_header_is_fa080(built, name, ref, printed):
    got = _findings(built, name, "FA-080")
    assert [r for r, _ in got] == [ref] and f"“{printed}”" in got[0][1], got
    assert _findings(built, SAMPLE.name, "FA-080") == []


@needs_real
def test_nar06_vehicles_to_buy_are_a_count_of_their_own():
    from loaders.parsers.narrative import narrative_year, parse_narrative
    from loaders.readers import read_document

    doc = read_document(EXCERPTS / "nar_06.txt")
    figs = parse_narrative(doc, doc.nonblank(), narrative_year(doc.nonblank()), "budget")
    # l6 公务车保有量25辆,计划购置0辆公务接待费4.5万元: the fleet, then the vehicles to be bought
    got = [(f["item"], f["measure"], f["value"]) for f in figs if f["unit"] == "辆"]
    assert got == [("vehicles", "count", D(25)), ("vehicles_purchased", "count", D(0))]
    assert [f["item"] for f in figs if f["printed_text"] == "4.5万元"] == ["reception"]
