"""The rules' SQL in Spark SQL: a small dialect layer over the rendered templates (issue 14).

The templates of `expectations/rules/` are written once, in DuckDB SQL (one template per rule shape).
`fdw check --engine spark` renders them the same way and passes the text through `to_spark`, which
rewrites the few constructs where the two dialects differ. Each rewrite is listed in REWRITES or
done by `_string_agg_order`; string literals and comments are never touched. A construct this layer
does not know how to translate is refused with the reason (UnsupportedSQL), never run half-translated.

What differs (Spark 4.3, `spark.sql.parser.escapedStringLiterals` on, ANSI off, as in profiles.yml):
  - `string_agg(x, sep order by k)` (DuckDB's ordered aggregate) is
    `string_agg(x, sep) within group (order by k)` in Spark; a FILTER clause stays after it;
  - `string_agg(distinct x, sep)`: Spark 4.3's planner fails (ClassCastException) on a DISTINCT listagg
    beside an ordered one; the distinct values are collected, sorted and joined instead;
  - `round(x, n)` with a scale that is not a constant: Spark wants a constant, one branch per scale;
  - `json_extract_string(j, path)` is `get_json_object(j, path)`;
  - `regexp_matches(s, p)` (a partial match) is `regexp_like(s, p)` (Java's find, also partial);
  - `cast(x as varchar)`: Spark's `varchar` needs a length, `string` is the same type;
  - `* exclude (…)` is `* except (…)`;
  - `like … escape '\'`: Spark's lexer reads `'\'` as an unterminated literal; `\` is its default
    LIKE escape, so the clause is dropped;
  - a quote doubled inside a literal (`'form''s'`): with escapedStringLiterals Spark keeps both quotes
    (the real corpus's PE-015 text read `form''s`); the pieces are joined with chr(39).
The rest the templates use (`count(*) filter (where …)`, `any_value`, `bool_and`, `string_agg(distinct …)`,
correlated `exists`, `contains`, `left`, `||`, decimals) means the same on both engines.
"""
from __future__ import annotations

import re

ENGINES = ("duckdb", "spark")


class UnsupportedSQL(ValueError):
    """The rendered SQL uses a DuckDB construct with no translation here."""


# (DuckDB, Spark) over code outside literals; \b keeps names whole
REWRITES = [
    (re.compile(r"\bjson_extract_string\s*\(", re.I), "get_json_object("),
    (re.compile(r"\bregexp_matches\s*\(", re.I), "regexp_like("),
    (re.compile(r"\bas\s+varchar\b(?!\s*\()", re.I), "as string"),
    (re.compile(r"\*\s*exclude\b", re.I), "* except"),
]
ESCAPE_BACKSLASH = re.compile(r"\s+escape\s+$", re.I)
# DuckDB-only constructs a template might use that this layer does not translate
REFUSED = [
    (re.compile(r"\bunion\s+all\s+by\s+name\b", re.I), "union all by name"),
    (re.compile(r"::"), "the :: cast"),
    (re.compile(r"\b(?:list_\w+|struct_pack|string_split|arg_max|arg_min)\s*\(", re.I), "a DuckDB list/struct function"),
    (re.compile(r"\bregexp_replace\s*\([^;]*?'g'\s*\)", re.I), "regexp_replace with 'g'"),
]


def _segments(sql: str):
    """(is_code, text) pieces: string literals ('…', '' escapes a quote) and -- comments are not code."""
    out, i, start, n = [], 0, 0, len(sql)
    while i < n:
        if sql[i] == "'":
            out.append((True, sql[start:i]))
            j = i + 1
            while j < n:
                if sql[j] == "'":
                    if j + 1 < n and sql[j + 1] == "'":
                        j += 2
                        continue
                    break
                j += 1
            out.append((False, sql[i:j + 1]))
            i = start = j + 1
        elif sql.startswith("--", i):
            out.append((True, sql[start:i]))
            j = sql.find("\n", i)
            j = n if j < 0 else j
            out.append((False, sql[i:j]))
            i = start = j
        else:
            i += 1
    out.append((True, sql[start:]))
    return [(code, text) for code, text in out if text]


def _mask(sql: str) -> str:
    """The SQL with every literal and comment blanked to spaces of the same length (for scanning)."""
    return "".join(text if code else (" " * len(text)) for code, text in _segments(sql))


