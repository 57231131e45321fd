-- Expenditure by function class (类) across units: total, basic and project, from 支出决算表.
select u.unit_name, e.fiscal_year, e.subject_code, e.subject_name, e.total_wan, e.basic_wan, e.project_wan
from fct_expenditure_by_function e
join dim_unit u using (unit_id)
where e.table_code = 'T_EXPENDITURE' and e.subject_level = 1
order by u.unit_name, e.fiscal_year, e.total_wan desc nulls last;
