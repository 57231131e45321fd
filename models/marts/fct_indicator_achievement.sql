-- one row per indicator row of one evaluation (aligned = False: an unpaired fragment of a form
-- extracted column by column; its values are kept but not attached to a label)
select
    i.eval_id,
    i.doc_id,
    i.seq,
    e.fiscal_year,
    e.unit_id,
    e.project_id,
    e.form,
    i.level1,
    i.level2,
    i.indicator_name,
    i.target_initial_text,
    i.target_text,
    i.actual_text,
    i.comparator,
    i.target_value,
    i.target_value_high,
    i.actual_value,
    i.value_unit,
    i.weight,
    i.weight_text,
    i.score,
    i.score_text,
    i.weight_half_unit,
    i.score_half_unit,
    i.completion_text,
    i.is_achieved,
    i.deviation_reason,
    i.aligned,
    i.unaligned_text,
    i.placement,
    i.source_ref,
    i.page,
    i.line
from {{ ref('stg_eval_indicators') }} i
join {{ ref('int_evaluations') }} e using (eval_id)
where {{ fdw_changed('i.doc_id') }}
