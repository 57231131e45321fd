-- one row per funds line of one evaluation: the total line and each funding source as printed
-- (parent_fund_source: the line it adds up into), with half a printed digit per figure
select
    e.fiscal_year,
    e.unit_id,
    e.project_id,
    e.scope,
    f.*
from {{ ref('stg_eval_funds') }} f
join {{ ref('int_evaluations') }} e using (eval_id)
where {{ fdw_changed('f.doc_id') }}
