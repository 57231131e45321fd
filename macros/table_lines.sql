{#- The columns of a table-lines mart (fct_final_account_lines, fct_budget_lines): one printed amount
    of one table of the documents of `doc_kind`. 决算 and 预算 tables are parsed by the same table
    layer into the same raw cells; the document's kind tells them apart. -#}
{% macro table_lines(kind_predicate) -%}
select
    doc_id,
    fiscal_year,
    unit_id,
    table_code,
    table_title,
    printed_table_no,
    side,
    block,
    section,
    row_label,
    row_no,
    row_role,
    coalesce(subject_code, summary_class_code) as subject_code,
    case length(coalesce(subject_code, summary_class_code)) when 3 then 1 when 5 then 2 when 7 then 3 end as subject_level,
    case when summary_class_code is not null then 'function' else subject_kind end as subject_kind,
    subject_name,
    item,
    column_label,
    column_code,
    column_no,
    cell_state,
    printed_text,
    value_numeric,
    value_unit,
    amount_wan,
    half_unit_wan,
    aligned,
    page,
    line,
    col,
    source_ref,
    ocr_confidence
from {{ ref('int_fa_cells') }}
where {{ kind_predicate }} and {{ fdw_changed() }}
{%- endmacro %}
