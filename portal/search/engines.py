"""The two engines behind one matching rule, chosen from the database vendor.

The rule: every query word must match the document; a word with a digit in it (an ISBN, an order or
document number) may be found anywhere in the words (``"0123"`` finds ``c2026000123``); a word of
letters only is the start of a word (``"gravit"`` finds ``gravitations``). Both engines read the same
normalised text (``portal.search.text``), so they agree.

- PostgreSQL: full-text search on the stored ``words`` column (``to_tsvector('simple', text)``
  with each word keyed by its account, ``17katlas``: migration 0003) with prefix queries
  (``17katl:*``), served by a GIN index on ``words``, split thereby by account;
  the digit words by ``LIKE '%…%'`` on the stored ``digits`` column (the words holding a digit),
  served by a ``pg_trgm`` GIN index on ``(account_id, digits)``. The query words also go through
  ``unaccent`` (the extension), a second guard next to the Python rule. Which index serves a query
  is the planner's choice, from the columns' statistics: a rare word is found through a GIN index, a
  common one by reading the account's documents newest first (``searchdoc_account_recent``) until a
  page is full, each row checked against its stored vector.
- SQLite (the embedded mode): an FTS5 table kept by triggers, queried with ``"word"*`` prefixes; the
  digit words by ``LIKE`` on the account's documents.
"""

from __future__ import annotations

from django.db import connection, models
from django.db.models.expressions import RawSQL


def _letters_and_digits(words: list[str]) -> tuple[list[str], list[str]]:
    letters = [w for w in words if not any(c.isdigit() for c in w)]
    digits = [w for w in words if any(c.isdigit() for c in w)]
    return letters, digits


class StoredColumn(models.Expression):
    """A column of the table that the model does not declare (PostgreSQL's generated ``words`` and
    ``digits``, migration 0003): Django never writes them, the database keeps them. Named through
    the query's own alias of the table, so it also works inside a subquery (``pk__in``)."""

    def __init__(self, name: str, output_field):
        super().__init__(output_field=output_field)
        self.name = name

    def as_sql(self, compiler, connection):
        alias = compiler.query.get_initial_alias()
        return f"{compiler.quote_name_unless_alias(alias)}.{connection.ops.quote_name(self.name)}", []


class WordsQuery(models.Func):
    template = "to_tsquery('simple'::regconfig, unaccent(%(expressions)s))"
    output_field = models.TextField()


class WordsMatch(models.Func):
    template = "%(expressions)s"
    arg_joiner = " @@ "
    output_field = models.BooleanField()


def filter_words(queryset: models.QuerySet, words: list[str], *, account_id: int) -> models.QuerySet:
    """``queryset`` (of search documents of ``account_id``) narrowed to the documents matching every
    word. On PostgreSQL the words are looked up under ``account_id``'s keys: another account's
    documents are never among the matches, whatever ``queryset`` holds."""
    letters, digits = _letters_and_digits(words)
    postgresql = connection.vendor == "postgresql"
    for word in digits:
        if postgresql:
            queryset = queryset.alias(digit_words=StoredColumn("digits", models.TextField())).filter(
                digit_words__contains=word
            )
        else:
            queryset = queryset.filter(text__contains=word)
    if not letters:
        return queryset
    if postgresql:
        tsquery = " & ".join(f"{int(account_id)}k{w}:*" for w in letters)
        vector = StoredColumn("words", models.TextField())
        return queryset.filter(WordsMatch(vector, WordsQuery(models.Value(tsquery))))
    match = " ".join(f'"{w}"*' for w in letters)
    return queryset.filter(
        id__in=RawSQL("SELECT rowid FROM search_searchdocument_fts WHERE search_searchdocument_fts MATCH %s", [match])
    )
