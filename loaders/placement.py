"""Placing printed values under a table's columns only where the table's identities make it unique.

A flattened row often prints its values without saying which column each belongs to: fewer values
than columns (blank cells vanished), the cells out of column order (a sheet rendered in reading
order), or the cells run together into one run of digits (OCR of a docx: "%901010010"). This module
enumerates every way of putting the printed values under the columns that keeps

- each value of its column's kind (an amount, a rate, points …: `Column.kind`),
- every identity of the table that can be checked on the placement (`Identity`: True held, False
  broken, None not checkable because an operand is not placed),

and returns the placement only when exactly one survives; otherwise the row is *unaligned* and its
values are kept as printed, never guessed. Soft preferences (a budget above the initial one, the
look of the neighbouring rows) are not identities and are never used here.

A form's scoring rule (a met target scores the full weight, a missed one weight × actual / target)
is a rule forms state but sometimes break (PE-008 and PE-012 report those forms), so it is no
identity either: it never picks a split against the identities, and full marks alone never mean
"met" (PE-008's case). `confirmed` uses it only as a confirmation a split must also pass: of the
candidates the identities leave, the one the rule confirms is placed, and when the rule confirms
none (it is broken, or says nothing: no direction, a weight of 0) nothing is placed. A split whose
only reading breaks the rule is as likely a misread character as a form breaking its rule (an OCR'd
"≥" read as "2": "2810810" = 28 | 10 | 8 | 10 where the form printed ≥8 | 10 | 8 | 10), and the run
alone cannot tell which. A row placed this way records it, and the checks of that rule skip it.

Rows of one table can be placed together (`place_rows`): a table-wide sum (Σ 分值 = 100) keeps,
for each row, only the candidates that some choice of the other rows' candidates completes.

The module knows nothing about any form: the callers (evaluation funds blocks, indicator rows, the
table layer) say which columns there are and which identities hold between them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable, Iterable, Sequence

Identity = Callable[[dict[str, str]], "bool | None"]

# a number as it can be printed: no leading zero (0 alone, or 0.x), decimals as printed, maybe a %
WELL_FORMED = re.compile(r"(?:0|[1-9]\d*)(?:\.\d+)?%?")


@dataclass(frozen=True)
class Column:
    name: str
    kind: Callable[[str], bool] = bool  # the printed text is of the column's kind (the empty text: may be blank)


@dataclass(frozen=True)
class Placement:
    """`values` (column -> printed text) when exactly one placement survives, else None (unaligned);
    `candidates`: how many survived (0: none fits, >1: the identities do not decide)."""
    values: dict[str, str] | None
    candidates: int
    why: str = ""

    @property
    def aligned(self) -> bool:
        return self.values is not None


def holds(m: dict[str, str], identities: Iterable[Identity]) -> bool:
    """No identity broken by the (partial) placement."""
    return all(i(m) is not False for i in identities)


def candidates(values: Sequence[str], columns: Sequence[Column], identities: Sequence[Identity] = (),
               *, ordered: bool = True, limit: int = 100_000) -> list[dict[str, str]]:
    """Every placement of the printed values under the columns (each value under one column, at most
    one value a column) that keeps the kinds and breaks no identity. `ordered`: the values keep the
    columns' printed order (blank cells vanished); else any order (cells printed out of order).
    Searched value by value, a branch dropped as soon as an identity its values allow checking
    breaks; more than `limit` steps: not decided (no candidate)."""
    n, k = len(columns), len(values)
    if k > n:
        return []
    fits = [[columns[c].kind(v) for c in range(n)] for v in values]
    out: list[dict[str, str]] = []
    seen: set[tuple] = set()
    steps = 0
    acc: dict[str, str] = {}
    used: set[int] = set()

    def rec(vi: int, first: int) -> bool:
        nonlocal steps
        if vi == k:
            sig = tuple(sorted(acc.items()))
            if sig not in seen:
                seen.add(sig)
                out.append(dict(acc))
            return True
        for c in (range(first, n - (k - vi - 1)) if ordered else range(n)):
            steps += 1
            if steps > limit:
                return False
            if c in used or not fits[vi][c]:
                continue
            acc[columns[c].name] = values[vi]
            used.add(c)
            ok = not holds(acc, identities) or rec(vi + 1, c + 1)
            used.discard(c)
            del acc[columns[c].name]
            if not ok:
                return False
        return True

    return out if rec(0, 0) else []


def unique(cands: list[dict[str, str]], what: str = "placement") -> Placement:
    if len(cands) == 1:
        return Placement(cands[0], 1)
    if not cands:
        return Placement(None, 0, f"no {what} keeps the values' kinds and the table's identities")
    return Placement(None, len(cands), f"{len(cands)} {what}s keep the values' kinds and the table's identities")


def place(values: Sequence[str], columns: Sequence[Column], identities: Sequence[Identity] = (),
          *, ordered: bool = True) -> Placement:
    """The values under the columns, when exactly one placement keeps the kinds and the identities."""
    return unique(candidates(values, columns, identities, ordered=ordered))


def split_run(run: str, columns: Sequence[Column], identities: Sequence[Identity] = (),
              *, token: re.Pattern = WELL_FORMED, limit: int = 1000) -> list[dict[str, str]]:
    """Every split of a run of characters printed without separators ("901010010") into one token per
    column, in order, each token well formed (`token`), of its column's kind, breaking no identity.
    A column may be absent from the run only when its kind accepts the empty text."""
    sols: list[dict[str, str]] = []
    kinds = [c.kind for c in columns]

    def rec(pos: int, ci: int, acc: dict[str, str]):
        if len(sols) > limit:
            return
        if ci == len(columns):
            if pos == len(run) and holds(acc, identities):
                sols.append(dict(acc))
            return
        if kinds[ci](""):  # a column the run may leave blank
            rec(pos, ci + 1, acc)
        for end in range(pos + 1, len(run) + 1):
            tok = run[pos:end]
            if not token.fullmatch(tok) or (end < len(run) and run[end] in ".%" and tok[-1] != "%"):
                continue  # a number is never cut before its decimal point or its %
            if not kinds[ci](tok):
                continue
            acc[columns[ci].name] = tok
            if holds(acc, identities):
                rec(end, ci + 1, acc)
            del acc[columns[ci].name]

    rec(0, 0, {})
    return sols if len(sols) <= limit else []


# ------------------------------------------------------------------------------- rows of one table

@dataclass(frozen=True)
class Sum:
    """A table-wide identity over one figure of every row: lo <= Σ figure(row) <= hi (an equality
    when lo == hi, within `tol`). `figure` returns the row's figure from its placement."""
    figure: Callable[[dict[str, str]], Decimal]
    lo: Decimal | None
    hi: Decimal | None
    tol: Decimal = Decimal(0)

    def fits(self, total: Decimal) -> bool:
        return (self.lo is None or total >= self.lo - self.tol) and (self.hi is None or total <= self.hi + self.tol)


