-- one row per printed amount (or blank / not-applicable cell) of one final-accounts table
{{ table_lines("doc_kind <> 'budget'") }}
