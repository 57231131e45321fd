{#-
  Data tests of an incremental build (issue 13). dbt hands every generic test its model through
  get_where_subquery; this override narrows a test of an incremental (document-keyed) model to the rows
  of the documents this build re-derived (main.fdw_changes), when the build is incremental.

  Why that keeps the guarantee: an incremental model's rows of the other documents are not rewritten
  (its pre-hook deletes only the changed documents' rows), and they passed every test when the
  published warehouse was built (a failed test publishes nothing). So
    * row tests (not_null, accepted_values, accepted_range, null_when) can fail only on new rows;
      a row without a doc_id belongs to no document and is always in scope;
    * unique / unique_combination keys of these models all contain doc_id or eval_id (= doc_id:n,
      loaders/parsers/evaluations.py), so two rows can collide only within one document;
    * relationships: a child row of an unchanged document points at a parent derived from the same
      document (dim_document, fct_performance_evaluation, stg_documents, stg_evaluations) or from
      its unit or project, which its own unchanged rows keep in dim_unit / dim_project.
  Tests of models rebuilt as tables (dimensions, int_documents, int_unit_matches, ...) run on the
  whole table. A full build (`fdw build --full-refresh`, any project change) tests every row.

  The scope is written into the test's SQL with the incremental predicate in a comment before it:
      /* fdw_test_scope: <predicate> */ (<predicate>)   in an incremental build,
      /* fdw_test_scope: <predicate> */ (true)          in a full build.
  A full build's tests thus name the predicate an incremental build would apply: fdw keeps them with it
  applied (warehouse.store_tests), and the next incremental builds run them in one query.
-#}
{% macro get_where_subquery(relation) -%}
    {%- set scoped = fdw_test_scope(relation) -%}
    {%- if not scoped -%}
        {%- do return(adapter.dispatch('get_where_subquery', 'dbt')(relation)) -%}  {#- dbt's own: the test's `where` -#}
    {%- endif -%}
    {%- set where = config.get('where', '') -%}
    {%- set filtered -%}
        (select * from {{ relation }} where ({{ where if where else 'true' }}) and {{ scoped }}) dbt_subquery
    {%- endset -%}
    {%- do return(filtered) -%}
{%- endmacro %}

{#- the scope of a test of `relation` (see above), or '' (dbt's own: not an incremental model, or not DuckDB) -#}
{% macro fdw_test_scope(relation) -%}
    {%- if not execute or target.type != 'duckdb' -%}{{ return('') }}{%- endif -%}
    {%- set incremental_models = graph.nodes.values() | selectattr('resource_type', 'equalto', 'model')
            | selectattr('config.materialized', 'equalto', 'incremental') | map(attribute='alias') | list -%}
    {%- if relation.identifier not in incremental_models -%}{{ return('') }}{%- endif -%}
    {%- set predicate = 'doc_id is null or doc_id in (select key from main.fdw_changes)' -%}
    {%- set applied = predicate if not flags.FULL_REFRESH and fdw_incremental_build() else 'true' -%}
    {{ return('/* fdw_test_scope: ' ~ predicate ~ ' */ (' ~ applied ~ ')') }}
{%- endmacro %}

{#- true when fdw prepared this build as an incremental one (it wrote main.fdw_change_segments into the
    copy of the published warehouse; a full build starts from an empty file) -#}
{% macro fdw_incremental_build() -%}
    {{ return(adapter.get_relation(database=target.database, schema='main', identifier='fdw_change_segments') is not none) }}
{%- endmacro %}
