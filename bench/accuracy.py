"""Accuracy on the real corpus: `make accuracy`.

Runs the whole pipeline (`fdw run`: ingest -> dbt build -> checks) on the real documents — the
labelled excerpts and real files in `../shared/fixtures/real/` and the project's own real excerpts in
`tests/fixtures/real/` — and scores what landed against the hand-read labels (`labels_*.yaml`):

- documents: parsed / quarantined, per kind;
- facts: a labelled fact counts as found only when the warehouse holds it at the right place —
  决算 tables (`fa`): the same table (by the kind of table its title names), row (by label), column
  (by the header words of the labelled column) and printed value; a 行次 labelled as a row number is
  found when the row is found and no amount column of that row holds it;
  绩效 forms (`pe`): the same block (funds / indicator / summary / score), row label, column (mapped
  from the header words to the mart column that holds it) and value; narratives (`nar`): a figure in
  `fct_narrative_figures` with the same value whose item and measure agree with the label's words;
  the image-only PDFs read by OCR (`scanned`, labels read from the page images): each fact as the
  kind of fact it is (a block: pe; a table: fa; else nar);
- identities: each `holds: false` identity should be reported as an error or warning by a rule, and
  no error or warning should match a `holds: true` one. A finding matches an identity when at least
  two of the figures in the finding (expected, actual, and the figures quoted in its message) are
  figures of the identity's text; errors matching no labelled identity are listed for review;
- real files: errors and warnings per file, for checking by hand.

The mapping from the labels' free-text column and item names to the warehouse's columns lives here,
in the harness (it interprets the labels), never in the product's parsers.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter, defaultdict
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("FDW_SHARED", ROOT.parent / "shared"))
sys.path.insert(0, str(ROOT))

from loaders.textnorm import strip_pinyin, to_simplified  # noqa: E402

# ----------------------------------------------------------------------------------- text keys

_ORD = re.compile(r"^(?:[一二三四五六七八九十百]+[、.．]|[（(][一二三四五六七八九十0-9]+[)）]|[0-9]+[、.．](?![0-9])|[①-⑳★☆])+")
_PUNCT = re.compile(r"[\s“”\"'‘’「」『』:：,，、。;；|（）()\[\]【】<>《》·．.%％]")


def key(text) -> str:
    """How the harness compares labels: simplified script, no pinyin glosses, no whitespace,
    punctuation, leading ordinals or a leading 其中."""
    s = unicodedata.normalize("NFKC", to_simplified(strip_pinyin(str(text or ""))))
    s = re.sub(r"\s+", "", s)
    prev = None
    while prev != s:
        prev = s
        s = _ORD.sub("", s)
        s = re.sub(r"^其中[:：]?", "", s)
    return _PUNCT.sub("", s)


_NUM = re.compile(r"[-+]?\d[\d,，]*(?:\.\d+)?|[-+]?\.\d+")


def num(text) -> Decimal | None:
    """The (first) number printed in a text: `5,604,878.83` -> 5604878.83, `≥11.376万元` -> 11.376."""
    if text is None:
        return None
    if isinstance(text, (int, float, Decimal)):
        try:
            return Decimal(str(text))
        except InvalidOperation:
            return None
    s = unicodedata.normalize("NFKC", str(text)).replace(" ", "")
    m = _NUM.search(s)
    if not m:
        return None
    try:
        return Decimal(m.group(0).replace(",", "").replace("，", ""))
    except InvalidOperation:
        return None


def numbers(text) -> list[Decimal]:
    s = unicodedata.normalize("NFKC", str(text or ""))
    s = re.sub(r"(?<=\d)\s*,\s*(?=\d{3})", "", s)
    out = []
    for m in _NUM.finditer(s):
        try:
            out.append(Decimal(m.group(0).replace(",", "").replace("，", "")))
        except InvalidOperation:
            pass
    return out


def same(a: Decimal | None, b: Decimal | None) -> bool:
    return a is not None and b is not None and a == b


def row_matches(label_row: str, landed: str | None) -> bool:
    a, b = key(label_row), key(landed)
    if not a or not b:
        return False
    return a == b or (min(len(a), len(b)) >= 4 and (a in b or b in a))


# ----------------------------------------------------------------------------------- the corpus

def label_sets() -> list[tuple[str, Path, list[dict]]]:
    """(kind, folder, entries) for every labels_<kind>.yaml in the shared excerpts and the project's
    own real fixtures."""
    out = []
    for folder in (SHARED / "fixtures" / "real" / "excerpts", ROOT / "tests" / "fixtures" / "real"):
        if not folder.exists():
            continue
        for lab in sorted(folder.rglob("labels_*.yaml")):
            kind = lab.stem.split("_", 1)[1]
            out.append((kind, lab.parent, yaml.safe_load(lab.read_text(encoding="utf-8")) or []))
    return out


def file_kind(name: str) -> str:
    """What a real file is, from the corpus's own file names (checked by hand, SOURCES.md)."""
    n = name.lower()
    if "imageonly" in n:
        return "scanned"
    if "final_accounts" in n:
        return "final_accounts"
    if "perf" in n:
        return "evaluation"
    if "budget" in n:
        return "budget"
    return "other"


