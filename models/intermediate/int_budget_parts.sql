{{ config(materialized='table') }}
-- one row per budget published in two files: a 报表 file (the tables, whose pages print no unit name or
-- no year) and the 说明 file (the narrative, no tables) of the same unit-year. The 报表 is recognised by
-- content: the amounts the 说明 states as budget figures (收入预算, 支出预算, 基本支出, “三公”经费 …) are
-- printed in the 报表's tables. How the pair was matched (match_quality):
--   content       at least 3 distinct amounts the 说明 states are printed in the 报表, and both files
--                 were landed from the same folder: the 说明's figures are checked against the 报表 (BU-070);
--   content_weak  2 such amounts in the same folder, or 3 or more from different folders: unit and year
--                 are still taken from the 说明, the figures are not cross-checked.
-- A 报表 pairs with one 说明 and a 说明 with one 报表 (the pair agreeing on most amounts).
-- Rebuilt whole on every build (a table over the few budget documents that are parts of a pair): a
-- 说明 landed today pairs with a 报表 landed long before (loaders/warehouse.py re-derives both).
with docs as (
    select doc_id, source_name, source_path, unit_id, unit_name, unit_code, fiscal_year, n_tables,
           {{ regexp_replace_all('source_path', "'[^/]*$'", "''") }} as folder
    from {{ ref('stg_documents') }}
    where doc_kind = 'budget' and status = 'parsed'
),
table_docs as (  -- 报表 files that name no unit or no year
    select * from docs where n_tables > 0 and (unit_name is null or fiscal_year is null)
),
narrative_docs as (  -- 说明 files: a unit and a year, no table
    select * from docs where coalesce(n_tables, 0) = 0 and unit_name is not null and fiscal_year is not null
),
stated as (  -- the distinct amounts a 说明 states as budget figures (not zero: 0 万元 says nothing)
    select n.doc_id, n.amount_wan, min(coalesce(n.half_unit_wan, 0.005)) as half
    from {{ ref('stg_narrative_figures') }} n
    join narrative_docs d using (doc_id)
    where n.measure = 'budget' and n.amount_wan > 0
    group by n.doc_id, n.amount_wan
),
printed as (  -- the distinct amounts a 报表 prints in its tables
    select c.doc_id, c.amount_wan, min(coalesce(c.half_unit_wan, 0.005)) as half
    from {{ ref('stg_final_account_cells') }} c
    join table_docs d using (doc_id)
    where c.cell_state = 'value' and c.amount_wan > 0
    group by c.doc_id, c.amount_wan
),
agreeing as (
    select s.doc_id as narrative_doc_id, p.doc_id as tables_doc_id, count(distinct s.amount_wan) as n_agree
    from stated s
    join printed p on abs(p.amount_wan - s.amount_wan) <= p.half + s.half
    group by s.doc_id, p.doc_id
),
candidates as (
    select a.tables_doc_id, a.narrative_doc_id, a.n_agree,
           (select count(*) from stated s where s.doc_id = a.narrative_doc_id) as n_stated,
           t.folder = n.folder as same_folder,
           n.unit_id, n.unit_name, n.unit_code, n.fiscal_year,
           case when a.n_agree >= 3 and t.folder = n.folder then 'content' else 'content_weak' end as match_quality
    from agreeing a
    join table_docs t on t.doc_id = a.tables_doc_id
    join narrative_docs n on n.doc_id = a.narrative_doc_id
    where a.n_agree >= 3 or (a.n_agree = 2 and t.folder = n.folder)
),
ranked as (
    select c.*,
           row_number() over (partition by tables_doc_id order by n_agree desc, same_folder desc, narrative_doc_id) as rank_for_tables,
           row_number() over (partition by narrative_doc_id order by n_agree desc, same_folder desc, tables_doc_id) as rank_for_narrative
    from candidates c
)
select tables_doc_id, narrative_doc_id, fiscal_year, unit_id, unit_name, unit_code,
       n_agree, n_stated, same_folder, match_quality
from ranked
where rank_for_tables = 1 and rank_for_narrative = 1
