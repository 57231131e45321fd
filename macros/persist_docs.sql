{#-
  Comments on the warehouse's tables and columns (dbt's persist_docs), written when a model's table is
  created and not again by every incremental build (issue 13). dbt comments every model after every
  run: for an incremental model that re-derives 100 documents it listed the table's columns twice and
  re-wrote every comment, a fifth of the model's time. The comments come from the models' yml, which is
  part of the project fingerprint: when a description changes, fdw's next build is a full one and the
  tables are created again. So an incremental model whose table already carries its description is left
  as it is; any other relation (a new table, a table model, a full build, Spark) gets dbt's own comments.
-#}
{% macro duckdb__persist_docs(relation, model, for_relation, for_columns) -%}
    {%- if model.config.materialized == 'incremental' and not flags.FULL_REFRESH and model.description -%}
        {%- set current = run_query("select comment from duckdb_tables() where database_name = '" ~ relation.database
                ~ "' and schema_name = '" ~ relation.schema ~ "' and table_name = '" ~ relation.identifier ~ "'") -%}
        {%- if current and current.rows | length == 1 and current.rows[0][0] == model.description -%}
            {{ return('') }}
        {%- endif -%}
    {%- endif -%}
    {{ return(default__persist_docs(relation, model, for_relation, for_columns)) }}
{%- endmacro %}