def corpus_paths(sets) -> list[Path]:
    paths = []
    for _, folder, entries in sets:
        paths.extend(folder / e["file"] for e in entries if (folder / e["file"]).exists())
    files = SHARED / "fixtures" / "real" / "files"
    if files.exists():
        paths.extend(sorted(p for p in files.iterdir() if p.is_file() and p.suffix.lower() != ".md"))
    paths.extend(sorted((SHARED / "fixtures" / "real").glob("*.pdf")))
    return paths


# ----------------------------------------------------------------------------------- fa facts

# kind of table a label's title names -> table codes that hold it (most specific first)
_TABLE_WORDS = [
    ("三公", {"T_THREE_PUBLIC"}),
    ("财政拨款收入支出决算总表", {"T_FISCAL_SUMMARY"}),
    ("财政拨款收支决算总表", {"T_FISCAL_SUMMARY"}),
    ("收入支出决算总表", {"T_SUMMARY"}),
    ("收支决算总表", {"T_SUMMARY"}),
    ("基本支出", {"T_BASIC_DETAIL"}),
    ("一般公共预算财政拨款支出", {"T_GPB_EXPENDITURE"}),
    ("政府性基金", {"T_GOV_FUND"}),
    ("国有资本经营", {"T_SOE_CAPITAL"}),
    ("收入决算表", {"T_INCOME"}),
    ("支出决算表", {"T_EXPENDITURE"}),
]


def table_codes_for(label_table: str) -> set[str] | None:
    k = key(label_table)
    for word, codes in _TABLE_WORDS:
        if key(word) in k:
            return codes
    return None


def column_ok(label_col: str, cell: dict) -> bool:
    """Does the landed cell's column agree with the labelled column's header words?"""
    lc = key(label_col)
    cc = key(cell.get("column_label")) + "|" + key(cell.get("column_code"))
    side = cell.get("side") or ""
    if "收入" in lc and "支出" not in lc and side and side != "income":
        return False
    if "支出" in lc and ("栏次2" in lc or "决算数支出" in lc) and side and side != "expenditure":
        return False
    if "率" in lc:
        return "率" in cc or "rate" in cc
    if "预算" in lc and "决算" not in lc:
        return "预算" in cc or "budget" in cc
    if "决算" in lc or "支出" in lc or "金额" in lc:
        return "预算" not in cc.split("|")[0] and "budget" not in cc and "率" not in cc and "行次" not in cc
    return lc == key(cell.get("column_label"))


# budget (预算公开) tables: the words of a labelled title -> table codes in fct_budget_lines
_BU_TABLE_WORDS = [
    ("三公", {"T_THREE_PUBLIC"}),
    ("政府采购", {"T_PROCUREMENT"}),
    ("项目支出", {"T_PROJECT"}),
    ("绩效目标", {"T_PERF_TARGETS"}),
    ("财政拨款收支", {"T_FISCAL_SUMMARY"}),
    ("收支", {"T_SUMMARY"}),
    ("基本支出", {"T_BASIC_DETAIL", "T_BASIC_BUDGET"}),
    ("一般公共预算支出", {"T_GPB_EXPENDITURE"}),
    ("政府性基金", {"T_GOV_FUND"}),
    ("国有资本经营", {"T_SOE_CAPITAL"}),
    ("收入", {"T_INCOME"}),
    ("支出", {"T_EXPENDITURE"}),
]


