"""Full-text indexes of the evidence search (``evidence.search``), on PostgreSQL only.

GIN indexes on expressions rather than stored ``tsvector`` columns: the words searched (a file
name, a document title) live on rows that are written once and never change, so there is nothing
to keep in sync, and SQLite (the laptop run, which searches with ``icontains``) needs no column
it cannot use. The expressions are exactly those of ``evidence.search.words_vector`` (punctuation
to spaces, the 'simple' configuration: no stemming, Indonesian names stay as typed); the planner
uses an index only for an identical expression, which ``tests/evidence/test_search.py`` checks.
"""

from django.db import migrations

_INDEXES = (
    ("evidenceversion_name_fts", "evidence_evidenceversion", "original_name"),
    ("evidencedocument_title_fts", "evidence_evidencedocument", "title"),
)


def _expression(column: str) -> str:
    return f"to_tsvector('simple'::regconfig, COALESCE(regexp_replace({column}, '[^[:alnum:]]+', ' ', 'g'), ''))"


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, column in _INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({_expression(column)})")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in _INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("evidence", "0004_page_marks"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
