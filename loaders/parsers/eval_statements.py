"""What a self-evaluation states about itself in words, landed so the checks can hold its tables to it.

- `stated_weights`: a note that fixes the template's weights (注：一级指标分值统一设置为：产出指标50分、
  效益指标30分、满意度指标10分、预算资金执行率10分) -> one score item per weight named
  (item_kind `stated_weight`, PE-017 compares the weights the form prints with them);
- `listed_counts`: a count followed by the enumeration of what it counts (直属事业单位10个，即A、B、…) ->
  how many items the enumeration names (a range when a 和/及 may join two items or sit inside one
  name: 住房和城乡建设局), PE-016 compares the count with it;
- `year_defects`: the year a file name states (the file's own name, or the name a sharing site prints
  as 《…2022年度…自评表.docx》) against the year the form's heading prints (PE-015, a warning: a file
  name is a weak source).
Only what is printed is landed; anything ambiguous (an enumeration ending in 等, numbers inside it, a
heading year that is not unique) lands nothing, so the rule has no instance rather than a guess.
"""
from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

from loaders.model import Line, SourceDoc
from loaders.parsers.evaluation_forms import key, vocab
from loaders.parsers.indicators import EvaluationRecords, score_item_record


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def _form_lines(doc: SourceDoc, rec: EvaluationRecords) -> list[Line]:
    a, b = rec.evaluation.get("line_start") or 0, rec.evaluation.get("line_end") or 0
    return [ln for ln in doc.lines if a <= ln.lineno <= b and not ln.is_blank]


# ------------------------------------------------------------------------------ stated weights

# 分值(统一)设置为：产出指标50分、效益指标30分…  (a list of at least two "word N分")
_STATEMENT = re.compile(r"分值(?:统一)?(?:设置|设定|确定)?为:?((?:[\u4e00-\u9fff]{2,10}?\d{1,3}(?:\.\d{1,2})?分[、,;和及]?){2,})")
_STATED_ITEM = re.compile(r"([\u4e00-\u9fff]{2,10}?)(\d{1,3}(?:\.\d{1,2})?)分")


def _group_word(word: str) -> str | None:
    """The 一级指标 (or the budget-execution line) a stated weight is about, as the form names its groups:
    a level-1 word of the vocabulary (产出 -> 产出指标), or 预算执行率 for a word naming the execution rate."""
    w = key(word)
    if "执行率" in w:
        return "预算执行率"
    levels = vocab().levels
    for cand in (w, w + "指标", w.removesuffix("指标")):
        if levels.get(cand) == "level1":
            return cand if cand.endswith("指标") else cand + "指标"
    return None


def stated_weights(lines: list[Line], first_seq: int) -> list[dict]:
    out: list[dict] = []
    for ln in lines:
        t = _norm(ln.text)
        for m in _STATEMENT.finditer(t):
            items = [(g, v) for w, v in _STATED_ITEM.findall(m.group(1)) if (g := _group_word(w))]
            if len({g for g, _ in items}) < 2 or len({g for g, _ in items}) != len(items):
                continue  # one weight named, or a group named twice: not a statement of the template's weights
            pre = re.search(r"[\u4e00-\u9fff]{0,8}$", t[:m.start()]).group(0)  # 一级指标 before 分值
            statement = (pre + m.group(0)).rstrip("、,;和及")
            for g, v in items:
                out.append(score_item_record(seq=first_seq + len(out), line=ln, section=g, criterion=g,
                                             sub_criterion=None, weight=v, score=None,
                                             note=json.dumps({"kind": "stated_weight", "statement": statement},
                                                             ensure_ascii=False)))
    return out


# ------------------------------------------------------------------------------ enumerations

_LIST_MARK = re.compile(r"^[,:]?(?:即(?![将时可使便])|包括|分别是|分别为|具体是|具体为|具体包括)[:,]?")
_LIST_END = re.compile(r"[。;]")
_JOIN = re.compile(r"以及|和|及|与")


