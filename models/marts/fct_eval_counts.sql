-- one count of a department's basic facts (机构设置 / 人员编制 / 预算单位构成) printed in an evaluation
select
    c.eval_id,
    c.doc_id,
    c.seq,
    e.fiscal_year,
    e.unit_id,
    e.scope,
    c.section,
    c.label,
    c.count_value,
    c.count_unit,
    c.printed_text,
    c.listed_min,
    c.listed_max,
    c.listed_text,
    c.source_ref,
    c.page,
    c.line
from {{ ref('stg_eval_counts') }} c
join {{ ref('int_evaluations') }} e using (eval_id)
where {{ fdw_changed('c.doc_id') }}
