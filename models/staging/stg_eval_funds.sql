-- one row per funds line of an evaluation: the total (资金总额 / 部门整体 / 预算下达资金) and each source
with f as (
    select f.*, e.form
    from {{ landed('eval_funds') }} f
    left join {{ landed('evaluations') }} e using (eval_id)
)
select
    eval_id,
    doc_id,
    seq,
    form,
    fund_source,
    fund_label,
    -- the line this one adds up into (PE-009), as the parser read it (the sources under a group's 小计
    -- column into that 小计); else into the total
    case
        when fund_source = 'total' then null
        when parent_source = '-' then null  -- a breakdown heading restating the total (按支出性质分): into nothing
        when parent_source is not null then parent_source
        else 'total'
    end as parent_fund_source,
    {% for c in ['budget_initial_declared_wan', 'budget_initial_wan', 'budget_full_year_wan', 'funds_received_wan',
                 'executed_wan', 'balance_wan', 'carryover_prior_wan', 'adjustment_wan', 'other_adjustment_wan',
                 'execution_rate_pct', 'execution_weight', 'execution_score', 'funds_received_rate_pct'] %}
    cast({{ c }} as decimal(20, 6)) as {{ c }},
    {% endfor %}
    printed,
    -- half a unit of the last printed digit of each figure (rounding envelopes of the PE rules, see
    -- macro half_unit_sql); a figure landed without its printed text counts as two decimals
    {% for c in ['budget_initial_declared_wan', 'budget_initial_wan', 'budget_full_year_wan', 'funds_received_wan',
                 'executed_wan', 'balance_wan', 'carryover_prior_wan', 'adjustment_wan', 'other_adjustment_wan',
                 'execution_rate_pct', 'execution_score'] %}
    case when {{ c }} is not null then
        coalesce({{ half_unit_sql(json_text('printed', "'$." ~ c ~ "'"), 0 if c == 'execution_rate_pct' else 2) }}, 0.005) end as {{ c | replace('_wan', '') | replace('_pct', '') }}_half_unit,
    {% endfor %}
    page,
    line,
    source_ref
from f
