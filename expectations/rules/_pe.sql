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
{% macro decimals_of(text_expr) -%}
coalesce(length(regexp_extract(replace({{ text_expr }}, ',', ''), '\.([0-9]+)', 1)), 0)
{%- endmacro %}
{% macro score_decimals() -%}
-- per evaluation, the most decimals any of its scores is printed with (indicator rows, score-sheet
-- rows, the budget-execution line, the total): the precision the form scores at
select eval_id, max({{ decimals_of('t') }}) as decimals
from (
    select eval_id, score_text as t from fct_indicator_achievement
    union all select eval_id, score_text from fct_evaluation_score_items
    union all select eval_id, json_extract_string(printed, '$.execution_score') from fct_eval_fund_lines
    union all select eval_id, total_score_text from fct_performance_evaluation
) s
where regexp_matches(t, '[0-9]')
group by eval_id
{%- endmacro %}
{% macro score_half_unit(text_expr, form_decimals) -%}
{#- Half a unit of the last printed digit of a score computed by a formula: its own decimals when it
    prints some (7.7 -> ±0.05), else the precision its form scores at (a whole 10 in a form that prints
    1.9 and 1.8 is 10.0, ±0.05; in a form of whole points only, ±0.5). -#}
cast(0.5 / power(10, case when {{ decimals_of(text_expr) }} > 0 then {{ decimals_of(text_expr) }}
                          else coalesce({{ form_decimals }}, 0) end) as decimal(20, 6))
{%- endmacro %}
{% macro points(expr) -%}
{#- a sum of points as a reader writes it: 70, 7.5 (two decimals at most, trailing zeros dropped) -#}
regexp_replace(regexp_replace(cast(cast({{ expr }} as decimal(20, 2)) as varchar), '0+$', ''), '[.]$', '')
{%- endmacro %}
{% macro unit_printed(text_expr) -%}
{#- the unit printed after an indicator value's number (万元, 人, %), '' when none -#}
trim(regexp_extract({{ text_expr }}, '[0-9][0-9.,]*\s*([^0-9]*)$', 1))
{%- endmacro %}
{% macro is_cost_level(level2_expr) -%}
{#- the indicator's 二级指标 is a cost level (seed eval_cost_levels) -#}
exists (select 1 from eval_cost_levels u where contains(coalesce({{ level2_expr }}, ''), u.level2_word))
{%- endmacro %}
