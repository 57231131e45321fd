-- one row per criterion (or section subtotal, item_kind section_total) of one evaluation's score sheet (评分表)
select
    s.eval_id,
    s.doc_id,
    s.seq,
    e.fiscal_year,
    e.unit_id,
    e.project_id,
    e.form,
    s.section,
    s.criterion,
    s.sub_criterion,
    s.item_kind,
    s.weight,
    s.weight_text,
    s.score,
    s.score_text,
    s.weight_half_unit,
    s.score_half_unit,
    s.aligned,
    s.note,
    s.source_ref,
    s.page,
    s.line
from {{ ref('stg_eval_score_items') }} s
join {{ ref('int_evaluations') }} e using (eval_id)
where {{ fdw_changed('s.doc_id') }}
