"""Figures stated in the sentences of a form's goal block (年度总体目标 | 预期目标 | 实际完成情况).

The goal block prints its targets and its results as prose, not as a table: `1:适龄儿童国家免疫规划接种率
≥90%。2:…检测比例70%`, `本年度财政拨款为150万元:执行数为125.25万元,完成预算的83.50%。`. A figure is
landed only when the words right before it, in its own clause, say what it measures (the label words tie
it): a percentage after a rate word (接种率, 检测比例 — seeds block goal_tie, `suffix`) or after a
completion phrase (完成预算的 — `prefix` … 的); an amount or count with its unit (value_unit) after the
words naming it (执行数为 125.25万元), not after an enumeration (A、B等4个…: what it counts follows it). A bare number, or a percentage after words that are not a rate,
lands nothing. Figures keep their printed text (290% stays 290%, OCR of ≥90%), the statement they sit in,
and the line they were printed on.

The block's column (预期目标 = the target, 实际完成情况 = the result) is known from the header cells
when the statements sit in cells of their own (a row of cells under the header row). When the header and
the statements ran into one cell (a flattened page), the statements are read only when numbered 1, 2, 3 …
right after the header: they fill the first column, and a numbering that starts again at 1 fills the
next; anything else lands nothing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from loaders.model import squash
from loaders.numbers import normalize
from loaders.parsers.evaluation_forms import Row, _value_units, key, vocab
from loaders.parsers.indicators import goal_record
from loaders.reference import _rows


@dataclass(frozen=True)
class GoalVocab:
    heads: tuple[str, ...]  # the block's row label (年度总体目标)
    cols: dict[str, str]  # column word -> target / actual
    suffixes: tuple[str, ...]  # words a percentage's clause ends with (率, 比例 …)
    prefixes: tuple[str, ...]  # words a completion clause starts with (完成 … 的)


@lru_cache(maxsize=None)
def goal_vocab() -> GoalVocab:
    rows = _rows("eval_vocabulary.csv")

    def words(block: str, fld: str | None = None) -> tuple[str, ...]:
        return tuple(sorted((key(r["word"]) for r in rows if r["block"] == block and fld in (None, r["field"])),
                            key=len, reverse=True))

    return GoalVocab(heads=words("goal_head"),
                     cols={key(r["word"]): r["field"] for r in rows if r["block"] == "goal_col"},
                     suffixes=words("goal_tie", "suffix"), prefixes=words("goal_tie", "prefix"))


_CLAUSE = re.compile(r"[,，;；:：。!！?？\s]")
_LINK_TAIL = re.compile(r"(?:达到了|达到|达|为|是|共计|共|计|约|了)+$")
_GOAL_NO = "(?<![\\d.]){n}\\s*[:：、.．](?!\\d)"


@lru_cache(maxsize=1)
def _run_together() -> tuple[re.Pattern, re.Pattern]:
    """The block's label followed by its column words in one cell (年度总体目标预期目标实际完成情况), and
    one column word."""
    v = goal_vocab()
    words = "|".join(map(re.escape, sorted(v.cols, key=len, reverse=True)))
    return re.compile(rf"({'|'.join(map(re.escape, v.heads))})((?:{words})+)"), re.compile(words)


@lru_cache(maxsize=1)
def _figure() -> re.Pattern:
    units = "|".join(map(re.escape, _value_units()))
    return re.compile(rf"(?<![\d.])([≥≤><=]?\d+(?:\.\d+)?)\s*({units})")


def _tied(clause: str, unit: str) -> str | None:
    """What the figure measures, from the words of its clause before it; None when they do not tie it."""
    v = goal_vocab()
    words = _LINK_TAIL.sub("", clause)
    if words.endswith("等"):
        return None  # A、B等4个精品示范村: what is counted is printed after the figure
    if unit == "%":
        if words.endswith(v.suffixes) and len(words) > 1:
            return words
        if clause.endswith("的") and any(p in clause for p in v.prefixes):
            return clause[:-1]
        return None
    return words if re.fullmatch(r"[\u4e00-\u9fff、]{2,40}", words) else None


def figures(statement: str) -> list[tuple[str, str, str]]:
    """(subject, printed figure, unit) of every figure of a statement that its clause's words tie."""
    text = normalize(statement)
    out = []
    for m in _figure().finditer(text):
        clause = _CLAUSE.split(text[:m.start()])[-1]
        subject = _tied(clause, m.group(2))
        if subject:
            out.append((subject, text[m.start():m.end()].replace(" ", ""), m.group(2)))
    return out