def score_bu(con, doc_id: str, fact: dict) -> tuple[bool, str]:
    """A budget table fact: like a 决算 one, in fct_budget_lines."""
    k = key(fact.get("table") or "")
    codes = next((c for w, c in _BU_TABLE_WORDS if key(w) in k), None)
    return score_fa(con, doc_id, fact, codes=codes, model="fct_budget_lines")


def score_fa(con, doc_id: str, fact: dict, codes: set[str] | None = None,
             model: str = "fct_final_account_lines") -> tuple[bool, str]:
    codes = codes or table_codes_for(fact.get("table") or "")
    col = fact.get("col") or ""
    if codes is None:  # a figure labelled in the text around the table: a narrative figure
        v = num(fact.get("value"))
        rows = con.execute("select printed_text, value from fct_narrative_figures where doc_id = ?", [doc_id]).fetchall() \
            if has_table(con, "fct_narrative_figures") else []
        ok = any(same(v, num(p)) or same(v, num(x)) for p, x in rows)
        return ok, "" if ok else "narrative figure not found"
    cells = rows_of(con, f"select * from {model} where doc_id = ? and table_code in (select unnest(?))",
                    [doc_id, sorted(codes)])
    if not cells:
        return False, f"no table {sorted(codes)}"
    in_row = [c for c in cells if key(fact["row"]) == key(c.get("row_label"))] or \
        [c for c in cells if row_matches(fact["row"], c.get("row_label"))]
    if not in_row:
        return False, f"row {fact['row']!r} not found"
    v = num(fact.get("value"))
    if fact.get("unit") is None and "行次" in col:  # a row number: must not be landed as an amount
        wrong = [c for c in in_row if c.get("cell_state") == "value" and same(v, num(c.get("printed_text")))
                 and "行次" not in key(c.get("column_label"))]
        return (not wrong), "" if not wrong else "行次 landed as an amount"
    hit = [c for c in in_row if column_ok(col, c) and same(v, num(c.get("printed_text")))]
    if hit:
        return True, ""
    near = [c for c in in_row if same(v, num(c.get("printed_text")))]
    return False, "value in another column" if near else "value not in the row"


# ----------------------------------------------------------------------------------- pe facts

# labelled column words -> mart columns that hold the figure (first match of the word wins)
_PE_COLUMNS = [
    ("年初预算", ["budget_initial_wan"]),
    ("到位率", ["funds_received_rate_pct", "received_rate_pct"]),
    ("预算到位", ["funds_received_rate_pct", "received_rate_pct"]),
    ("执行率", ["execution_rate_pct"]),
    ("预算执行", ["execution_rate_pct"]),
    ("到位", ["funds_received_wan"]),
    ("执行", ["executed_wan"]),
    ("全年预算", ["budget_full_year_wan"]),
    ("预算金额", ["budget_full_year_wan"]),
    ("合计", ["budget_full_year_wan", "executed_wan"]),
    ("分值", ["weight", "execution_weight", "max_score", "points", "total_weight"]),
    ("权重", ["weight", "execution_weight"]),
    ("得分", ["score", "execution_score", "total_score", "points_scored"]),
    ("指标值", ["target_text", "target_initial_text"]),
    ("目标值", ["target_text", "target_initial_text"]),
    ("实际完成值", ["actual_text"]),
    ("实际值", ["actual_text"]),
    ("实际完成情况", ["actual_text", "completion_text"]),
    ("等级", ["grade", "grade_printed"]),
    ("评价结果", ["grade", "grade_printed"]),
    ("数量", ["count_value"]),
    ("人数", ["count_value"]),
]

