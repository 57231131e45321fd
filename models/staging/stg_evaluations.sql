-- one row per performance self-evaluation form (eval_id = doc_id:n, n in document order)
select
    eval_id,
    doc_id,
    cast(split_part(eval_id, ':', 2) as integer) as eval_no,
    form,
    scope,
    nullif(trim(project_name), '') as project_name,
    nullif(trim(unit_name), '') as unit_name,
    nullif(trim(unit_code), '') as unit_code,
    nullif(trim(department_name), '') as department_name,
    nullif(trim(department_code), '') as department_code,
    nullif(trim(project_attribute), '') as project_attribute,
    project_period,
    cast(fiscal_year as integer) as fiscal_year,
    cast(total_score as decimal(20, 6)) as total_score,
    total_score_text,
    {{ half_unit_sql('total_score_text') }} as total_score_half_unit,
    nullif(trim(grade), '') as grade,
    grade_text,
    evaluator,
    fill_date,
    annual_goal,
    actual_result,
    page,
    line_start,
    line_end,
    source_ref,
    -- False: the form was not read whole (not down to its 总分 row, or its funds total line could not
    -- be placed); the layout parsers of the samples read whole forms (NULL = complete)
    coalesce(complete, true) as complete,
    -- the 总分 row's maximum points as printed (总分 | 100 | 96), NULL when not printed
    cast(total_weight as decimal(20, 6)) as total_weight
from {{ landed('evaluations') }} as evaluations
