-- one figure stated in the sentences of an evaluation's goal block: 接种率 ≥90% (预期目标), 完成预算的83.50% (实际完成情况)
select
    eval_id,
    doc_id,
    seq,
    section,
    column_label,
    cast(goal_no as integer) as goal_no,
    subject,
    target_text,
    actual_text,
    comparator,
    cast(value as decimal(20, 6)) as value,
    value_unit,
    statement_text,
    page,
    line,
    source_ref
from {{ landed('eval_goals') }} as eval_goals