_PE_MARTS = {"funds": ["fct_eval_fund_lines"], "indicator": ["fct_indicator_achievement"],
             "summary": ["fct_performance_evaluation", "fct_indicator_achievement", "fct_evaluation_score_items",
                         "fct_eval_counts", "fct_eval_goal_figures"],
             "score": ["fct_evaluation_score_items", "fct_performance_evaluation"]}


def value_ok(label_value, landed) -> bool:
    if landed is None:
        return False
    if key(label_value) and key(label_value) == key(landed):
        return True
    a, b = num(label_value), num(landed)
    if a is None or b is None:
        return False
    # the printed text of a value may carry its comparator and unit (≥11.376万元): numbers compare
    return a == b and (not re.search(r"[\u4e00-\u9fff]", str(landed)) or key(label_value).lstrip("≥≤<>=") in key(landed)
                       or re.sub(r"[\d.]", "", key(label_value)) == "")


def score_pe(con, doc_id: str, fact: dict) -> tuple[bool, str]:
    col = key(fact.get("col"))
    wanted = next((cols for w, cols in _PE_COLUMNS if w in col), None)
    if wanted is None:
        return False, f"column {fact.get('col')!r} has no mart column"
    tried = False
    for mart in _PE_MARTS.get(fact.get("block"), []):
        if not has_table(con, mart):
            continue
        rows = rows_of(con, f"select * from {mart} where doc_id = ?", [doc_id])
        exact = [r for r in rows if any(isinstance(v, str) and key(v) == key(fact["row"]) for v in r.values())]
        for r in exact or rows:
            labels = [v for k, v in r.items() if isinstance(v, str) and not k.endswith("_text")
                      and k not in ("doc_id", "eval_id", "source_ref", "printed", "unit_id", "project_id")]
            if mart != "fct_performance_evaluation" and not any(row_matches(fact["row"], v) for v in labels):
                continue
            tried = True
            if any(c in r and value_ok(fact.get("value"), r[c]) for c in wanted):
                return True, ""
    return False, "value not at that row/column" if tried else "row not found"


# ----------------------------------------------------------------------------------- nar facts

# words of a labelled item -> (items it may land as, measures it may land as); None = any
_NAR_MEASURE = [("增减率", {"change_pct"}), ("增长率", {"change_pct"}), ("下降率", {"change_pct"}), ("减少率", {"change_pct"}),
                ("增减额", {"change"}), ("增加额", {"change"}), ("减少额", {"change"}), ("变动", {"change", "change_pct"}),
                ("占比", {"share_pct"}), ("比重", {"share_pct"}), ("完成", {"completion_pct"}), ("比例", {"completion_pct", "share_pct"}),
                ("增加", {"change"}), ("减少", {"change"}), ("增长", {"change"}), ("下降", {"change"}),
                ("上年", {"prior_year"}), ("预算", {"budget", "current"}), ("决算", {"current"}),
                ("数", {"count", "current"}), ("批次", {"count"}), ("人次", {"count"}), ("辆", {"count"})]
_NAR_ITEM = [("因公出国", {"outbound_travel"}), ("购置及运行", {"vehicle_subtotal"}), ("购置费", {"vehicle_purchase"}),
             ("运行维护", {"vehicle_operation"}), ("运行费", {"vehicle_operation"}), ("一般公务用车", {"vehicle_category", "vehicles"}), ("公务用车", {"vehicle_subtotal", "vehicle_operation", "vehicle_purchase", "vehicles"}),
             ("公务接待", {"reception"}), ("三公", {"three_public_total"}), ("机关运行", {"running_cost"}),
             ("政府采购", {"procurement_total", "procurement_goods", "procurement_works", "procurement_services"}),
             ("中小企业", {"awarded_to_sme", "awarded_to_small_micro"}), ("基本支出", {"basic"}), ("项目支出", {"project"}),
             ("人员经费", {"personnel"}), ("公用经费", {"public"}), ("购置车辆", {"vehicles_purchased"}), ("车辆", {"vehicles"})]


