"""`fdw synth`: a synthetic province-scale corpus in the layouts of the bundled samples.

Three layouts, tab-separated text like the samples:
  * the Shanxi 单位决算公开 of 002 (ten tables 公开01–公开10 with the same titles, headers, row labels
    and number formats, incl. the spaced "3, 584. 96" of 公开04 and "——" in 公开06), with zero to
    two province project self-evaluation forms attached (第五部分 附件), as in 002;
  * the province 项目支出绩效自评表 (002's attachments) as a document of its own;
  * the 晋中 部门整体支出绩效自评表 (004's first form).

Every figure is internally consistent: leaf amounts are drawn in fen (0.01 万元, what is printed),
totals are computed from them, so every FA/PE/DE identity holds as printed. Faults are injected at
`fault_rate` (at most one per document) and written to manifest.jsonl with the rule expected to fire
and the 1-based line altered. Deterministic per seed.
"""
from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

# --- names --------------------------------------------------------------------------------------
CITIES = ["太原市", "大同市", "阳泉市", "长治市", "晋城市", "朔州市", "晋中市", "运城市", "忻州市", "临汾市", "吕梁市"]
COUNTIES = ["榆次区", "太谷区", "祁县", "平遥县", "介休市", "灵石县", "寿阳县", "昔阳县", "和顺县", "左权县", "榆社县",
            "清徐县", "阳曲县", "娄烦县", "曲沃县", "翼城县", "襄汾县", "洪洞县", "霍州市", "孝义市", "汾阳市", "文水县",
            "交城县", "兴县", "临县", "柳林县", "石楼县", "岚县", "方山县", "中阳县", "交口县", "沁源县", "沁县"]
BUREAUS = ["财政局", "教育局", "卫生健康委员会", "工业和信息化局", "农业农村局", "交通运输局", "水利局", "民政局",
           "人力资源和社会保障局", "自然资源局", "生态环境局", "住房和城乡建设局", "商务局", "文化和旅游局",
           "审计局", "统计局", "市场监督管理局", "应急管理局", "林业局", "医疗保障局", "退役军人事务局",
           "小企业发展促进局", "科学技术局", "司法局", "体育局", "档案局", "机关事务管理局", "地方金融监督管理局"]
PROJECTS = ["业务工作经费", "办公大楼管理费", "干部履职能力提升培训", "信息化系统运维", "专项调研经费", "安全生产监管",
            "中小企业公共服务", "职称评审工作经费", "乡村振兴帮扶", "政务公开平台建设", "法律顾问服务", "档案数字化",
            "统计调查专项", "执法装备购置", "应急物资储备", "宣传教育经费", "人才培训专项", "重点项目前期工作经费"]
INDICATORS = {  # (level1, level2) -> [(name, unit)]
    ("产出指标", "数量指标"): [("组织培训场次", "场"), ("印刷资料", "份"), ("服务企业数", "户"), ("检查次数", "次"),
                          ("覆盖市县", "个"), ("配备人员", "人")],
    ("产出指标", "质量指标"): [("验收合格率", "%"), ("公共场所整洁率", "%"), ("资料归档率", "%")],
    ("产出指标", "时效指标"): [("任务完成及时率", "%"), ("资金拨付及时率", "%")],
    ("产出指标", "成本指标"): [("成本控制率", "%")],
    ("效益指标", "社会效益指标"): [("政策知晓率", "%"), ("宣传覆盖人次", "人次")],
    ("满意度指标", "服务对象满意度指标"): [("服务对象满意度", "%")],
}

# --- final accounts: function subjects 类 -> 款 -> 项 ---------------------------------------------
SUBJECTS = {
    "201": ("一般公共服务支出", {"20103": ("政府办公厅（室）及相关机构事务", {"2010301": "行政运行", "2010350": "事业运行"}),
                                 "20132": ("组织事务", {"2013299": "其他组织事务支出"})}),
    "205": ("教育支出", {"20508": ("进修及培训", {"2050803": "培训支出"})}),
    "208": ("社会保障和就业支出", {"20805": ("行政事业单位养老支出", {"2080501": "行政单位离退休",
                                                                   "2080505": "机关事业单位基本养老保险缴费支出",
                                                                   "2080506": "机关事业单位职业年金缴费支出"}),
                                   "20808": ("抚恤", {"2080801": "死亡抚恤"})}),
    "210": ("卫生健康支出", {"21011": ("行政事业单位医疗", {"2101101": "行政单位医疗", "2101103": "公务员医疗补助"}),
                             "21007": ("计划生育事务", {"2100799": "其他计划生育事务支出"})}),
    "213": ("农林水支出", {"21301": ("农业农村", {"2130101": "行政运行", "2130104": "事业运行"})}),
    "215": ("资源勘探工业信息等支出", {"21508": ("支持中小企业发展和管理支出", {"2150801": "行政运行", "2150805": "中小企业发展专项",
                                                                            "2150899": "其他支持中小企业发展和管理支出"})}),
    "221": ("住房保障支出", {"22102": ("住房改革支出", {"2210201": "住房公积金"})}),
}
SUMMARY_LINES = ["一般公共服务支出", "外交支出", "国防支出", "公共安全支出", "教育支出", "科学技术支出", "文化旅游体育与传媒支出",
                 "社会保障和就业支出", "卫生健康支出", "节能环保支出", "城乡社区支出", "农林水支出", "交通运输支出",
                 "资源勘探工业信息等支出", "商业服务业等支出", "金融支出", "援助其他地区支出", "自然资源海洋气象等支出",
                 "住房保障支出", "粮油物资储备支出", "国有资本经营预算支出", "灾害防治及应急管理支出", "其他支出",
                 "债务还本支出", "债务付息支出", "抗疫特别国债安排的支出"]