def _call(masked: str, at: int) -> tuple[list[tuple[int, int]], int]:
    """The call whose "(" ends at `at` (index after it): its top-level arguments as (start, end)
    spans, and the index of its closing parenthesis."""
    depth, j, begin, args = 0, at, at, []
    while j < len(masked):
        c = masked[j]
        if c == "(":
            depth += 1
        elif c == ")":
            if depth == 0:
                args.append((begin, j))
                return args, j
            depth -= 1
        elif c == "," and depth == 0:
            args.append((begin, j))
            begin = j + 1
        j += 1
    raise UnsupportedSQL("unbalanced parentheses")


def _rewrite_calls(sql: str, name: str, rewrite) -> str:
    """Each call name(...) (innermost last: rewritten from the end) replaced by rewrite(sql, args,
    close) -> new text for sql[start:close + 1], or None to keep it."""
    pattern = re.compile(rf"\b{name}\s*\(", re.I)
    for m in reversed(list(pattern.finditer(_mask(sql)))):
        masked = _mask(sql)
        args, close = _call(masked, m.end())
        text = rewrite(sql, masked, args, close)
        if text is not None:
            sql = sql[:m.start()] + text + sql[close + 1:]
    return sql


ORDER_BY = re.compile(r"(?<!\w)order\s+by\b", re.I)


def _string_agg(sql: str, masked: str, args, close):
    """string_agg(x, sep order by k) -> string_agg(x, sep) within group (order by k);
    string_agg(distinct x, sep) -> the distinct values sorted, joined (Spark 4.3 fails on a DISTINCT
    listagg beside an ordered one in one aggregation: a ClassCastException in its planner)."""
    first, last = args[0], args[-1]
    # the ORDER BY keys may hold commas: the first top-level argument span that holds ORDER BY
    order = next((o for a, b in args if (o := ORDER_BY.search(masked, a, b))), None)
    if order:
        body = sql[first[0]:order.start()].rstrip()
        return f"string_agg({body}) within group ({sql[order.start():close].strip()})"
    distinct = re.match(r"\s*distinct\b", masked[first[0]:first[1]], re.I)
    if distinct:
        if re.match(r"\s*(filter|within)\b", masked[close + 1:], re.I):
            raise UnsupportedSQL("string_agg(distinct …) with a FILTER or WITHIN GROUP clause")
        value = sql[first[0] + distinct.end():first[1]].strip()
        sep = sql[last[0]:last[1]].strip()
        return (f"(case when count({value}) > 0 then array_join(array_sort(array_distinct(collect_list({value}))), {sep}) end)")
    return None


def _round(sql: str, masked: str, args, close):
    """round(x, n) with n not a literal (Spark wants a constant scale): one branch per scale 0-6
    (the checks' decimals are decimal(20, 6))."""
    if len(args) != 2 or re.fullmatch(r"\s*-?\d+\s*", sql[args[1][0]:args[1][1]]):
        return None
    x, n = (sql[a:b].strip() for a, b in args)
    branches = " ".join(f"when {d} then round({x}, {d})" for d in range(7))
    return f"(case cast({n} as int) {branches} else round({x}, 6) end)"


def _quote_in_literal(literal: str) -> str:
    """'it''s' (a quote doubled inside a literal): Spark with escapedStringLiterals keeps both quotes;
    the pieces joined with chr(39) mean the same text."""
    return "(" + " || chr(39) || ".join(f"'{piece}'" for piece in literal[1:-1].split("''")) + ")"


def to_spark(sql: str) -> str:
    """The rendered DuckDB SQL of a rule check, in Spark SQL (see the module's list)."""
    masked = _mask(sql)
    for pattern, what in REFUSED:
        if pattern.search(masked):
            raise UnsupportedSQL(f"{what} has no Spark SQL translation in expectations/dialect.py")
    sql = _rewrite_calls(sql, "string_agg", _string_agg)
    sql = _rewrite_calls(sql, "round", _round)
    pieces, segments = [], _segments(sql)
    for i, (code, text) in enumerate(segments):
        if code:
            for pattern, replacement in REWRITES:
                text = pattern.sub(replacement, text)
            # LIKE … escape '\': Spark's default LIKE escape is already \, and its lexer reads '\' as an
            # unterminated literal (the quote escaped)
            if i + 1 < len(segments) and segments[i + 1][1] == "'\\'" and ESCAPE_BACKSLASH.search(text):
                text = ESCAPE_BACKSLASH.sub("", text)
                segments[i + 1] = (False, "")
        elif text.startswith("'") and "''" in text[1:-1]:
            text = _quote_in_literal(text)
        pieces.append(text)
    return "".join(pieces)


def translate(sql: str, engine: str) -> str:
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}")
    return to_spark(sql) if engine == "spark" else sql