def _numbered(body: str, n_cols: int) -> list[tuple[int, int, str]] | None:
    """(column index, number, text) of statements numbered 1, 2, … from the start of `body`; a
    numbering starting again at 1 moves to the next column. None when the body is not numbered."""
    first = re.match(_GOAL_NO.format(n=1), body.lstrip())
    if not first:
        return None
    body = body.lstrip()
    out: list[tuple[int, int, str]] = []
    col, n, start = 0, 1, first.end()
    while True:
        nxt = re.search(_GOAL_NO.format(n=n + 1), body[start:])
        again = re.search(_GOAL_NO.format(n=1), body[start:])
        if again and (not nxt or again.start() < nxt.start()) and col + 1 < n_cols:
            out.append((col, n, body[start:start + again.start()]))
            col, n, start = col + 1, 1, start + again.end()
            continue
        if not nxt:
            out.append((col, n, body[start:]))
            return out
        out.append((col, n, body[start:start + nxt.start()]))
        n, start = n + 1, start + nxt.end()


def _table_start(body: str, stops: tuple[str, ...]) -> int:
    """Where the indicator table's header starts in a run-together body: a column or level word followed
    closely by another one (a header is a run of them). One such word alone is part of a goal's sentence
    (…完成率280%: 完成率 is also a column word)."""
    hits = sorted((i, len(w)) for w in stops for i in _positions(body, w) if i > 0)
    return next((i for (i, n), (j, _) in zip(hits, hits[1:]) if i + n <= j <= i + n + 12), len(body))


def _positions(text: str, word: str) -> list[int]:
    out, i = [], text.find(word)
    while i >= 0:
        out.append(i)
        i = text.find(word, i + 1)
    return out


def goal_figures(rows: list[Row]) -> list[dict]:
    """The tied figures of a form's goal block (see the module's note), as `eval_goals` rows."""
    v = goal_vocab()
    if not v.heads or not v.cols:
        return []
    out: list[dict] = []
    stops = tuple(vocab().ind_cols) + tuple(vocab().levels) + ("绩效指标",)

    def land(kind: str, col_label: str, head: str, no: int | None, text: str, line) -> None:
        for subject, printed, unit in figures(text):
            out.append(goal_record(seq=len(out) + 1, line=line, section=head, column_label=col_label, goal_no=no,
                                   subject=subject, printed=printed, unit=unit, kind=kind, statement=squash(text)))

    for n, r in enumerate(rows):
        ks = [key(c) for c in r.cells]
        head = next((i for i, k in enumerate(ks) if k in v.heads), None)
        after = ks[head + 1:] if head is not None else []
        if after and all(k in v.cols for k in after):
            cols = [(r.cells[i], v.cols[ks[i]]) for i in range(head + 1, len(ks))]
            # the statements in cells of their own on the next row, one per column (the block's label
            # cell, merged over both rows, printed once)
            if n + 1 >= len(rows):
                return []
            cells = [c for c in rows[n + 1].cells if key(c)]
            if len(cells) != len(cols):
                return []
            for (label, kind), text in zip(cols, cells):
                numbered = _numbered(normalize(text), 1) or [(0, None, text)]
                for _, no, part in numbered:
                    land(kind, squash(label), squash(r.cells[head]), no, part, rows[n + 1].line)
            return out
        # the header and the statements run together in one cell
        text = squash(normalize(" ".join(r.cells)))
        together, word = _run_together()
        m = together.search(text)
        if not m:
            continue
        labels = word.findall(m.group(2))
        body = text[m.end():]
        cut = _table_start(body, stops)
        for col, no, part in _numbered(body[:cut], len(labels)) or []:
            land(v.cols[labels[col]], labels[col], m.group(1), no, part, r.line)
        return out
    return out
