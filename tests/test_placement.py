"""Placing printed values only where a table's identities make the placement unique (loaders/placement.py)
and the evaluation-form hooks that use it. Every printed string and number comes from a real excerpt in
../shared/fixtures/real/excerpts (file and line named in each test); the parsing tests skip without it."""
from decimal import Decimal
from pathlib import Path

import pytest

from loaders import placement
from loaders.parsers import evaluations
from loaders.parsers import evaluation_forms as ef
from loaders.readers import read_document

EXCERPTS = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "real" / "excerpts"
needs_corpus = pytest.mark.skipif(not EXCERPTS.is_dir(), reason="../shared real corpus not present")

# pe_04.txt line 2: header 年初预算 数 … 全年预算数 全年执行数 分值 执行率 得分, then the total line's values
# "0 207.4538 10 100% 10 207.4538" printed out of column order (an xlsx rendered in reading order)
PE04_COLS = ["budget_initial_wan", "budget_full_year_wan", "executed_wan", "execution_weight", "execution_rate_pct",
             "execution_score"]
PE04_VALUES = "0 207.4538 10 100% 10 207.4538".split()

# pe_08.txt line 3 (OCR of a docx, 指标值 | 指标权重 | 全年完成值 | 指标得分 run together); line 2: 自评总分 97.93,
# the 执行率 line 79.27 | 执行率权重 10 | 执行率得分 7.93
PE08_RUNS = ["901010010", "2810810", "2110110", "250105010", "0.910010", "0.4100.110"]
PE08_FUNDS = [{"execution_weight": Decimal(10), "execution_score": Decimal("7.93")}]
RUN_COLS = ["target", "weight", "actual", "score"]


def test_out_of_order_funds_line_placed_only_by_its_identities_pe04():
    cols, ids = ef._funds_columns(PE04_COLS), ef._funds_identities()
    # in printed order no placement keeps the kinds (100% would be a 分值)
    assert placement.place(PE04_VALUES, cols, ids).candidates == 0
    got = placement.place(PE04_VALUES, cols, ids, ordered=False)
    assert got.values == {"budget_initial_wan": "0", "budget_full_year_wan": "207.4538", "executed_wan": "207.4538",
                          "execution_weight": "10", "execution_rate_pct": "100%", "execution_score": "10"}
    # without 执行数 = 执行率 × 预算数 for a budget of 0, 年初 and 全年 could trade places: not unique
    loose = placement.place(PE04_VALUES, cols, [lambda m: ef._identities(m, None) is not None], ordered=False)
    assert loose.values is None and loose.candidates == 2


def test_a_run_split_only_when_one_split_keeps_the_identities_pe08_funds():
    # pe_08.txt line 2: "79.27107.93" = 执行率 79.27 | 执行率权重 10 | 执行率得分 7.93 (得分 = 分值 × 执行率)
    cols = ef._funds_columns(["execution_rate_pct", "execution_weight", "execution_score"])
    assert placement.split_run("79.27107.93", cols, ef._funds_identities()) == [
        {"execution_rate_pct": "79.27", "execution_weight": "10", "execution_score": "7.93"}]
    # without the identity the run splits many ways
    assert len(placement.split_run("79.27107.93", cols)) > 1


def test_split_run_tokens_are_well_formed():
    # no leading zero, a decimal point never cut off its digits, % kept with its number (pe_08.txt line 3)
    sols = placement.split_run("0.4100.110", [placement.Column(c) for c in RUN_COLS])
    for s in sols:
        assert all(placement.WELL_FORMED.fullmatch(t) for t in s.values())
        assert "".join(s[c] for c in RUN_COLS) == "0.4100.110"
    assert {"target": "0.4", "weight": "10", "actual": "0.1", "score": "10"} in sols
    assert not any(t.startswith(("00", "01", ".")) for s in sols for t in s.values())