CN_NUM = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四", "十五", "十六", "十七",
          "十八", "十九", "二十", "二十一", "二十二", "二十三", "二十四", "二十五", "二十六"]
INCOME_LINES = ["一般公共预算财政拨款收入", "政府性基金预算财政拨款收入", "国有资本经营预算财政拨款收入", "上级补助收入",
                "事业收入", "经营收入", "附属单位上缴收入", "其他收入"]

# 公开06 (basic expenditure detail): four code/name/amount columns side by side, as printed in 002.
# A trailing "!" marks a line printed with "——" (not applicable).
_GRID = [
    "301:工资福利支出 30101:基本工资 30102:津贴补贴 30103:奖金 30106:伙食补助费 30107:绩效工资 30108:机关事业单位基本养老保险缴费 "
    "30109:职业年金缴费 30110:职工基本医疗保险缴费 30111:公务员医疗补助缴费 30112:其他社会保障缴费 30113:住房公积金 30114:医疗费 "
    "30199:其他工资福利支出 303:对个人和家庭的补助 30301:离休费 30302:退休费 30303:退职（役）费 30304:抚恤金 30305:生活补助 "
    "30306:救济费 30307:医疗费补助 30308:助学金 30309:奖励金 30310:个人农业生产补贴 30311:代缴社会保险费 30399:其他对个人和家庭的补助",
    "302:商品和服务支出 30201:办公费 30202:印刷费 30203:咨询费 30204:手续费 30205:水费 30206:电费 30207:邮电费 30208:取暖费 "
    "30209:物业管理费 30211:差旅费 30212:因公出国（境）费用 30213:维修（护）费 30214:租赁费 30215:会议费 30216:培训费 "
    "30217:公务接待费 30218:专用材料费 30224:被装购置费 30225:专用燃料费 30226:劳务费 30227:委托业务费 30228:工会经费 30229:福利费 "
    "30231:公务用车运行维护费 30239:其他交通费用 30240:税金及附加费用 30299:其他商品和服务支出",
    "307:债务利息及费用支出 30701:国内债务付息 30702:国外债务付息 30703:国内债务发行费用 30704:国外债务发行费用 309:资本性支出（基本建设）! "
    "30901:房屋建筑物构建! 30902:办公设备购置! 30903:专用设备购置! 30905:基础设施建设! 30906:大型修缮! 30907:信息网络及软件购置更新! "
    "30908:物资储备! 30913:公务用车购置! 30919:其他交通工具购置! 30921:文物和陈列品购置! 30922:无形资产购置! 30999:其他资本性支出! "
    "310:资本性支出 31001:房屋建筑物构建 31002:办公设备购置 31003:专用设备购置 31005:基础设施建设 31006:大型修缮 "
    "31007:信息网络及软件购置更新 31008:物资储备 31009:土地补偿 31010:安置补助",
    "31011:地上附着物和青苗补偿 31012:拆迁补偿 31013:公务用车购置 31019:其他交通工具购置 31021:文物和陈列品购置 31022:无形资产购置 "
    "31099:其他资本性支出 311:对企业补助（基本建设）! 31101:资本金注入! 31199:其他对企业补助! 312:对企业补助 31201:资本金注入 "
    "31203:政府投资基金股权投资 31204:费用补贴 31205:利息补贴 31299:其他对企业补助 313:对社会保障基金补助 31302:对社会保险基金补助 "
    "31303:补充全国社会保障基金 31304:对机关事业单位职业年金的补助 399:其他支出 39907:国家赔偿费用支出 "
    "39908:对民间非营利组织和群众性自治组织补贴 39909:经常性赠与 39910:资本性赠与 39999:其他支出",
]
GRID = [[(t.split(":")[0], t.split(":")[1].rstrip("!"), t.endswith("!")) for t in col.split()] for col in _GRID]
# the 5-digit lines that get amounts (the others print blank)
PERSONNEL = ["30101", "30102", "30103", "30107", "30108", "30109", "30110", "30111", "30112", "30113", "30199",
             "30301", "30302", "30304", "30305", "30309"]
PUBLIC = ["30201", "30202", "30205", "30206", "30207", "30208", "30209", "30211", "30213", "30215", "30216",
          "30227", "30228", "30229", "30239", "30299", "31002", "31007"]
THREE_PUBLIC_LINES = {"outbound": "30212", "purchase": "31013", "operation": "30231", "reception": "30217"}

FAULT_KINDS = ("altered_amount", "wrong_total", "grade_mismatch", "missing_row", "unit_slip", "shifted_column")


# --- printing -----------------------------------------------------------------------------------
def fmt(fen: int | None, spaced: bool = False) -> str:
    """fen (0.01 万元) as printed: 3,584.96, or 002's spaced 3, 584. 96."""
    if fen is None:
        return ""
    s = f"{fen / 100:,.2f}"
    return s.replace(",", ", ").replace(".", ". ") if spaced else s


def fmt_short(fen: int) -> str:
    """Evaluation forms print amounts without thousands separators and without trailing zeros."""
    s = f"{fen / 100:.2f}".rstrip("0").rstrip(".")
    return s or "0"


def split_amount(rng: random.Random, total: int, parts: int) -> list[int]:
    """`total` fen in `parts` positive-ish integer parts that add up exactly."""
    if parts <= 1:
        return [total]
    weights = [rng.uniform(0.2, 1.0) for _ in range(parts)]
    s = sum(weights)
    out = [int(total * w / s) for w in weights]
    out[-1] += total - sum(out)
    return out


def grade_of(score: float) -> str:
    return "优" if score >= 90 else "良" if score >= 80 else "中" if score >= 60 else "差"