def _reachable(options: list[set[Decimal]], cap: int = 5000) -> set[Decimal] | None:
    """Every total of one figure per row; None when there are too many to list (not decided)."""
    totals = {Decimal(0)}
    for opts in options:
        totals = {t + o for t in totals for o in opts}
        if len(totals) > cap:
            return None
    return totals


def place_rows(rows: list[list[dict[str, str]]], sums: Sequence[Sum]) -> list[Placement]:
    """The rows of one table placed together (`narrow_rows`): a row is placed when exactly one of its
    candidates is left."""
    return [unique(c, "split") for c in narrow_rows(rows, sums)]


def narrow_rows(rows: list[list[dict[str, str]]], sums: Sequence[Sum]) -> list[list[dict[str, str]]]:
    """Each row's candidates (from `candidates`/`split_run`) kept only when some choice of the other
    rows' candidates satisfies every table-wide sum. Repeated until nothing changes.
    The figures summed are never negative: a row none of whose candidates survived on its own adds
    an unknown figure >= 0, so with such a row only the sums' upper bounds are used. When no choice
    satisfies the sums the table breaks one of them, and each row keeps its own candidates."""
    live = [list(c) for c in rows]
    unknown = any(not c for c in live)
    changed = True
    while changed:
        changed = False
        for s in sums:
            s = Sum(s.figure, None, s.hi, s.tol) if unknown else s
            for i, cands in enumerate(live):
                if not cands:
                    continue
                others = _reachable([{s.figure(c) for c in live[j]} for j in range(len(live)) if j != i and live[j]])
                if others is None:
                    continue
                keep = [c for c in cands if any(s.fits(s.figure(c) + o) for o in others)]
                if len(keep) < len(cands):
                    live[i], changed = keep, True
    if any(rows[i] and not live[i] for i in range(len(rows))):
        live = rows  # no choice satisfies the sums: the table breaks one, it cannot place anything
    return live


def confirmed(cands: list[dict[str, str]], rule: Identity, what: str = "split") -> Placement:
    """The one candidate a further rule of the form *confirms* (True: checkable and kept), among
    candidates the identities left. A rule that is not checkable on a candidate (None) confirms
    nothing, so a rule that says nothing never places a row; when no candidate is confirmed, or
    more than one, nothing is placed. Used for a rule forms usually keep but can break (a
    judgement such as a scoring rule): it may withhold a placement or decide between candidates
    the identities leave, and the row then records that basis so the check of that rule skips it."""
    ok = [c for c in cands if rule(c) is True]
    if len(ok) == 1:
        return Placement(ok[0], 1)
    if not cands:
        return Placement(None, 0, f"no {what} keeps the values' kinds and the table's identities")
    if not ok:
        return Placement(None, 0, f"{len(cands)} {what}(s) keep the table's identities, none is confirmed by its scoring rule")
    return Placement(None, len(ok), f"{len(ok)} {what}s keep the table's identities and its scoring rule")
