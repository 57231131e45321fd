-- 三公经费: budget vs actual by unit, year and item, and the change on the year before
-- (NULL = not printed, not zero). Run: fdw query analyses/three_public_budget_vs_actual.sql
select u.unit_name, t.fiscal_year, t.item, t.item_label, t.budget_wan, t.actual_wan,
       round(100.0 * t.actual_wan / nullif(t.budget_wan, 0), 2) as execution_pct,
       t.actual_wan - lag(t.actual_wan) over (partition by t.unit_id, t.item order by t.fiscal_year) as change_on_prior_year_wan,
       t.source_ref
from fct_three_public_expenses t
join dim_unit u using (unit_id)
order by u.unit_name, t.fiscal_year, t.item;
