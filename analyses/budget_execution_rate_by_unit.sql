-- Budget execution by unit and year, lowest execution rate first: each evaluated project (and the
-- department as a whole) from the self-evaluations, and the unit-level scopes of the final accounts
-- (general public budget, fiscal appropriation, 三公: 年初预算 vs 决算 as the 说明 or the 三公 table
-- print them), with the rate as printed and as computed from the printed amounts.
select u.unit_name, b.fiscal_year, b.source,
       coalesce(p.project_name, case when b.source = 'final_accounts' then '（单位 unit: ' || b.scope || '）'
                                     else '（部门整体 department-wide）' end) as scope_name,
       coalesce(b.budget_full_year_wan, b.budget_initial_wan) as budget_wan, b.executed_wan, b.balance_wan,
       b.execution_rate_pct as execution_rate_printed_pct,
       round(100.0 * b.executed_wan / nullif(coalesce(b.budget_full_year_wan, b.budget_initial_wan), 0), 2) as execution_rate_computed_pct,
       b.source_ref
from fct_budget_execution b
left join dim_project p using (project_id)
left join dim_unit u on u.unit_id = b.unit_id
order by coalesce(b.execution_rate_pct, 100.0 * b.executed_wan / nullif(coalesce(b.budget_full_year_wan, b.budget_initial_wan), 0)) nulls last,
         u.unit_name, scope_name;
