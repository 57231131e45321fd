"""The checks of what a self-evaluation states about itself (issue 10, pe excerpts of
../shared/fixtures/real/excerpts, labels in labels_pe.yaml): PE-015 a file name's year against the form's
heading, PE-016 a stated count against the names listed after it, PE-017 the groups' weights against the
form's own note, and PE-001/PE-002 on a flattened form read whole. Each rule is run on the real excerpt
(it must report the labelled error) and on a copy with the error corrected (it must stay quiet).
One `fdw run` over all copies."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from conftest import altered_copy, fdw_run
from loaders.model import Cell, Line
from loaders.parsers import eval_statements

EXCERPTS = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "real" / "excerpts"
needs_corpus = pytest.mark.skipif(not EXCERPTS.is_dir(), reason="../shared real corpus not present")

# pe_02.txt line 1 (one line): …总分100100注:1.一级指标分值统一设置为:产出指标50分、效益指标30分、满意度指标10分、预算资金执行率10分…
NOTE_02 = "产出指标50分、效益指标30分"
# pe_08.txt line 1 cites the file twice as 《重庆市梁平区林业局2022年度部门整体绩效自评表.docx…》; line 2 heads the form 2023年度
CITED_08 = "林业局2022年度部门整体绩效自评表"
# pe_14.txt line 6: 直属事业单位10个,即 + 9 names; line 10: 单位有3个,分别为A、B和C (2 or 3 names)


def _copies(corpus: Path) -> None:
    for name in ("pe_02.txt", "pe_08.txt", "pe_09.txt", "pe_14.txt"):
        (corpus / name).write_bytes((EXCERPTS / name).read_bytes())
    # the note states the weights the table uses (70 / 20): PE-017 has nothing to report
    altered_copy(EXCERPTS / "pe_02.txt", corpus / "pe_02_note_agrees.txt", 1, NOTE_02, "产出指标70分、效益指标20分")
    # both citations name 2023: PE-015 has nothing to report
    altered_copy(EXCERPTS / "pe_08.txt", corpus / "pe_08_same_year.txt", 1, CITED_08, "林业局2023年度部门整体绩效自评表", 1)
    altered_copy(corpus / "pe_08_same_year.txt", corpus / "pe_08_same_year.txt", 1, CITED_08, "林业局2023年度部门整体绩效自评表", 1)
    # the same text saved under a file name of the other year: the file's own name is a source too
    # (a trailing newline more: documents are keyed by their bytes, an identical copy would be skipped)
    (corpus / "梁平区林业局2022年度部门整体绩效自评表.txt").write_bytes((corpus / "pe_08_same_year.txt").read_bytes() + b"\n")
    # pe_09.txt line 29: 年度资金总额 分值 printed 100 (line 25 is its label) -> the template's 10
    altered_copy(EXCERPTS / "pe_09.txt", corpus / "pe_09_weight_10.txt", 29, "100 |", "10 |")
    # the count agrees with its 9 names; the 3 budget units become 4 (more than the 2–3 names listed)
    altered_copy(EXCERPTS / "pe_14.txt", corpus / "pe_14_count_agrees.txt", 6, "直属事业单位10个", "直属事业单位9个")
    altered_copy(EXCERPTS / "pe_14.txt", corpus / "pe_14_four_units.txt", 10, "单位有3个", "单位有4个")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    if not EXCERPTS.is_dir():
        pytest.skip("../shared real corpus not present")
    corpus = tmp_path_factory.mktemp("pe_statements")
    _copies(corpus)
    con = fdw_run(tmp_path_factory.mktemp("pe_statements_home"), corpus)
    yield con
    con.close()


def _findings(con, name: str, rule: str) -> list[dict]:
    cur = con.execute("""select f.severity, f.line, f.actual, f.expected, f.row_label, f.message
                         from dq_findings f join dim_document d using (doc_id)
                         where d.source_name = ? and f.rule_id = ? and f.severity <> 'hint' order by f.row_label""",
                      [name, rule])
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


@needs_corpus
def test_pe001_pe002_on_the_flattened_form_read_whole(built):
    # pe_02: 年度资金总额 分值 10 / 得分 10 outside the indicators' 100 / 100, 总分 printed 100 / 100
    [w] = _findings(built, "pe_02.txt", "PE-001")
    assert (w["severity"], w["actual"], w["expected"]) == ("error", Decimal(110), Decimal(100))
    assert "预算执行率 10 + 产出指标 70 + 效益指标 20 + 满意度指标 10" in w["row_label"]
    [s] = _findings(built, "pe_02.txt", "PE-002")
    assert (s["severity"], s["actual"], s["expected"]) == ("error", Decimal(100), Decimal(110))
    assert "预算执行率得分 10 + 各指标得分 100" in s["row_label"]


@needs_corpus
def test_pe017_group_weights_against_the_forms_note(built):
    got = {(f["row_label"], f["actual"], f["expected"]) for f in _findings(built, "pe_02.txt", "PE-017")}
    # 产出指标(70分) vs 50, 效益指标(20分) vs 30; 满意度 10 = 10 and 预算执行率 10 = 10 hold
    assert got == {("产出指标", Decimal(70), Decimal(50)), ("效益指标", Decimal(20), Decimal(30))}
    msg = _findings(built, "pe_02.txt", "PE-017")[0]["message"]
    assert "一级指标分值统一设置为" in msg  # the note is quoted
    assert _findings(built, "pe_02_note_agrees.txt", "PE-017") == []


@needs_corpus
def test_pe015_file_name_year_against_the_heading(built):
    [f] = _findings(built, "pe_08.txt", "PE-015")
    assert (f["severity"], f["line"]) == ("warning", 1)  # the cited name, line 1
    assert "2022" in f["message"] and "2023" in f["message"] and "文件名" in f["message"]
    assert _findings(built, "pe_08_same_year.txt", "PE-015") == []
    [own] = _findings(built, "梁平区林业局2022年度部门整体绩效自评表.txt", "PE-015")
    assert own["severity"] == "warning" and own["line"] == 2  # reported at the heading that prints 2023


@needs_corpus
def test_pe016_stated_count_against_the_names_listed(built):
    [f] = _findings(built, "pe_14.txt", "PE-016")
    assert (f["severity"], f["line"], f["row_label"], f["actual"], f["expected"]) == \
        ("error", 6, "直属事业单位", Decimal(10), Decimal(9))
    assert "县经济开发区财政所" in f["message"]  # the list is quoted
    assert _findings(built, "pe_14_count_agrees.txt", "PE-016") == []
    [four] = [f for f in _findings(built, "pe_14_four_units.txt", "PE-016") if f["line"] == 10]
    assert (four["line"], four["actual"], four["expected"]) == (10, Decimal(4), Decimal(3))


def _line(text: str, n: int = 1) -> Line:
    return Line(lineno=n, cells=[Cell(text=text, col=0)])


def test_enumeration_range_when_a_conjunction_may_join_two_names():
    # pe_14.txt line 10: 分别为南县财政局机关本级、南县财政事务中心和南县国库集中支付中心 — 2 or 3 names
    text = "纳入南县财政局部门预算编制范围的单位有3个,分别为南县财政局机关本级、南县财政事务中心和南县国库集中支付中心。"
    counts = [{"label": "单位", "printed_text": "3个", "line": 1}]
    eval_statements.listed_counts([_line(text)], counts)
    assert (counts[0]["listed_min"], counts[0]["listed_max"]) == (2, 3)
    # an open list (…等16个股室, pe_14 line 6) or a list with sub-counts is never counted
    counts = [{"label": "股室", "printed_text": "16个", "line": 1}]
    eval_statements.listed_counts([_line("下设办公室、预算股、人事教育股、国库股、科教文化股、乡镇财政等16个股室;")], counts)
    assert counts[0]["listed_min"] is None


def test_stated_weights_need_two_known_groups():
    # pe_02.txt line 1's note: four groups named
    note = "注:1.一级指标分值统一设置为:产出指标50分、效益指标30分、满意度指标10分、预算资金执行率10分,各部门根据各项指标重要程度确定三级指标的分值"
    got = [(i["section"], i["weight"]) for i in eval_statements.stated_weights([_line(note)], 1)]
    assert got == [("产出指标", 50), ("效益指标", 30), ("满意度指标", 10), ("预算执行率", 10)]
    # a sentence naming one group's points is no statement of the template's weights
    assert eval_statements.stated_weights([_line("三级指标分值为:产出指标50分")], 1) == []


@needs_corpus
def test_pe001_on_a_form_cut_off_when_the_weights_read_already_exceed_100(built):
    # pe_09: the excerpt ends inside 效益指标 (not read to 总分), yet 年度资金总额 分值 100 (line 29) plus the
    # indicators read (20+10+10+10+10 产出, 10 效益) is 170: the whole form's weights can only be more
    [w] = _findings(built, "pe_09.txt", "PE-001")
    assert (w["severity"], w["actual"], w["expected"]) == ("error", Decimal(170), Decimal(100))
    assert "已读部分" in w["row_label"] and "预算执行率 100" in w["row_label"]
    # with the template's 10 the part read adds up to 80: the cut-off form's sum is not checkable
    assert _findings(built, "pe_09_weight_10.txt", "PE-001") == []


def test_enumeration_going_on_after_a_comma_is_a_range():
    # pe_14.txt line 6 as printed (9 names, then 。) is exactly 9; the same list going on after a comma
    # (…县经济开发区财政所,负责…) may be 9 names and a clause, or 10 names: 10个 is not reported then
    line6 = ("直属事业单位10个,即县国库集中支付中心、县财政信息中心、县工资统发中心、县财政投资评审中心、县政府债务研究评估中心、"
             "县财政预算编审中心、县国有资产服务中心、县会计服务中心、县经济开发区财政所。")
    counts = [{"label": "直属事业单位", "printed_text": "10个", "line": 1}]
    eval_statements.listed_counts([_line(line6)], counts)
    assert (counts[0]["listed_min"], counts[0]["listed_max"]) == (9, 9)
    counts = [{"label": "直属事业单位", "printed_text": "10个", "line": 1}]
    eval_statements.listed_counts([_line(line6.replace("财政所。", "财政所,负责全县财政业务。"))], counts)
    assert (counts[0]["listed_min"], counts[0]["listed_max"]) == (9, 10)