@dataclass
class Doc:
    name: str
    kind: str
    unit: str
    year: int
    lines: list[list[str]] = field(default_factory=list)
    sites: dict[str, list[tuple]] = field(default_factory=dict)  # fault kind -> [(line index, rule, mutate)]

    def add(self, *cells) -> int:
        self.lines.append([str(c) for c in cells])
        return len(self.lines) - 1

    def blank(self):
        self.lines.append([])

    def site(self, kind: str, rule: str, line: int, mutate):
        self.sites.setdefault(kind, []).append((line, rule, mutate))

    def text(self) -> str:
        return "\n".join("\t".join(c) for c in self.lines) + "\n"


def _set(col: int, text: str):
    def m(cells: list[str]) -> list[str]:
        cells = list(cells) + [""] * (col + 1 - len(cells))
        cells[col] = text
        return cells
    return m


# --- 决算公开 (final accounts) -------------------------------------------------------------------
def _note(doc: Doc, text: str) -> None:
    """The 注 under a table, after a blank line."""
    doc.blank()
    doc.add(text)


def _title(doc: Doc, title: str, no: str, *headers: tuple | str, unit_label: str = "部门名称", money: str = "金额单位：万元"):
    """A table's title block as 002 prints it (title, 公开NN表, unit, year, money unit), then its header rows."""
    for t in (title, f"公开{no}表", f"{unit_label}：{doc.unit}", f"{doc.year}年度", money):
        doc.blank()
        doc.add(t)
    doc.blank()
    for row in headers:
        doc.add(*((row,) if isinstance(row, str) else row))