def test_points_identities_narrow_the_pe08_runs_but_a_zero_weight_keeps_them_ambiguous():
    cap, slack, tol = ef._points_bounds(PE08_FUNDS, "97.93", None)
    # PE-001: 100 - 10 for the indicators; PE-001+002+003: Σ(分值 - 得分) <= 100 - 97.93 - (10 - 7.93) = 0
    assert cap == 90 and slack == 0 and tol == Decimal("0.01")
    cols, ids = ef._run_columns(RUN_COLS), ef._run_identities(cap, slack, tol)
    free = [placement.split_run(r, cols) for r in PE08_RUNS]
    bound = [placement.split_run(r, cols, ids) for r in PE08_RUNS]
    assert all(len(b) < len(f) for b, f in zip(bound, free))
    # 28 | 10 | 8 | 10 (as printed: the leading 2 an OCR'd ≥) survives, and so does 281 | 0 | 81 | 0:
    # a 分值 of 0 breaks no identity, so the row is not placed
    assert bound[1] == [{"target": "28", "weight": "10", "actual": "8", "score": "10"},
                        {"target": "281", "weight": "0", "actual": "81", "score": "0"}]
    assert {"target": "9010", "weight": "10", "actual": "0", "score": "10"} in bound[0]
    assert all(len(b) > 1 for b in bound)


def test_rows_placed_together_by_a_table_wide_sum_pe08():
    # the same bound as a table-wide sum: Σ(分值 - 得分) over the rows <= 0 (pe_08 line 2 figures), with
    # only 0 <= 得分 <= 分值 per row, leaves what the per-row bound leaves
    cap, slack, tol = ef._points_bounds(PE08_FUNDS, "97.93", None)
    cols = ef._run_columns(RUN_COLS)
    per_row = [placement.split_run(r, cols, ef._run_identities(cap, slack, tol)) for r in PE08_RUNS]
    weak = [placement.split_run(r, cols, ef._run_identities(cap, None, tol)) for r in PE08_RUNS]
    lost = placement.Sum(lambda c: Decimal(c["weight"]) - Decimal(c["score"]), None, slack, tol)
    rows = placement.place_rows(weak, [lost])
    assert [r.candidates for r in rows] == [len(p) for p in per_row]
    # an upper bound only: the sum cannot make a row unique on its own here
    assert not any(r.aligned for r in rows)


def test_place_rows_equality_sum_decides_and_broken_sums_do_not_guess():
    # pe_08 line 3 rows 2 and 3 ("2810810", "2110110") and their weights: an equality Σ 分值 = 20 would
    # leave 10 + 10 only; a sum nothing reaches leaves every row unplaced instead of guessing
    cols = ef._run_columns(RUN_COLS)
    ids = ef._run_identities(Decimal(90), Decimal(0), Decimal("0.01"))
    rows = [placement.split_run(r, cols, ids) for r in PE08_RUNS[1:3]]
    weight = placement.Sum(lambda c: Decimal(c["weight"]), Decimal(20), Decimal(20))
    placed = placement.place_rows(rows, [weight])
    assert [p.values for p in placed] == [{"target": "28", "weight": "10", "actual": "8", "score": "10"},
                                          {"target": "21", "weight": "10", "actual": "1", "score": "10"}]
    none = placement.place_rows(rows, [placement.Sum(lambda c: Decimal(c["weight"]), Decimal(7), Decimal(7))])
    assert not any(p.aligned for p in none)


def _forms(name):
    return evaluations.parse_evaluations(read_document(EXCERPTS / name))


@needs_corpus
def test_pe04_total_funds_line_lands_placed_by_identities():
    (rec,) = _forms("pe_04.txt")
    (total,) = [f for f in rec.funds if f["fund_source"] == "total"]
    assert total["fund_label"] == "年度资金总额"
    assert (total["budget_initial_wan"], total["budget_full_year_wan"], total["executed_wan"]) == \
        (Decimal(0), Decimal("207.4538"), Decimal("207.4538"))
    assert (total["execution_rate_pct"], total["execution_weight"], total["execution_score"]) == \
        (Decimal(100), Decimal(10), Decimal(10))
    assert '"alignment": "identities, out of order"' in total["printed"]