def score_nar(con, doc_id: str, fact: dict) -> tuple[bool, str]:
    codes = table_codes_for(fact.get("section") or "") if "表" in key(fact.get("section")) else None
    if codes:  # a figure labelled in a table printed inside the 说明: a table cell of that table
        k = key(fact.get("item"))
        items = next((i for w, i in _NAR_ITEM if w in k), None)
        col = "预算数" if "预算" in k else "决算数"
        cells = rows_of(con, "select * from fct_final_account_lines where doc_id = ? and table_code in (select unnest(?))",
                        [doc_id, sorted(codes)])
        if items and "three_public_total" in items:
            items = items | {"total"}  # the 三公 table's 合计 row
        ok = [c for c in cells if same(num(fact.get("value")), num(c.get("printed_text"))) and column_ok(col, c)
              and (items is None or c.get("item") in items)]
        if ok:
            return True, ""
        # else the table was not landed as a table (a budget table in a 说明): its figures as read from the text
    if not has_table(con, "fct_narrative_figures"):
        return False, "no fct_narrative_figures"
    rows = rows_of(con, "select * from fct_narrative_figures where doc_id = ?", [doc_id])
    v = num(fact.get("value"))
    word = key(fact.get("value")) if v is None else None  # a figure printed as a word (政府采购: 无)
    same_value = [r for r in rows if same(v, num(r.get("printed_text"))) or same(v, num(r.get("value")))
                  or (word and key(r.get("printed_text")) == word)]
    if not same_value:
        return False, "value not found"
    k = key(fact.get("item"))
    measures = next((m for w, m in _NAR_MEASURE if w in k), None)
    items = next((i for w, i in _NAR_ITEM if w in k), None)
    ok = [r for r in same_value if (measures is None or r.get("measure") in measures)
          and (items is None or r.get("item") in items)]
    return (bool(ok), "" if ok else "value found with another item/measure: "
            + ", ".join(sorted({f"{r.get('item')}/{r.get('measure')}" for r in same_value})))


def score_scanned(con, doc_id: str, fact: dict) -> tuple[bool, str]:
    """A fact read by hand from a scanned page (tests/fixtures/real/labels_scanned.yaml), scored as
    the kind of fact it is: a 绩效 block (pe), a 决算 table cell (fa), else a narrative figure (nar)."""
    if fact.get("block"):
        return score_pe(con, doc_id, fact)
    if fact.get("table"):
        return score_fa(con, doc_id, fact)
    return score_nar(con, doc_id, fact)


SCORERS = {"fa": score_fa, "pe": score_pe, "nar": score_nar, "bu": score_bu, "scanned": score_scanned}


# ----------------------------------------------------------------------------------- identities

def identity_figures(check: str) -> set[Decimal]:
    return {abs(n) for n in numbers(check)}


def finding_figures(f: dict) -> set[Decimal]:
    out = set()
    for k in ("expected", "actual"):
        n = num(f.get(k))
        if n is not None:
            out.add(abs(n))
    out.update(abs(n) for n in numbers(f.get("message")))
    return {n.normalize() if n == n.to_integral() else n for n in out} | out


def overlap(f: dict, figs: set[Decimal]) -> int:
    return len({x.normalize() for x in finding_figures(f)} & {x.normalize() for x in figs})


def matches_identity(f: dict, figs: set[Decimal]) -> bool:
    ff = finding_figures(f)
    # compare at the printed precision: 68.30 and 68.3 are the same figure
    norm = lambda s: {x.normalize() for x in s}  # noqa: E731
    return len(norm(ff) & norm(figs) - {Decimal(0), Decimal(100)}) >= 2 or \
        (len(norm(figs) - {Decimal(0)}) <= 2 and len(norm(ff) & norm(figs)) >= 2)


# ----------------------------------------------------------------------------------- helpers

def has_table(con, name: str) -> bool:
    return bool(con.execute("select count(*) from information_schema.tables where table_name = ?", [name]).fetchone()[0])


def rows_of(con, sql: str, params) -> list[dict]:
    cur = con.execute(sql, params)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def run_pipeline(paths: list[Path], home: Path) -> float:
    fdw = Path(sys.executable).parent / "fdw"
    cmd = [str(fdw), "run", "--home", str(home), *map(str, paths)]
    t0 = time.time()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-3000:] + proc.stderr[-3000:])
        raise SystemExit(f"fdw run failed (exit {proc.returncode})")
    return time.time() - t0


