-- one row per budget scope of one evaluation (a project, or the whole department): the printed total line
-- (fund_source 'total'). City project forms print only 预算下达资金 on their total line; their budget and
-- spending are printed by source, so budget_initial_wan / executed_wan fall back to the sum of the sources
-- (amounts_from says which).
with sources as (
    select eval_id,
           sum(budget_initial_wan) as budget_initial_sources_wan,
           sum(executed_wan) as executed_sources_wan,
           count(*) as n_sources
    from {{ ref('stg_eval_funds') }}
    where parent_fund_source = 'total' and {{ fdw_changed() }}
    group by eval_id
)
select
    e.eval_id,
    e.doc_id,
    e.fiscal_year,
    e.unit_id,
    e.project_id,
    e.scope,
    e.form,
    f.fund_label,
    f.budget_initial_declared_wan,
    coalesce(f.budget_initial_wan, case when e.form = 'city_project' then s.budget_initial_sources_wan end) as budget_initial_wan,
    f.budget_full_year_wan,
    f.funds_received_wan,
    coalesce(f.executed_wan, case when e.form = 'city_project' then s.executed_sources_wan end) as executed_wan,
    f.balance_wan,
    f.carryover_prior_wan,
    f.adjustment_wan,
    f.other_adjustment_wan,
    f.execution_rate_pct,
    f.execution_weight,
    f.execution_score,
    case when f.budget_initial_wan is null and f.executed_wan is null and e.form = 'city_project'
         then 'sum of sources' else 'printed total' end as amounts_from,
    s.n_sources,
    f.budget_initial_declared_half_unit,
    f.budget_initial_half_unit,
    f.budget_full_year_half_unit,
    f.funds_received_half_unit,
    f.executed_half_unit,
    f.balance_half_unit,
    f.carryover_prior_half_unit,
    f.adjustment_half_unit,
    f.other_adjustment_half_unit,
    f.execution_rate_half_unit,
    f.execution_score_half_unit,
    f.source_ref,
    f.page,
    f.line
from {{ ref('stg_eval_funds') }} f
join {{ ref('int_evaluations') }} e using (eval_id)
left join sources s using (eval_id)
where f.fund_source = 'total' and {{ fdw_changed('f.doc_id') }}
