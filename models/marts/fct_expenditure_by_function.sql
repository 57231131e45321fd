-- one row per function subject (类/款/项) in one expenditure table of one document
select
    doc_id,
    fiscal_year,
    unit_id,
    table_code,
    subject_code,
    any_value(subject_name) as subject_name,
    any_value(subject_level) as subject_level,
    max(case when column_code = 'total' then amount_wan end) as total_wan,
    max(case when column_code = 'basic' then amount_wan end) as basic_wan,
    max(case when column_code = 'project' then amount_wan end) as project_wan,
    max(case when column_code = 'total' then printed_text end) as total_printed,
    max(case when column_code = 'basic' then printed_text end) as basic_printed,
    max(case when column_code = 'project' then printed_text end) as project_printed,
    any_value(source_ref) as source_ref
from {{ ref('int_fa_cells') }}
where table_code in ('T_EXPENDITURE', 'T_GPB_EXPENDITURE', 'T_GOV_FUND', 'T_SOE_CAPITAL')
  and subject_code is not null
  and doc_kind <> 'budget'  -- budget tables by function: fct_budget_lines
  and {{ fdw_changed() }}
group by doc_id, fiscal_year, unit_id, table_code, subject_code