def evaluate(home: Path, sets) -> dict:
    import duckdb

    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    docs = rows_of(con, "select * from dim_document", [])
    by_name = {d["source_name"]: d for d in docs}
    findings = rows_of(con, "select * from dq_findings where severity in ('error', 'warning')", [])
    by_doc = defaultdict(list)
    for f in findings:
        by_doc[f["doc_id"]].append(f)
    hints_by_doc = defaultdict(list)  # a difference inside the rounding envelope (DOMAIN: a hint, not an error)
    for f in rows_of(con, "select * from dq_findings where severity = 'hint'", []):
        hints_by_doc[f["doc_id"]].append(f)

    report = {"kinds": {}, "files": {}, "misses": [], "identities": [], "unlabelled_errors": []}
    for kind, folder, entries in sets:
        k = report["kinds"].setdefault(kind, Counter())
        for e in entries:
            d = by_name.get(Path(e["file"]).name)
            k["documents"] += 1
            parsed = d is not None and d.get("status") == "parsed"
            k["parsed"] += parsed
            facts = e.get("facts") or []
            k["facts"] += len(facts)
            for fact in facts:
                ok, why = SCORERS[kind](con, d["doc_id"], fact) if parsed else (False, "document not parsed")
                k["found"] += ok
                if not ok:
                    report["misses"].append({"id": e["id"], "fact": {x: fact.get(x) for x in ("table", "block", "section", "row", "item", "col", "value")}, "why": why})
            doc_findings = by_doc.get(d["doc_id"], []) if d else []
            idents = e.get("identities") or []
            figs = [identity_figures(ident["check"]) for ident in idents]
            # each finding is about the one identity it shares most figures with (a finding about a
            # wrong percentage also quotes the total a correct sum of the same table prints)
            best: dict[int, int] = {}
            for i, f in enumerate(doc_findings):
                pct = "%" in str(f.get("message"))
                scored = [(overlap(f, fg) + (pct and "%" in idents[n]["check"]), -len(fg), n)
                          for n, fg in enumerate(figs) if matches_identity(f, fg)]
                if scored:
                    best[i] = max(scored)[2]
            used = set(best)
            for n, ident in enumerate(idents):
                hits = [i for i, m in best.items() if m == n]
                if ident.get("holds") is False:
                    k["identities_false"] += 1
                    k["false_found"] += bool(hits)
                    if not hits and any(matches_identity(h, figs[n]) for h in hints_by_doc.get(d["doc_id"], []) if d):
                        k["false_as_hint"] += 1
                else:
                    k["identities_true"] += 1
                    k["true_flagged"] += bool(hits)
                report["identities"].append({"id": e["id"], "check": ident["check"], "holds": ident.get("holds"),
                                             "reported_by": sorted({doc_findings[i]["rule_id"] for i in hits})})
            for i, f in enumerate(doc_findings):
                if i not in used:
                    k["unlabelled_findings"] += 1
                    report["unlabelled_errors"].append({"id": e["id"], "rule": f["rule_id"], "severity": f["severity"],
                                                        "message": f["message"], "source_ref": f.get("source_ref")})
    files = SHARED / "fixtures" / "real" / "files"
    real_files = sorted(files.iterdir()) if files.exists() else []
    real_files += sorted((SHARED / "fixtures" / "real").glob("*.pdf"))
    for p in real_files:
        if p.suffix.lower() == ".md":
            continue
        d = by_name.get(p.name)
        fk = report["files"].setdefault(file_kind(p.name), {"files": 0, "parsed": 0, "errors": 0, "warnings": 0, "list": []})
        fk["files"] += 1
        status = d.get("status") if d else "missing"
        fk["parsed"] += status == "parsed"
        fl = by_doc.get(d["doc_id"], []) if d else []
        fk["errors"] += sum(f["severity"] == "error" for f in fl)
        fk["warnings"] += sum(f["severity"] == "warning" for f in fl)
        if d and d.get("doc_kind") == "budget" and has_table(con, "fct_budget_lines"):
            # distinct budget tables with a printed amount (a table in words only lands no line)
            fk.setdefault("budget_tables", []).append(con.execute(
                "select count(distinct table_code) from fct_budget_lines where doc_id = ? and cell_state = 'value'",
                [d["doc_id"]]).fetchone()[0])
        fk["list"].append({"file": p.name, "status": status, "doc_kind": d.get("doc_kind") if d else None,
                           "reason": d.get("quarantine_reason") if d else None,
                           "findings": [f"{f['rule_id']} {f['severity']} {f.get('source_ref')}: {f['message'][:160]}" for f in fl]})
    con.close()
    return report