def final_accounts(rng: random.Random, unit: str, code: str, year: int, n_forms: int) -> Doc:
    doc = Doc("", "final_accounts", unit, year)
    # basic expenditure detail (公开06): 5-digit leaves, 3-digit = Σ, 人员 = 301 + 303, 公用 = 302 + 310
    detail: dict[str, int] = {}
    for c in rng.sample(PERSONNEL, rng.randint(6, len(PERSONNEL))):
        detail[c] = rng.randint(50_00, 400_00)
    for c in rng.sample(PUBLIC, rng.randint(5, len(PUBLIC))):
        detail[c] = rng.randint(1_00, 90_00)
    for key, c in THREE_PUBLIC_LINES.items():
        if rng.random() < 0.6:
            detail[c] = rng.randint(50, 8_00) if key != "purchase" else rng.randint(10_00, 30_00)
    for parent in ("301", "302", "303", "310"):
        kids = [v for k, v in detail.items() if k.startswith(parent) and len(k) == 5]
        if kids:
            detail[parent] = sum(kids)
    personnel = detail.get("301", 0) + detail.get("303", 0)
    public = detail.get("302", 0) + detail.get("310", 0)
    basic = personnel + public

    # function subjects: 类 -> 款 -> 项 with basic/project amounts in fen
    classes = rng.sample(sorted(SUBJECTS), rng.randint(3, len(SUBJECTS)))
    if "215" not in classes and "201" not in classes:
        classes.append("201")
    classes.sort()
    leaves = [(c, k, x) for c in classes for k in sorted(SUBJECTS[c][1]) for x in sorted(SUBJECTS[c][1][k][1])]
    basic_parts = split_amount(rng, basic, len(leaves))
    amounts: dict[str, list[int | None]] = {}
    for (c, k, x), b in zip(leaves, basic_parts):
        p = rng.randint(5_00, 900_00) if rng.random() < 0.4 else 0
        amounts[x] = [b, p]
    if all(p == 0 for _, p in amounts.values()):
        amounts[leaves[-1][2]][1] = rng.randint(5_00, 900_00)
    total_basic = sum(b for b, _ in amounts.values())
    total_project = sum(p for _, p in amounts.values())
    total_exp = total_basic + total_project

    def class_sum(c, i=None):
        vals = [sum(amounts[x]) if i is None else amounts[x][i] for (cc, _, x) in leaves if cc == c]
        return sum(vals)

    def kuan_sum(k, i=None):
        return sum(sum(amounts[x]) if i is None else amounts[x][i] for (_, kk, x) in leaves if kk == k)

    opening = rng.randint(0, 80_00)
    closing = rng.randint(0, 60_00)
    biggest = max(amounts, key=lambda x: sum(amounts[x]))
    income = {x: sum(v) for x, v in amounts.items()}
    income[biggest] += closing - opening  # income = expenditure + closing − opening, on the largest subject
    if income[biggest] < 0:
        opening += income[biggest]
        income[biggest] = 0
    total_income = sum(income.values())
    assert total_income + opening == total_exp + closing

    # cover and contents
    doc.blank()
    doc.add(unit)
    doc.blank()
    doc.add(f"{year}年度单位决算公开")
    doc.blank()
    doc.add("目 录")
    doc.add("第一部分 概况.....", "1")
    doc.add(f"第二部分 {year}年部门决算表.....", "3")
    doc.add("第三部分 情况说明.....", "15")
    doc.blank()
    doc.add("第一部分 概况")
    doc.blank()
    doc.add(f"{unit}主要职责是贯彻执行国家和省有关方针政策，负责本系统业务管理工作。")
    doc.blank()
    doc.add(f"第二部分 {year}年部门决算表")

    # 公开01 收入支出决算总表
    _title(doc, "收入支出决算总表", "01",
           ("收入", "", "", "支出", "", ""),
           ("项目", "行次", "金额", "项目", "行次", "金额"),
           ("栏次", "", "1", "栏次", "", "2"))
    by_line = {SUBJECTS[c][0]: class_sum(c) for c in classes}
    summary_lines: dict[str, int] = {}
    for i in range(26):
        inc = [f"{CN_NUM[i]}、{INCOME_LINES[i]}", str(i + 1), fmt(total_income) if i == 0 else ""] if i < 8 else ["", str(i + 1), ""]
        label = SUMMARY_LINES[i]
        summary_lines[label] = doc.add(*inc, f"{CN_NUM[i]}、{label}", str(32 + i), fmt(by_line.get(label)))
    doc.add("本年收入合计", "27", fmt(total_income), "本年支出合计", "58", fmt(total_exp))
    total_line = len(doc.lines) - 1
    doc.add("使用非财政拨款结余和专用结余", "28", "", "结余分配", "59", "")
    doc.add("年初结转和结余", "29", fmt(opening), "年末结转和结余", "60", fmt(closing))
    doc.add("", "30", "", "", "61", "")
    doc.add("总计", "31", fmt(total_income + opening), "总计", "62", fmt(total_exp + closing))
    doc.site("wrong_total", "FA-002", total_line, _set(5, fmt(total_exp + rng.choice([1, -1]) * rng.randint(1_00, 50_00))))
    _note(doc, "注：本表反映部门本年度的总收支和年末结转结余情况。本套报表金额单位转换时可能存在尾数误差。")

    # 公开02 收入决算表
    _title(doc, "收入决算表", "02",
           ("项目", "", "本年收入合计", "财政拨款收入", "上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入"),
           ("科目代码", "科目名称", "", "", "", "", "", "", ""),
           ("栏次", "", "1", "2", "3", "4", "5", "6", "7"))
    doc.add("合计", "", fmt(total_income), fmt(total_income), "", "", "", "", "")
    for c in classes:
        ci = sum(income[x] for (cc, _, x) in leaves if cc == c)
        doc.add(c, SUBJECTS[c][0], fmt(ci), fmt(ci), "", "", "", "", "")
        for k in sorted(SUBJECTS[c][1]):
            ki = sum(income[x] for (_, kk, x) in leaves if kk == k)
            doc.add(k, SUBJECTS[c][1][k][0], fmt(ki), fmt(ki), "", "", "", "", "")
            for x in sorted(SUBJECTS[c][1][k][1]):
                doc.add(x, SUBJECTS[c][1][k][1][x], fmt(income[x]), fmt(income[x]), "", "", "", "", "")
    _note(doc, "注：本表反映部门本年度取得的各项收入情况。")

    # 公开03 支出决算表
    _title(doc, "支出决算表", "03",
           ("项目", "", "本年支出合计", "基本支出", "项目支出", "上缴 上级 支出", "经营支出", "对附属单 位补助 支出"),
           ("科目代码", "科目名称", "", "", "", "", "", ""),
           ("栏次", "", "1", "2", "3", "4", "5", "6"))
    doc.add("合计", "", fmt(total_exp), fmt(total_basic), fmt(total_project), "", "", "")

    def subject_rows(ncols_after: int, with_sites: bool):
        pad = [""] * ncols_after
        for c in classes:
            doc.add(c, SUBJECTS[c][0], fmt(class_sum(c)), fmt(class_sum(c, 0) or None), fmt(class_sum(c, 1) or None), *pad)
            for k in sorted(SUBJECTS[c][1]):
                doc.add(k, SUBJECTS[c][1][k][0], fmt(kuan_sum(k)), fmt(kuan_sum(k, 0) or None), fmt(kuan_sum(k, 1) or None), *pad)
                kids = sorted(SUBJECTS[c][1][k][1])
                for x in kids:
                    b, p = amounts[x]
                    i = doc.add(x, SUBJECTS[c][1][k][1][x], fmt(b + p), fmt(b or None), fmt(p or None), *pad)
                    if with_sites == "exp" and b:
                        doc.site("altered_amount", "FA-012", i, _set(3, fmt(b + rng.randint(1_00, 20_00))))
                        # shifted one column right, the 合计 cell left blank: FA-011 sees it when the row's
                        # 项目支出 moves into a printed parent cell (p) or its 款 has other 项 whose sum
                        # now lacks it; an only 项 without 项目支出 leaves every sum it is part of blank
                        # on one side (not checkable by design), so no rule can see that shift
                        if p or len(kids) > 1:
                            doc.site("shifted_column", "FA-011", i, lambda cells: cells[:2] + [""] + cells[2:-1])
                    if with_sites == "gpb" and len(kids) > 1:
                        doc.site("missing_row", "FA-011", i, None)

    subject_rows(3, "exp")
    _note(doc, "注：本表反映部门本年度各项支出情况。")

    # 公开04 财政拨款收入支出决算总表 (spaced numbers)
    _title(doc, "财政拨款收入支出决算总表", "04",
           ("收入", "", "", "支出", "", "", "", "", ""),
           ("项目", "行次", "金额", "项目", "行次", "合计", "一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款"),
           ("栏次", "", "1", "栏次", "", "2", "3", "4", "5"))
    fiscal_income = ["一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款"]
    for i in range(26):
        inc = [f"{CN_NUM[i]}、{fiscal_income[i]}", str(i + 1), fmt(total_income, True) if i == 0 else ""] if i < 3 else ["", str(i + 1), ""]
        v = fmt(by_line.get(SUMMARY_LINES[i]), True)
        doc.add(*inc, f"{CN_NUM[i]}、{SUMMARY_LINES[i]}", str(33 + i), v, v, "", "")
    doc.add("本年收入合计", "27", fmt(total_income, True), "本年支出合计", "59", fmt(total_exp, True), fmt(total_exp, True), "", "")
    doc.add("年初财政拨款结转和结余", "28", fmt(opening, True), "年末财政拨款结转和结余", "60", fmt(closing, True), fmt(closing, True), "", "")
    doc.add("一般公共预算财政拨款", "29", fmt(opening, True), "", "61", "", "", "", "")
    doc.add("政府性基金预算财政拨款", "30", "", "", "62", "", "", "", "")
    doc.add("国有资本经营预算财政拨款", "31", "", "", "63", "", "", "", "")
    g = fmt(total_income + opening, True)
    doc.add("总计", "32", g, "总计", "64", g, g, "", "")
    _note(doc, "注：本表反映部门本年度一般公共预算财政拨款、政府性基金预算财政拨款和国有资本经营预算财政拨款的总收支和年末结转结余情况。")

    # 公开05 一般公共预算财政拨款支出决算表
    _title(doc, "一般公共预算财政拨款支出决算表", "05",
           ("项目", "", "本年支出", "", ""),
           ("科目代码", "科目名称", "小计", "基本支出", "项目支出"),
           ("栏次", "", "1", "2", "3"))
    doc.add("合计", "", fmt(total_exp), fmt(total_basic), fmt(total_project))
    subject_rows(0, "gpb")
    _note(doc, "注：本表反映部门本年度一般公共预算财政拨款支出情况。")

    # 公开06 一般公共预算财政拨款基本支出决算明细表
    _title(doc, "一般公共预算财政拨款基本支出决算明细表", "06",
           ("人员经费", "", "", "公用经费", "", "", "", "", "", "", "", ""),
           tuple((["科目代码", "科目名称", "决算数"] * 4)))
    rows = max(len(c) for c in GRID)
    for r in range(rows):
        cells = []
        for col in GRID:
            if r < len(col):
                code, name, na = col[r]
                cells += [code, name, "——" if na else fmt(detail.get(code))]
            else:
                cells += ["", "", ""]
        doc.add(*cells)
    doc.add("人员经费合计", "", fmt(personnel), "公用经费合计", "", "", "", "", "", "", "", fmt(public))
    _note(doc, "注：本表反映部门本年度一般公共预算财政拨款基本支出明细情况。")

    # 公开07 / 公开08: no data, as in 002
    _title(doc, "政府性基金预算财政拨款收入支出决算表", "07",
           ("项目", "", "年初结转和结余", "本年收入", "本年支出", "", "", "年末结转和结余"),
           ("科目代码", "科目名称", "", "", "小计", "基本支出", "项目支出", ""),
           ("栏次", "", "1", "2", "3", "4", "5", "6"),
           ("合计", "", "", "", "", "", "", ""),
           ("注：本表反映部门本年度政府性基金预算财政拨款收入、支出及结转和结余情况。"),
           ("说明：本表无数据"), money="单位：万元")
    _title(doc, "国有资本经营预算财政拨款支出决算表", "08",
           ("项目", "", "本年支出", "", ""),
           ("科目代码", "科目名称", "合计", "基本支出", "项目支出"),
           ("栏次", "", "1", "2", "3"),
           ("合计", "", "", "", ""),
           ("注：本表反映部门本年度国有资本经营预算财政拨款支出情况。"),
           ("说明：本表无数据"), money="单位：万元")

    # 公开09 三公: actual >= the basic-detail line (FA-051); budget drawn around it
    actual = {k: detail.get(c, 0) + (rng.randint(0, 3_00) if detail.get(c) else 0) for k, c in THREE_PUBLIC_LINES.items()}
    budget = {k: v + rng.randint(0, 5_00) if v else 0 for k, v in actual.items()}

    def three(d):
        sub = d["purchase"] + d["operation"]
        return [d["outbound"] + sub + d["reception"], d["outbound"], sub, d["purchase"], d["operation"], d["reception"]]

    _title(doc, "财政拨款“三公”经费支出决算表", "09",
           ("预算数", "", "", "", "", "", "决算数", "", "", "", "", ""))
    doc.add("合计", "因公出国（境） 费", "公务用车购置及运行维护费", "", "", "公务接待费",
            "合计", "因公出国（境） 费", "公务用车购置及运行维护费", "", "", "公务接待费")
    doc.add("", "", "小计", "公务用车购 置费", "公务用车 运行维护费", "", "", "", "小计", "公务用车购 置费", "公务用车 运行维护费", "")
    doc.add(*[str(i) for i in range(1, 13)])
    values = three(budget) + three(actual)
    slip = _set(11, fmt(actual["reception"] * 10000 + rng.randint(1_00, 9_00)))  # drawn either way: same stream
    if any(values):
        tp = doc.add(*[fmt(v or None) for v in values])
        doc.site("unit_slip", "FA-050", tp, slip)
    doc.add("注：本表反映部门本年度“三公”经费支出预决算情况。")
    if not any(values):  # a unit with no 三公 spending prints the table empty and says why (FA-090)
        doc.add("说明：本表无数据")

    # 公开10 统计表
    _title(doc, "部门决算公开相关信息统计表", "10", unit_label="单位名称")
    goods, works, services = rng.randint(0, 300_00), (rng.randint(0, 500_00) if rng.random() < 0.3 else 0), rng.randint(0, 900_00)
    doc.add("一、政府采购情况", "", "")
    doc.add("项目", "行次", "统计数")
    doc.add("合计", "1", fmt(goods + works + services))
    doc.add("货物", "2", fmt(goods or None))
    doc.add("工程", "3", fmt(works or None))
    doc.add("服务", "4", fmt(services or None))
    doc.add("二、机关运行经费", "", "")
    doc.add("项目", "", "统计数")
    doc.add("（一）行政单位", "5", fmt(public))
    doc.add("（二）参照公务员法管理事业单位", "6", "")
    doc.add("三、国有资产占用情况", "", "")
    cars = [0, rng.randint(0, 1), rng.randint(0, 2), rng.randint(0, 2), rng.randint(0, 3), 0, rng.randint(0, 1), rng.randint(0, 2)]
    doc.add("（一）车辆数合计（辆）", "7", str(sum(cars)))
    names = ["副部（省）级及以上领导用车", "主要负责人用车", "机要通信用车", "应急保障用车", "执法执勤用车", "特种专业技术用车",
             "离退休干部服务用车", "其他用车"]
    for i, (n, v) in enumerate(zip(names, cars)):
        doc.add(f"{i + 1}. {n}", str(8 + i), str(v) if v else "")
    doc.add("（二）单价100万元（含）以上设备（不含车辆）", "17", "")
    doc.add("注：本表反映部门本年度政府采购、机关运行经费和国有资产占用情况。")
    doc.blank()
    doc.add("第三部分 情况说明")
    doc.blank()
    doc.add("本部分说明略。")
    if n_forms:
        doc.blank()
        doc.add("第五部分 附件")
        for name in rng.sample(PROJECTS, n_forms):
            province_form(rng, doc, name, unit, code)
    return doc