def _enumeration(text: str, end: int) -> tuple[int, int, str] | None:
    """(fewest, most items, the list as printed) of an enumeration that starts right after `end`
    (即A、B和C。), else None: no marker, a list left open (等), or numbers inside it (sub-counts).
    The list surely holds the names up to its first comma (a comma may go on to another clause:
    即A、B、C,负责…); it holds at most every piece up to the sentence end, each 和/及 counted as two."""
    m = _LIST_MARK.match(text[end:])
    if not m:
        return None
    rest = text[end + m.end():]
    stop = _LIST_END.search(rest)
    body = rest[:stop.start()] if stop else rest
    if not body or re.search(r"\d|等|其中|其他|若干", body) or len(body) > 400:
        return None
    pieces = [p for p in re.split(r"[、,]", body) if p]
    surely = [p for p in body.split(",")[0].split("、") if p]
    if len(pieces) < 2 or any(len(p) < 2 for p in pieces):
        return None
    joins = sum(len(_JOIN.findall(p)) for p in pieces)
    return len(surely), len(pieces) + joins, body


def listed_counts(lines: list[Line], counts: list[dict]) -> None:
    """Sets listed_min / listed_max / listed_text on each count followed by an enumeration."""
    by_line = {ln.lineno: _norm(ln.text) for ln in lines}
    for c in counts:
        c.setdefault("listed_min", None)
        c.setdefault("listed_max", None)
        c.setdefault("listed_text", None)
        t = by_line.get(c["line"])
        label, printed = _norm(c.get("label")), _norm(c.get("printed_text"))
        if not t or not label or not printed:
            continue
        at = re.search(f"{re.escape(label)}(?:共有|共|有|计|为)?{re.escape(printed)}|{re.escape(printed)}{re.escape(label)}", t)
        if not at:
            continue
        if found := _enumeration(t, at.end()):
            c["listed_min"], c["listed_max"], c["listed_text"] = found


# ------------------------------------------------------------------------------ years

_CITED_FILE = re.compile(r"《([^《》]{4,80}?\.(?:docx?|pdf|xlsx?|wps|et))(?:\([^《》()]{0,12}\))?》", re.IGNORECASE)
_NAME_YEAR = re.compile(r"(20\d{2})年")


def _heading_years(lines: list[Line]) -> list[tuple[int, Line]]:
    """(year, line) of each form title printed with its year (2023年度部门整体绩效自评表, or (2023年度)
    on the title's next line), outside a cited file name."""
    titles = [w for w, _ in vocab().titles]
    out = []
    for i, ln in enumerate(lines):
        t = _CITED_FILE.sub("", _norm(ln.text)).replace("(", "(").replace(")", ")")
        for w in titles:
            for m in re.finditer(re.escape(w), t):
                if y := re.search(r"(20\d{2})年度?[^\d,;。:]{0,16}$", t[max(0, m.start() - 30):m.start()]):
                    out.append((int(y.group(1)), ln))
                elif i + 1 < len(lines) and (y := re.match(r"^\|?\(?(20\d{2})年度?\)", _norm(lines[i + 1].text))):
                    out.append((int(y.group(1)), lines[i + 1]))
    return out


def year_defects(doc: SourceDoc, records: list[EvaluationRecords]) -> list[dict]:
    """PE-015: a file name (the file's own, or one the text cites as 《….docx》) whose year is not the one
    year the forms' headings print. One defect per file name."""
    lines = [ln for ln in doc.lines if not ln.is_blank]
    heads = [y_ln for r in records for y_ln in _heading_years(_form_lines(doc, r)[:4])]
    years = {y for y, _ in heads}
    if len(years) != 1:
        return []  # no heading year, or headings of several years: nothing to hold a file name to
    year = years.pop()
    head_line = min((ln for _, ln in heads), key=lambda ln: ln.lineno)
    names = [(Path(doc.path).name, head_line)] if doc.path else []
    names += [(m.group(1), ln) for ln in lines[:5] for m in _CITED_FILE.finditer(_norm(ln.text))]
    out, seen = [], set()
    for name, ln in names:
        ys = {int(y) for y in _NAME_YEAR.findall(name)}
        if len(ys) != 1 or year in ys or name in seen:
            continue
        seen.add(name)
        out.append({"doc_id": doc.doc_id, "defect": "file_year", "printed_text": f"{ys.pop()}年",
                    "context": f"{name}（表头 heading {head_line.source_ref}: {year}年）",
                    "expected": str(year), "page": ln.page, "line": ln.lineno, "source_ref": ln.source_ref})
    return out


def annotate(doc: SourceDoc, rec: EvaluationRecords) -> None:
    """Adds what the form states in words to its records (before they are numbered)."""
    lines = _form_lines(doc, rec)
    rec.score_items.extend(stated_weights(lines, len(rec.score_items) + 1))
    listed_counts(lines, rec.counts)