def print_report(rep: dict, seconds: float) -> None:
    print(f"\nfdw run on the real corpus: {seconds:.1f} s\n")
    print("| kind | documents | parsed | facts | found | found % | false identities reported | of the rest, as rounding hints | true identities flagged | unlabelled findings |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    tot = Counter()
    for kind, k in rep["kinds"].items():
        tot.update(k)
        pct = 100 * k["found"] / k["facts"] if k["facts"] else 0
        print(f"| {kind} | {k['documents']} | {k['parsed']} | {k['facts']} | {k['found']} | {pct:.1f} | "
              f"{k['false_found']} of {k['identities_false']} | {k['false_as_hint']} | {k['true_flagged']} of {k['identities_true']} | {k['unlabelled_findings']} |")
    pct = 100 * tot["found"] / tot["facts"] if tot["facts"] else 0
    print(f"| all | {tot['documents']} | {tot['parsed']} | {tot['facts']} | {tot['found']} | {pct:.1f} | "
          f"{tot['false_found']} of {tot['identities_false']} | {tot['false_as_hint']} | {tot['true_flagged']} of {tot['identities_true']} | {tot['unlabelled_findings']} |")
    print("\n| real files | files | parsed | errors | warnings |\n|---|---|---|---|---|")
    for fk, v in rep["files"].items():
        print(f"| {fk} | {v['files']} | {v['parsed']} | {v['errors']} | {v['warnings']} |")
    for fk, v in rep["files"].items():
        if v.get("budget_tables"):
            n = sorted(v["budget_tables"])
            mid = (n[(len(n) - 1) // 2] + n[len(n) // 2]) / 2
            print(f"\n{fk} files parsed as budgets: {len(n)} of {v['files']}; distinct budget tables with amounts "
                  f"per file: median {mid:g} (min {n[0]}, max {n[-1]})")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--home", type=Path, help="home folder to run in (default: a fresh temporary one)")
    ap.add_argument("--json", type=Path, default=ROOT / "bench" / "accuracy.json", help="where to write the details")
    ap.add_argument("--reuse", action="store_true", help="score an existing --home without running the pipeline")
    ap.add_argument("--verbose", "-v", action="store_true", help="list every miss and unlabelled finding")
    args = ap.parse_args(argv)
    sets = label_sets()
    if not sets:
        print(f"no labelled corpus under {SHARED} or tests/fixtures/real: nothing to measure")
        return 0
    home = args.home or Path(tempfile.mkdtemp(prefix="fdw-accuracy-"))
    seconds = 0.0 if args.reuse else run_pipeline(corpus_paths(sets), home)
    rep = evaluate(home, sets)
    args.json.write_text(json.dumps(rep, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    print_report(rep, seconds)
    if args.verbose:
        print("\nmisses:")
        for m in rep["misses"]:
            print(f"  {m['id']}: {m['fact']} -> {m['why']}")
        print("\nidentities:")
        for i in rep["identities"]:
            print(f"  {i['id']} holds={i['holds']} reported_by={i['reported_by']}: {i['check']}")
        print("\nunlabelled findings:")
        for u in rep["unlabelled_errors"]:
            print(f"  {u['id']} {u['rule']} {u['severity']} {u['source_ref']}: {u['message'][:200]}")
        for fk, v in rep["files"].items():
            for f in v["list"]:
                print(f"  [{fk}] {f['file']}: {f['status']} {f['doc_kind'] or ''} {f['reason'] or ''}")
                for x in f["findings"]:
                    print(f"      {x}")
    print(f"\ndetails: {args.json}  home: {home}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
