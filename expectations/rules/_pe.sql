{#- Shared pieces of the performance self-evaluation (PE/DE) templates. -#}
{% macro evaluations() -%}
-- one row per evaluation, with the title its findings are reported under
select eval_id, doc_id, unit_id, fiscal_year, form, scope, project_name, total_score, total_score_text,
       total_score_half_unit, grade, grade_normalized, grade_expected, source_ref, page, line_start, complete,
       coalesce(project_name, '部门整体支出') || ' 绩效自评表' as table_title,
       case scope when 'department' then 'EVAL_DEPARTMENT' else 'EVAL_PROJECT' end as table_code
from fct_performance_evaluation
{%- endmacro %}
{% macro line_of(ref) -%}
cast(nullif(regexp_extract({{ ref }}, 'l([0-9]+)', 1), '') as integer)
{%- endmacro %}
{% macro printed(alias, col) -%}
coalesce(json_extract_string({{ alias }}.printed, '$.{{ col }}'), cast(cast({{ alias }}.{{ col }} as double) as varchar))
{%- endmacro %}
{% macro head(alias='ev') -%}
{{ alias }}.doc_id, {{ alias }}.unit_id, {{ alias }}.fiscal_year, {{ alias }}.table_code, {{ alias }}.table_title
{%- endmacro %}
