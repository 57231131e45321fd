-- one figure stated in the sentences of an evaluation's goal block (年度总体目标 | 预期目标 | 实际完成情况),
-- landed only when the words of its clause tie it (loaders/parsers/eval_goals.py); never summed by the checks
select
    g.eval_id,
    g.doc_id,
    g.seq,
    e.fiscal_year,
    e.unit_id,
    e.project_id,
    e.scope,
    g.section,
    g.column_label,
    g.goal_no,
    g.subject,
    g.target_text,
    g.actual_text,
    g.comparator,
    g.value,
    g.value_unit,
    g.statement_text,
    g.source_ref,
    g.page,
    g.line
from {{ ref('stg_eval_goals') }} g
join {{ ref('int_evaluations') }} e using (eval_id)
where {{ fdw_changed('g.doc_id') }}