# pe_04.txt line 2: 指标15:老年人体检数 5662人 4044人 2 1.4 (2 × 4044 / 5662 = 1.43, printed 1.4: the form
# scores a shortfall proportionally) and 指标16:高血压规范管理数 3807人 3224人 2 1.9 (2 × 3224 / 3807 = 1.69)
def test_scoring_rule_met_missed_and_silent():
    up = ef._scoring_rule("up", "人")
    assert up({"target": "5662", "weight": "2", "actual": "4044", "score": "1.4"}) is True
    assert up({"target": "3807", "weight": "2", "actual": "3224", "score": "1.9"}) is False
    # a target met scores the full weight (pe_08.txt line 3: 90 | 10 | 100 | 10)
    assert ef._scoring_rule("up", "%")({"target": "90", "weight": "10", "actual": "100", "score": "10"}) is True
    assert ef._scoring_rule("down", "%")({"target": "90", "weight": "10", "actual": "100", "score": "10"}) is False
    # no direction: the rule says nothing unless actual = target; nor for a weight of 0, nor for a miss of
    # a lower-is-better target (no proportional reading)
    assert ef._scoring_rule(None, "%")({"target": "90", "weight": "10", "actual": "100", "score": "10"}) is None
    assert ef._scoring_rule(None, "人")({"target": "8", "weight": "2", "actual": "8", "score": "2"}) is True
    assert up({"target": "281", "weight": "0", "actual": "81", "score": "0"}) is None
    assert ef._scoring_rule("down", "%")({"target": "0.4", "weight": "10", "actual": "0.9", "score": "5"}) is None


def test_direction_words_longest_first():
    # indicator names of pe_08.txt line 3; 不合格率 is lower-is-better although it contains 合格率
    assert ef._direction("天然林和公益林管护当期任务完成率") == "up"
    assert ef._direction("森林火灾受害率") == "down"
    assert ef._direction("主要林业有害生物成灾率") == "down"
    assert ef._direction("国家级公益林管护面积") is None
    assert ef._direction("抽检不合格率") == "down"


def _pe08_kept():
    cap, slack, tol = ef._points_bounds(PE08_FUNDS, "97.93", None)
    cols, ids = ef._run_columns(RUN_COLS), ef._run_identities(cap, slack, tol)
    return placement.narrow_rows([placement.split_run(r, cols, ids) for r in PE08_RUNS],
                                 [placement.Sum(lambda c: Decimal(c["weight"]), None, cap)])


def test_scoring_rule_confirms_one_split_or_none_pe08():
    kept = dict(zip(PE08_RUNS, _pe08_kept()))
    # "%901010010" (天然林和公益林管护当期任务完成率): 90|10|100|10 and 9010|10|0|10 both keep the identities
    # (with splits of weight 0); only the first keeps the scoring rule of a higher-is-better rate
    assert {"target": "9010", "weight": "10", "actual": "0", "score": "10"} in kept["901010010"]
    got = placement.confirmed(kept["901010010"], ef._scoring_rule("up", "%"))
    assert got.values == {"target": "90", "weight": "10", "actual": "100", "score": "10"}
    # without a direction the rule confirms nothing: unaligned, not guessed
    assert not placement.confirmed(kept["901010010"], ef._scoring_rule(None, "%")).aligned
    # "%0.910010" (森林火灾受害率, lower is better): 0.9|10|0|10; read as higher-is-better no split is confirmed
    assert placement.confirmed(kept["0.910010"], ef._scoring_rule("down", "%")).values == \
        {"target": "0.9", "weight": "10", "actual": "0", "score": "10"}
    assert not placement.confirmed(kept["0.910010"], ef._scoring_rule("up", "%")).aligned
    assert placement.confirmed(kept["0.4100.110"], ef._scoring_rule("down", "%")).values == \
        {"target": "0.4", "weight": "10", "actual": "0.1", "score": "10"}
    # "万亩2810810": the OCR'd ≥8 reads 28 | 10 | 8 | 10, the only split with a weight above 0. Full marks on
    # 8 of 28 break the rule of a higher-is-better target, and with no direction the rule is silent:
    # either way nothing is placed (never 28 / 8)
    for direction in ("up", None):
        got = placement.confirmed(kept["2810810"], ef._scoring_rule(direction, "万亩"))
        assert not got.aligned and "none is confirmed" in got.why
    assert not placement.confirmed(kept["250105010"], ef._scoring_rule("up", "万亩")).aligned


