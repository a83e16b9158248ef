"""On PostgreSQL, a trigram index on the words "My subscribers" searches (``subscribers.selectors.HAYSTACK_SQL``).
SQLite searches the same columns without an index (the embedded mode's sizes)."""

from django.db import migrations

HAYSTACK = (
    "upper(company || ' ' || last_name || ' ' || first_name || ' ' || email || ' ' || city || ' ' || department)"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS subscriber_words_trgm ON subscriptions_subscriber USING gin ({HAYSTACK} gin_trgm_ops)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS subscriber_words_trgm")


class Migration(migrations.Migration):
    dependencies = [("subscribers", "0001_initial"), ("subscriptions", "0007_subscriber_list_indexes"), ("search", "0002_search_engines")]

    operations = [migrations.RunPython(forwards, backwards)]