# --- province project self-evaluation (002's attachments) ----------------------------------------
def province_form(rng: random.Random, doc: Doc, project: str, unit: str, code: str) -> None:
    year = doc.year
    budget = rng.randint(5_00, 2000_00)
    executed = budget if rng.random() < 0.4 else rng.randint(budget // 2, budget)
    rate = round(executed * 100 / budget, 2)
    exec_score = round(10 * min(rate, 100) / 100, 2)
    # indicators: weights add up to 90
    picks = []
    for key, items in INDICATORS.items():
        for name, unit_ in rng.sample(items, rng.randint(1, min(2, len(items)))):
            picks.append((key, name, unit_))
    weights = split_amount(rng, 90, len(picks))
    while min(weights) < 2:
        weights = split_amount(rng, 90, len(picks))
    doc.blank()
    doc.add(f"{project}项目支出绩效自评表")
    doc.blank()
    doc.add(f"({year}年度)")
    doc.blank()
    doc.add("项目名称", "", "", project, "", "", "", "", "", "", "", "")
    doc.add("主管部门及代码", "", "", f"{code}-{unit}", "", "", "", "", "预算单位", f"{code}001-{unit}", "", "")
    doc.add("项目资金预算安排及执行进度（万元）", "", "", "", "年初预算数", "", "全年预算数", "全年执行数", "资金结(转)余", "执行率", "得分", "偏差原因分析及改进措施")
    doc.add("", "", "", "", "目标申报数", "预算编制数", "", "", "", "", "", "")
    b, e = fmt_short(budget), fmt_short(executed)
    fund_line = doc.add("", "", "", "资金总额：", b, b, b, e, fmt_short(budget - executed), f"{rate:.2f}", f"{exec_score:.2f}", "")
    doc.add("", "", "", "省级财政资金", b, b, b, e, fmt_short(budget - executed), f"{rate:.2f}", f"{exec_score:.2f}", "")
    doc.site("altered_amount", "PE-006", fund_line, _set(8, fmt_short(budget - executed + rng.randint(1_00, 9_00))))
    doc.add("项目年度绩效目标", "年度目标", "", "", "", "", "", "实际完成情况", "", "", "")
    doc.add("", f"保障{project}顺利实施，完成年度工作任务。", "", "", "", "", "", "年度工作任务全部完成。", "", "", "")
    doc.add("绩效指标", "一级指标", "二级指标", "三级指标", "年初指标值", "调整后指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施", "")
    total = exec_score
    prev = (None, None)
    ind_lines = []
    for ((l1, l2), name, unit_), w in zip(picks, weights):
        if unit_ == "%":
            target = rng.choice([85, 90, 95, 98])
            target_text = f"≥{target}%"
        else:
            target = rng.randint(2, 400)
            target_text = f"≥{target}{unit_}"
        miss = rng.random() < 0.15
        if miss:
            actual = max(0, target - rng.randint(1, max(1, target // 5)))
            score = round(w * actual / target, 2) if target else 0
            score = min(score, w - 0.5)
            reason = "受客观因素影响未完全完成。"
        else:
            actual = target + (rng.randint(0, 3) if unit_ == "%" and target < 98 else rng.randint(0, 20) if unit_ != "%" else 0)
            actual = min(actual, 100) if unit_ == "%" else actual
            score = w
            reason = ""
        actual_text = f"≥{actual}{unit_}" if unit_ != "%" else f"≥{actual}%"
        total = round(total + score, 2)
        c1 = l1 if l1 != prev[0] else ""
        c2 = l2 if (l1, l2) != prev else ""
        prev = (l1, l2)
        s_text = f"{score:g}" if float(score).is_integer() else f"{score:.2f}"
        ind_lines.append(doc.add("", c1, c2, name, target_text, target_text, actual_text, str(w), s_text, reason, ""))
    total_text = f"{total:g}" if float(total).is_integer() else f"{total:.2f}"
    grade = grade_of(total)
    tl = doc.add("总 分", "", "", "", "", "", "", "", total_text, grade, "")
    wrong = [g for g in "优良中差" if g != grade]
    doc.site("grade_mismatch", "PE-007", tl, _set(9, rng.choice(wrong)))
    doc.site("wrong_total", "PE-002", tl, _set(8, f"{total + rng.randint(2, 9):.2f}"))
    # dropping a continuation row (its level-1/level-2 cells are blank) keeps the layout intact
    cont = [i for i in ind_lines if not doc.lines[i][1] and not doc.lines[i][2]]
    if cont:
        doc.site("missing_row", "PE-001", rng.choice(cont), None)
    doc.add("", "自评结果分析", "项目实施和预算执行情况", "按照预算执行，保障工作正常开展。", "", "", "", "", "", "", "")
    doc.add("", "", "满意度情况", "服务对象基本满意。", "", "", "", "", "", "", "")
    doc.add("分析", "主要经验做法", "严格按照支出标准审核。")
    doc.add("", "下一步改进措施及管理建议", "进一步细化预算编制。")


def project_document(rng: random.Random, unit: str, code: str, year: int) -> Doc:
    doc = Doc("", "project_evaluation", unit, year)
    province_form(rng, doc, rng.choice(PROJECTS), unit, code)
    return doc


# --- 晋中 department-wide self-evaluation (004's first form) --------------------------------------
DEPT_SHEET = [
    ("投入", 16, [("工作目标设定", ["工作规划合理", "工作目标明确"], [3, 3]),
                  ("预算配置", ["在职人员控制", "“三公经费”", "重点支出安排"], [3, 3, 4])]),
    ("过程", 42, [("预算执行", ["预算完成率", "预算调整率", "支付进度", "结转结余率", "公用经费控制", "“三公经费”", "政府采购执行"],
                   [3, 3, 4, 3, 2, 2, 3]),
                  ("预算管理", ["财务管理制度", "资金使用合规", "预决算信息公", "基础信息完善"], [3, 3, 3, 3]),
                  ("资产管理", ["资产管理制度", "资产管理安全", "固定资产利用"], [3, 3, 4])]),
    ("产出", 22, [("职责履行", ["完成实绩情况", "质量达标情况", "重点工作完成"], [8, 8, 6])]),
    ("效果", 20, [("履职效益", ["经济效益", "社会效益", "生态效益", "社会公众或服"], [5, 5, 5, 5])]),
]


def department_document(rng: random.Random, unit: str, year: int) -> Doc:
    doc = Doc("", "department_evaluation", unit, year)
    carry = rng.randint(0, 300_00)
    initial = rng.randint(500_00, 30000_00)
    adjust = rng.randint(-initial // 3, initial // 5)
    other = rng.randint(0, 50_00)
    avail = carry + initial + adjust + other
    executed = rng.randint(avail * 7 // 10, avail)
    closing = avail - executed
    doc.blank()
    doc.add(f"{unit.split('市')[0]}市部门整体支出绩效自评表" if "市" in unit else "部门整体支出绩效自评表")
    doc.blank()
    doc.add(f"({year} 年度)")
    doc.blank()
    doc.add("填报单位(公章):", unit)
    doc.blank()
    doc.add("单位负责人", rng.choice(["王建国", "李红梅", "张志强", "赵晓红", "刘伟", "陈静"]), "单位联系电话", str(rng.randint(2000000, 2999999)))
    doc.add("上年结转金额 (万元)", f"{carry / 100:.2f}", "年初预算金额 (万元)", f"{initial / 100:.2f}")
    doc.add("预算调整金额 (万元)", f"{adjust / 100:.2f}", "其他调整资金 (万元)", f"{other / 100:.2f}")
    el = doc.add("预算执行金额 (万元)", fmt(executed), "年末结余金额 (万元)", f"{closing / 100:.2f}")
    doc.site("unit_slip", "DE-001", el, _set(1, f"{executed * 100:.2f}"))
    doc.add("单位职能概况", f"<p>{unit}负责本行业管理和服务工作。</p>", "")
    doc.add("其他", "<p>无</p>", "", "")
    doc.blank()
    doc.add("二级指标", "三级指标", "指标分值", "", "计算分析情况", "评价得分")
    doc.add("", "", "参考分值", "设定分值", "", "")
    total = 0.0
    for section, weight, groups in DEPT_SHEET:
        scores = []
        for _, crits, ws in groups:
            for w in ws:
                scores.append(w if rng.random() < 0.85 else round(w - rng.choice([0.5, 1.0]), 2))
        sec_score = round(sum(scores), 2)
        total = round(total + sec_score, 2)
        doc.add(section, "", str(weight), str(weight), "——", f"{sec_score:.2f}")
        it = iter(scores)
        for g, crits, ws in groups:
            for j, (c, w) in enumerate(zip(crits, ws)):
                doc.add(g if j == 0 else "", c, str(w), f"{w:.2f}", "按评分标准计算", f"{next(it):.2f}")
    tl = doc.add("综合得分", "", "100", "", f"{total:.2f}", "")
    doc.site("wrong_total", "PE-002", tl, _set(4, f"{total - rng.randint(2, 6):.2f}"))
    grade = grade_of(total)
    gl = doc.add("评价结果等次:", "", "", grade, "")
    doc.site("grade_mismatch", "PE-007", gl, _set(3, rng.choice([g for g in "优良中差" if g != grade])))
    doc.add("评价人员", "姓名", "", "职称/职务", "科室", "联系电话")
    doc.add("", rng.choice(["姚国瑞", "王素琴", "孙丽", "周勇"]), "", "科员", "办公室", "2639118")
    doc.add("单位负责人(签章):", "", "", "", "", "年 月 日")
    return doc


# --- the corpus ---------------------------------------------------------------------------------
# Draws in a row that found only names already used before the names are numbered: the drawn names run
# out near 42,000 units (at seed 1 the first 1,000 such draws in a row come after 41,619 units), and
# without an end the loop would never return (what stopped a 100,000-document benchmark).
MAX_MISSES = 1000


def iter_units(rng: random.Random) -> Iterator[tuple[str, str]]:
    """Distinct (name, code) without end: province bureaus, city bureaus, county bureaus; once the
    drawn names are (nearly) all used, numbered branch bureaus (…第N分局) of drawn county bureaus."""
    seen: set[str] = set()
    misses, k = 0, 0
    while True:
        if misses >= MAX_MISSES:
            k += 1
            name = f"{rng.choice(CITIES)}{rng.choice(COUNTIES)}{rng.choice(BUREAUS)}第{k}分局"
        else:
            r = rng.random()
            b = rng.choice(BUREAUS)
            if r < 0.15:
                name = f"山西省{b}"
            elif r < 0.45:
                name = f"{rng.choice(CITIES)}{b}"
            else:
                name = f"{rng.choice(CITIES)}{rng.choice(COUNTIES)}{b}"
            if name in seen:
                name = f"{name[:-1]}{rng.choice(['第二', '直属', '机关'])}{name[-1]}"
                if name in seen:
                    misses += 1
                    continue
            misses = 0
        seen.add(name)
        yield name, str(100 + len(seen) - 1)


def units(rng: random.Random, n: int) -> list[tuple[str, str]]:
    """The first n of `iter_units`."""
    return list(islice(iter_units(rng), n))


def apply_fault(rng: random.Random, doc: Doc) -> dict | None:
    kinds = [k for k in FAULT_KINDS if doc.sites.get(k)]
    if not kinds:
        return None
    kind = rng.choice(kinds)
    line, rule, mutate = rng.choice(doc.sites[kind])
    if mutate is None:  # a missing row
        del doc.lines[line]
        return {"fault": kind, "rule": rule, "line": line + 1}
    doc.lines[line] = mutate(doc.lines[line])
    return {"fault": kind, "rule": rule, "line": line + 1}


def unit_documents(seed: int, year: int, ui: int, unit: str, code: str, fault_rate: float) -> list[tuple[Doc, dict | None]]:
    """The documents of unit number `ui` in `year`, with the fault injected into each (or None): a
    function of (seed, year, ui) and the unit alone, so units can be generated in any order or process."""
    urng = random.Random(f"{seed}:{year}:{ui}")
    frng = random.Random(f"{seed}:{year}:{ui}:faults")  # faults never change the documents' content
    docs = []
    if unit.startswith("山西省"):
        docs.append(final_accounts(urng, unit, code, year, urng.randint(0, 2)))
    else:
        docs.append(department_document(urng, unit, year))
        if urng.random() < 0.5:
            docs.append(final_accounts(urng, unit, code, year, 0))
    docs += [project_document(urng, unit, code, year) for _ in range(urng.randint(2, 6))]
    out = []
    for j, doc in enumerate(docs):
        doc.name = f"{year}_{code}_{j:02d}_{doc.kind}.txt"
        out.append((doc, apply_fault(frng, doc) if frng.random() < fault_rate else None))
    return out


def _write_units(task: tuple) -> list[tuple[str, str, dict | None]]:
    """Write the documents of a run of units into `folder` (at most `limit` of them); returns
    (name, kind, fault) in order."""
    folder, seed, year, chunk, fault_rate, limit = task
    written = []
    for ui, unit, code in chunk:
        for doc, entry in unit_documents(seed, year, ui, unit, code, fault_rate):
            if limit is not None and len(written) >= limit:
                return written
            (folder / doc.name).write_text(doc.text(), encoding="utf-8")
            written.append((doc.name, doc.kind, entry))
    return written


CHUNK_UNITS = 100  # units per task of a parallel generation (about 500 documents, 0.2 s)


def generate(out: Path, units_n: int, years: int, seed: int, fault_rate: float = 0.0,
             max_docs: int | None = None, workers: int = 1) -> dict:
    """Write the documents to `out/docs/` and the ground truth to `out/manifest.jsonl`; returns counts.

    With workers > 1, runs of units are generated by a process pool into `out/.staging/` and moved
    into `out/docs/` in unit order until `max_docs`: the corpus is the same, byte for byte, as a
    serial generation's (each unit's documents depend only on seed, year and unit number)."""
    out = Path(out)
    docs_dir = out / "docs"
    docs_dir.mkdir(parents=True, exist_ok=True)
    # every unit has at least 3 documents: no more units than that are needed for max_docs
    per_year = units_n if not max_docs else min(units_n, max_docs // 3 + 1)
    years_ = range(2023 - years + 1, 2024)

    numbered = [(ui, u, c) for ui, (u, c) in enumerate(units(random.Random(seed), per_year))]

    def tasks(folder: Path):
        for year in years_:
            for i in range(0, len(numbered), CHUNK_UNITS):
                yield folder, seed, year, numbered[i:i + CHUNK_UNITS], fault_rate, None

    manifest: list[dict] = []
    counts: dict[str, int] = {}
    n = 0

    def take(written, moved_from: Path | None) -> bool:
        nonlocal n
        for name, kind, entry in written:
            if max_docs and n >= max_docs:
                return True
            if moved_from is not None:
                (moved_from / name).replace(docs_dir / name)
            if entry:
                manifest.append({"document": name, **entry})
            counts[kind] = counts.get(kind, 0) + 1
            n += 1
        return bool(max_docs and n >= max_docs)

    if workers <= 1:
        for *task, _ in tasks(docs_dir):
            if take(_write_units((*task, (max_docs - n) if max_docs else None)), None):
                break
    else:
        import multiprocessing
        import shutil

        staging = out / ".staging"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
        try:
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                for written in pool.imap(_write_units, tasks(staging)):
                    if take(written, staging):
                        break
                pool.terminate()
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    with open(out / "manifest.jsonl", "w", encoding="utf-8") as fh:
        for m in manifest:
            fh.write(json.dumps(m, ensure_ascii=False) + "\n")
    return {"documents": n, "faults": len(manifest), **counts}