@needs_corpus
def test_pe08_runs_placed_only_when_the_scoring_rule_confirms_them():
    (rec,) = _forms("pe_08.txt")
    rows = {i["indicator_name"]: i for i in rec.indicators}
    # pe_08.txt line 3
    placed = {"天然林和公益林管护当期任务完成率": ("90", "10", "100", "10"), "森林火灾受害率": ("0.9", "10", "0", "10"),
              "主要林业有害生物成灾率": ("0.4", "10", "0.1", "10")}
    for name, (target, weight, actual, score) in placed.items():
        i = rows[name]
        assert i["aligned"] is True and i["unaligned_text"] is None and i["value_unit"] == "%"
        assert (i["target_text"], i["weight_text"], i["actual_text"], i["score_text"]) == (target, weight, actual, score)
        assert i["placement"] == "scoring rule"  # a split of weight 0 keeps the identities too
    assert rows["国家级公益林管护面积"]["unaligned_text"] == "万亩2810810"
    assert rows["天保工程区森林资源管护面积"]["unaligned_text"] == "万亩250105010"
    assert rows["森林抚育(营林)面积"]["unaligned_text"] == "万亩2110110"  # the name as printed, bracket kept
    for name in ("国家级公益林管护面积", "天保工程区森林资源管护面积", "森林抚育(营林)面积"):
        i = rows[name]
        assert i["aligned"] is False and i["placement"] is None
        assert i["target_text"] is i["actual_text"] is i["weight"] is i["score"] is None
    assert sum("not split" in w for w in rec.warnings) == 3
    # the 执行率 line read from its own run is unchanged: 79.27 | 10 | 7.93
    assert any(f["execution_score"] == Decimal("7.93") for f in rec.funds)


@pytest.fixture(scope="module")
def pe08_warehouse(tmp_path_factory):
    from conftest import fdw_run
    corpus = tmp_path_factory.mktemp("pe08")
    (corpus / "pe_08.txt").write_bytes((EXCERPTS / "pe_08.txt").read_bytes())
    con = fdw_run(tmp_path_factory.mktemp("pe08_home"), corpus)
    yield con
    con.close()


@needs_corpus
def test_pe08_placed_rows_are_marked_and_skipped_by_the_rules_that_placed_them(pe08_warehouse):
    from expectations.runner import instances, load_rules
    con = pe08_warehouse
    placed = con.execute("""select indicator_name, target_text, weight, actual_text, score, placement
                            from fct_indicator_achievement where placement is not null order by seq""").fetchall()
    # pe_08.txt line 3
    assert placed == [("天然林和公益林管护当期任务完成率", "90", Decimal(10), "100", Decimal(10), "scoring rule"),
                      ("森林火灾受害率", "0.9", Decimal(10), "0", Decimal(10), "scoring rule"),
                      ("主要林业有害生物成灾率", "0.4", Decimal(10), "0.1", Decimal(10), "scoring rule")]
    rules = {r.id: r for r in load_rules()}
    # the rows placed by 0 <= 得分 <= 分值 and the scoring rule are aligned and scored, but no instance of
    # the rules that test those is about them
    names = {p[0] for p in placed}
    for rid in ("PE-003", "PE-008", "PE-012"):
        assert not names & set(instances(con, rules[rid])["row_label"]), rid
    assert not con.execute("select * from dq_findings where rule_id in ('PE-003', 'PE-008', 'PE-012')").fetchall()
