-- Basic (staff + running costs) vs project spending by unit and year, from the 支出决算表 合计 row,
-- with the project share. NULL means not printed (blank), never zero.
with t as (
    select doc_id, unit_id, fiscal_year,
           max(case when column_code = 'total' then amount_wan end) as total_wan,
           max(case when column_code = 'basic' then amount_wan end) as basic_wan,
           max(case when column_code = 'project' then amount_wan end) as project_wan
    from fct_final_account_lines
    where table_code = 'T_EXPENDITURE' and row_role = 'total'
    group by doc_id, unit_id, fiscal_year
)
select u.unit_name, t.fiscal_year, t.total_wan, t.basic_wan, t.project_wan,
       round(100.0 * t.project_wan / nullif(t.total_wan, 0), 2) as project_share_pct
from t join dim_unit u using (unit_id)
order by u.unit_name, t.fiscal_year;
