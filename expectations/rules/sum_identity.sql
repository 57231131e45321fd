-- One identity instance per (document[, key]): a printed figure (`actual`) against the sum of the
-- printed figures it must equal (`expected`), with the rounding envelope (half a printed digit per
-- printed term) and the operands as printed. Every instance is returned, holding or not: the
-- expectation suite decides which ones break.
--   lines_model : the mart of table amounts read (fct_final_account_lines, or fct_budget_lines for BU rules)
--   actual_where / expected_where : which cells of it form each side
--   key : none | column_code | row (same printed line) | subject_code | item
--   value_column : amount_wan (money, default) or value_numeric (counts)
--   doubtful (output): the amounts read by OCR below the doubtful threshold (runner.OCR_DOUBTFUL_BELOW)
{#- the amounts of either side read by OCR with a score below the doubtful threshold, as printed -#}
{%- set doubtful = "string_agg(printed_text || ' (' || source_ref || ', OCR ' || round(ocr_confidence, 2) || ')', ' + ' order by line, col) filter (where cell_state = 'value' and ocr_confidence < " ~ ocr_doubtful_below ~ ")" %}
{#- a cell whose column is unknown (aligned = false) makes every instance of its table not checkable -#}
{%- set unaligned = "count(*) filter (where table_unaligned)" %}
{%- set key_expr = {
    'none': "''",
    'column_code': "column_code",
    'row': "source_ref",
    'subject_code': "subject_code",
    'item': "item",
}[key] %}
with lines as (
    select *, {{ key_expr }} as k,
           exists (select 1 from {{ lines_model }} u
                   where not u.aligned and u.doc_id = f.doc_id and u.table_code = f.table_code) as table_unaligned
    from {{ lines_model }} f
),
a as (
    select doc_id, k,
           any_value(unit_id) as unit_id,
           any_value(fiscal_year) as fiscal_year,
           any_value(table_code) as table_code,
           any_value(table_title) as table_title,
           string_agg(distinct row_label, ' + ') as row_label,
           string_agg(distinct column_label, ' + ') as column_label,
           sum({{ value_column }}) as actual,
           count(*) filter (where cell_state = 'value') as n_actual,
           {{ unaligned }} as n_unaligned,
           coalesce(sum(half_unit_wan), 0) as tol_actual,
           string_agg(coalesce(nullif(printed_text, ''), '(空白)'), ' + ' order by line, col) as actual_printed,
           min(source_ref) as source_ref,
           min(page) as page,
           min(line) as line,
           {{ doubtful }} as doubtful
    from lines
    where {{ actual_where }}
    group by doc_id, k
),
e as (
    select doc_id, k,
           any_value(unit_id) as unit_id,
           any_value(fiscal_year) as fiscal_year,
           any_value(table_code) as table_code,
           any_value(table_title) as table_title,
           min(source_ref) as source_ref,
           min(page) as page,
           min(line) as line,
           sum({{ value_column }}) as expected,
           count(*) filter (where cell_state = 'value') as n_expected,
           {{ unaligned }} as n_unaligned,
           coalesce(sum(half_unit_wan), 0) as tol_expected,
           string_agg(row_label || '[' || column_label || '] ' || printed_text || ' (' || source_ref || ')', ' + '
                      order by line, col) filter (where cell_state = 'value') as operands,
           {{ doubtful }} as doubtful
    from lines
    where {{ expected_where }}
    group by doc_id, k
)
select
    coalesce(a.doc_id, e.doc_id) as doc_id,
    coalesce(a.unit_id, e.unit_id) as unit_id,
    coalesce(a.fiscal_year, e.fiscal_year) as fiscal_year,
    coalesce(a.table_code, e.table_code) as table_code,
    coalesce(a.table_title, e.table_title) as table_title,
    coalesce(a.row_label, '(未印 not printed)') as row_label,
    a.column_label,
    nullif(coalesce(a.k, e.k), '') as check_key,
    a.actual,
    a.actual_printed,
    e.expected,
    coalesce(a.tol_actual, 0) + coalesce(e.tol_expected, 0) as tolerance,
    coalesce(e.operands, '(无 none printed)') as operands,
    coalesce(a.source_ref, e.source_ref) as source_ref,
    coalesce(a.page, e.page) as page,
    coalesce(a.line, e.line) as line,
    concat_ws(' + ', a.doubtful, e.doubtful) as doubtful,
    -- not checkable: one side not printed at all (a table or row missing, every cell blank) or a
    -- cell the parser could not place in its column with certainty
    coalesce(a.n_actual, 0) > 0 and coalesce(e.n_expected, 0) > 0
        and coalesce(a.n_unaligned, 0) + coalesce(e.n_unaligned, 0) = 0 as checkable,
    case when coalesce(a.n_actual, 0) = 0 then '合计未印 the total is not printed'
         when coalesce(e.n_expected, 0) = 0 then '分项未印 no part is printed'
         when coalesce(a.n_unaligned, 0) + coalesce(e.n_unaligned, 0) > 0 then '数字未能对齐到列 cells not aligned to columns'
    end as not_checkable_reason
from a
full outer join e
  on a.doc_id = e.doc_id and a.k = e.k
-- an instance exists when something is printed on either side
where coalesce(a.n_actual, 0) + coalesce(e.n_expected, 0) > 0
