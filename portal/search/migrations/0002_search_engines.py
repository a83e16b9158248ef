"""The engines' indexes: on PostgreSQL the extensions and two GIN indexes, on SQLite an FTS5 table.

``CreateExtension`` and its subclasses do nothing on another database; the indexes and the FTS5
table are written for their vendor only, so the same migration runs in both modes.
"""

from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations

POSTGRESQL_FORWARDS = [
    "CREATE INDEX searchdoc_words_fts ON search_searchdocument USING gin (to_tsvector('simple'::regconfig, text))",
    "CREATE INDEX searchdoc_words_trgm ON search_searchdocument USING gin (text gin_trgm_ops)",
]
POSTGRESQL_BACKWARDS = ["DROP INDEX IF EXISTS searchdoc_words_fts", "DROP INDEX IF EXISTS searchdoc_words_trgm"]

SQLITE_FORWARDS = [
    "CREATE VIRTUAL TABLE search_searchdocument_fts USING fts5("
    "text, content='search_searchdocument', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER search_searchdocument_ai AFTER INSERT ON search_searchdocument BEGIN "
    "INSERT INTO search_searchdocument_fts(rowid, text) VALUES (new.id, new.text); END",
    "CREATE TRIGGER search_searchdocument_ad AFTER DELETE ON search_searchdocument BEGIN "
    "INSERT INTO search_searchdocument_fts(search_searchdocument_fts, rowid, text) VALUES ('delete', old.id, old.text); END",
    "CREATE TRIGGER search_searchdocument_au AFTER UPDATE ON search_searchdocument BEGIN "
    "INSERT INTO search_searchdocument_fts(search_searchdocument_fts, rowid, text) VALUES ('delete', old.id, old.text); "
    "INSERT INTO search_searchdocument_fts(rowid, text) VALUES (new.id, new.text); END",
    "INSERT INTO search_searchdocument_fts(search_searchdocument_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARDS = [
    "DROP TRIGGER IF EXISTS search_searchdocument_ai",
    "DROP TRIGGER IF EXISTS search_searchdocument_ad",
    "DROP TRIGGER IF EXISTS search_searchdocument_au",
    "DROP TABLE IF EXISTS search_searchdocument_fts",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_search_documents")]

    operations = [
        UnaccentExtension(),
        TrigramExtension(),
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL_FORWARDS, "sqlite": SQLITE_FORWARDS}),
            _run({"postgresql": POSTGRESQL_BACKWARDS, "sqlite": SQLITE_BACKWARDS}),
        ),
    ]
