-- one row per self-evaluation: total score, the grade as printed and the grade its score earns
with bands as (
    select grade, min_score, max_score_exclusive,
           {{ split_append("coalesce(grade_aliases, '')", '|', 'grade') }} as spellings
    from {{ ref('grade_bands') }}
)
select
    e.eval_id,
    e.doc_id,
    e.eval_no,
    e.fiscal_year,
    e.unit_id,
    e.unit_name,
    e.unit_resolution,
    e.project_id,
    e.project_name,
    e.scope,
    e.form,
    e.total_score,
    e.total_score_text,
    e.total_score_half_unit,
    e.grade,
    printed_band.grade as grade_normalized,
    score_band.grade as grade_expected,
    e.evaluator,
    e.fill_date,
    e.source_ref,
    e.page,
    e.line_start,
    e.line_end,
    e.complete,
    e.total_weight
from {{ ref('int_evaluations') }} e
left join bands printed_band on {{ list_has('printed_band.spellings', 'e.grade') }}
left join bands score_band
  on e.total_score >= score_band.min_score and e.total_score < score_band.max_score_exclusive
where {{ fdw_changed('e.doc_id') }}
