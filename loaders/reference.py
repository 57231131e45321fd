"""Reference data shared by the parsers and dbt: the CSV files in `seeds/` are the one source."""
from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path

from loaders.model import TEXT_CACHE, squash

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SEEDS = PROJECT_ROOT / "seeds"

_QUOTES = re.compile(r"[“”\"'‘’「」『』]")
# leading ordinals: 一、  （一）  (二)  1.  1、  ①
_ORDINAL = re.compile(r"^(?:[一二三四五六七八九十百]+[、.．]|[（(][一二三四五六七八九十0-9]+[)）]|[0-9]+[、.．](?![0-9])|[①-⑳])")


@lru_cache(maxsize=TEXT_CACHE)
def label_key(text: str) -> str:
    """How labels are compared: no whitespace, no quotes, no leading ordinal, full-width brackets."""
    s = _QUOTES.sub("", squash(text))
    s = s.replace("(", "（").replace(")", "）")
    prev = None
    while prev != s:
        prev, s = s, _ORDINAL.sub("", s)
    return s


def load_yaml(path: Path):
    """A YAML file of the project (rules.yaml, the models' yml): parsed with libyaml's C loader when
    PyYAML has it (a tenth of the pure-Python loader's time: rules.yaml was 0.2 s of every check run,
    issue 13), else the safe pure-Python one. Safe loading either way."""
    import yaml

    return yaml.load(Path(path).read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _rows(name: str) -> list[dict]:
    with open(SEEDS / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


# the table vocabularies: 决算 tables (fa_tables.csv) and 预算 tables (budget_tables.csv). A budget
# table that is the counterpart of a final-accounts table has its table_code (收支预算总表 = T_SUMMARY),
# so one parser and one set of identity templates serve both.
TITLE_SEEDS = {"final_accounts": "fa_tables.csv", "budget": "budget_tables.csv"}


@lru_cache(maxsize=None)
def table_title_kinds() -> dict[str, str]:
    """label_key(title or alias) -> the document kind whose vocabulary it belongs to."""
    return {label_key(t): kind for kind, seed in TITLE_SEEDS.items() for r in _rows(seed)
            for t in [r["title"], *filter(None, r["aliases"].split("|"))]}


@lru_cache(maxsize=None)
def table_titles() -> dict[str, tuple[str, str]]:
    """label_key(title or alias) -> (table_code, layout), of both vocabularies."""
    out = {}
    for seed in TITLE_SEEDS.values():
        for r in _rows(seed):
            for t in [r["title"], *filter(None, r["aliases"].split("|"))]:
                out[label_key(t)] = (r["table_code"], r["layout"])
    return out


@lru_cache(maxsize=None)
def row_roles(kind: str = "final_accounts") -> dict[tuple[str, str, str], str]:
    """(table_code, side, label_key) -> role; a budget's summaries add their own labels (收入总计, 上年结转 …)."""
    out = {(r["table_code"], r["side"], label_key(r["label"])): r["role"] for r in _rows("fa_row_roles.csv")}
    if kind == "budget":
        out.update({(r["table_code"], r["side"], label_key(r["label"])): r["role"] for r in _rows("budget_row_roles.csv")})
    return out


@lru_cache(maxsize=None)
def column_codes() -> dict[tuple[str, str], str]:
    return {(r["table_code"], label_key(r["label"])): r["column_code"] for r in _rows("fa_column_codes.csv")}


@lru_cache(maxsize=None)
def budget_column_codes() -> dict[tuple[str, str], str]:
    """A budget table's own header words (预算数, 总计 …), read before fa_column_codes for budget tables."""
    return {(r["table_code"], label_key(r["label"])): r["column_code"] for r in _rows("budget_column_codes.csv")}


@lru_cache(maxsize=None)
def three_public_items() -> dict[str, str]:
    return {label_key(r["label"]): r["item"] for r in _rows("three_public_items.csv")}


@lru_cache(maxsize=None)
def stats_items() -> dict[tuple[str, str], tuple[str, str]]:
    """(section, label_key) -> (item, unit_kind)."""
    return {(r["section"], label_key(r["label"])): (r["item"], r["unit_kind"]) for r in _rows("stats_items.csv")}


_SUB_ITEM = re.compile(r"^其中[:：]?")


def three_public_item(label: str) -> str | None:
    """The 三公 item a row or column label names (`其中：公务用车购置费` as `公务用车购置费`)."""
    items = three_public_items()
    key = label_key(label)
    return items.get(key) or items.get(label_key(_SUB_ITEM.sub("", key)))


@lru_cache(maxsize=None)
def three_public_parents() -> dict[str, list[str]]:
    """item -> the items that add up to it (FA-050: 合计 = 出国 + 用车小计 + 接待; 小计 = 购置 + 运行)."""
    out: dict[str, list[str]] = {}
    seen = set()
    for r in _rows("three_public_items.csv"):
        if r["parent_item"] and r["item"] not in seen:
            out.setdefault(r["parent_item"], []).append(r["item"])
            seen.add(r["item"])
    return out


def column_code_of(table_code: str, label: str) -> str | None:
    """The column a header names: its seed label exactly, else the longest seed label of that table
    the header contains (`本年支出合计` → 合计 → total; `2017年决算(万元)` → 决算 → actual)."""
    codes = column_codes()
    key = label_key(label)
    if (table_code, key) in codes:
        return codes[(table_code, key)]
    hits = [(len(k), code) for (t, k), code in codes.items() if t == table_code and k and k in key]
    return max(hits)[1] if hits else None
