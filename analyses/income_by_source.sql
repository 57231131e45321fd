-- Where the money came from: 收入决算表 合计 row by income source, per unit and year.
select u.unit_name, l.fiscal_year, l.column_label as source, l.amount_wan, l.source_ref
from fct_final_account_lines l
join dim_unit u using (unit_id)
where l.table_code = 'T_INCOME' and l.row_role = 'total' and l.cell_state = 'value'
order by u.unit_name, l.fiscal_year, l.amount_wan desc;
