"""PostgreSQL: the words stored beside the text, and the GIN indexes led by the account.

- ``words``: ``to_tsvector('simple', text)`` as a stored generated column. The GIN index over the
  expression made PostgreSQL compute ``to_tsvector`` again for every row it checked (a bitmap's
  recheck, or the rows met in date order): at a million orders a common word cost 280 ms. Stored,
  checking a row is a lookup in its vector.
- ``digits``: only the words holding a digit (ISBNs, order and document numbers), as a stored
  generated column: the trigram index that finds "0457" inside "20260457" covers them alone, not
  every word of every document (a fifth of the size, built as much faster).
- Both GIN indexes start with ``account_id`` (``btree_gin``): a rare word of a large account is
  found among that account's documents only, never by reading the matches of every account.

On SQLite (the FTS5 table of migration 0002) this migration does nothing. Adding the columns
rewrites the table once.
"""

from django.contrib.postgres.operations import BtreeGinExtension
from django.db import migrations

#: the words of a document holding a digit: every word of letters only removed
DIGIT_WORDS = r"regexp_replace(text, '(^| )[^ 0-9]+(?= |$)', '', 'g')"

FORWARDS = [
    "DROP INDEX IF EXISTS searchdoc_words_fts",
    "DROP INDEX IF EXISTS searchdoc_words_trgm",
    "ALTER TABLE search_searchdocument"
    " ADD COLUMN words tsvector GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, text)) STORED,"
    f" ADD COLUMN digits text GENERATED ALWAYS AS ({DIGIT_WORDS}) STORED",
    "CREATE INDEX searchdoc_words_fts ON search_searchdocument USING gin (account_id, words)",
    "CREATE INDEX searchdoc_words_trgm ON search_searchdocument USING gin (account_id, digits gin_trgm_ops)",
]
BACKWARDS = [
    "DROP INDEX IF EXISTS searchdoc_words_fts",
    "DROP INDEX IF EXISTS searchdoc_words_trgm",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS words, DROP COLUMN IF EXISTS digits",
    "CREATE INDEX searchdoc_words_fts ON search_searchdocument USING gin (to_tsvector('simple'::regconfig, text))",
    "CREATE INDEX searchdoc_words_trgm ON search_searchdocument USING gin (text gin_trgm_ops)",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0002_search_engines")]

    operations = [
        BtreeGinExtension(),
        migrations.RunPython(_run(FORWARDS), _run(BACKWARDS)),
    ]
