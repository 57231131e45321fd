-- one row per printed amount (or blank / not-applicable cell) of one budget (预算公开) table
{{ table_lines("doc_kind = 'budget'") }}
