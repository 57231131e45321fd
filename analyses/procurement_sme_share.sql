-- Government procurement by category and the share awarded to SMEs / small-micro enterprises.
with p as (
    select doc_id, unit_id, fiscal_year,
           max(case when category = 'total' then amount_wan end) as total_wan,
           max(case when category = 'goods' then amount_wan end) as goods_wan,
           max(case when category = 'works' then amount_wan end) as works_wan,
           max(case when category = 'services' then amount_wan end) as services_wan,
           max(case when category = 'awarded_to_sme' then amount_wan end) as sme_wan,
           max(case when category = 'awarded_to_small_micro' then amount_wan end) as small_micro_wan
    from fct_procurement group by doc_id, unit_id, fiscal_year
)
select u.unit_name, p.fiscal_year, p.total_wan, p.goods_wan, p.works_wan, p.services_wan, p.sme_wan,
       round(100.0 * p.sme_wan / nullif(p.total_wan, 0), 2) as sme_share_pct, p.small_micro_wan
from p join dim_unit u using (unit_id)
order by u.unit_name, p.fiscal_year;
