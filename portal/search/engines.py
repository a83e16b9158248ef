"""The two engines behind one matching rule, chosen from the database vendor.

The rule: every query word must match the document; a word with a digit in it (an ISBN, an order or
document number) may be found anywhere in the words (``"0123"`` finds ``c2026000123``); a word of
letters only is the start of a word (``"gravit"`` finds ``gravitations``). Both engines read the same
normalised text (``portal.search.text``), so they agree.

- PostgreSQL: full-text search on ``to_tsvector('simple', text)`` with prefix queries (``word:*``),
  served by a GIN index; the digit words by ``LIKE '%…%'`` served by a ``pg_trgm`` GIN index. The
  query words also go through ``unaccent`` (the extension), a second guard next to the Python rule.
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


class WordsVector(models.Func):
    """``to_tsvector('simple', text)``: the expression of the GIN index (migration 0002), word for word."""

    template = "to_tsvector('simple'::regconfig, %(expressions)s)"
    output_field = models.TextField()


class WordsQuery(models.Func):
    template = "to_tsquery('simple'::regconfig, unaccent(%(expressions)s))"
    output_field = models.TextField()


class WordsMatch(models.Func):
    template = "%(expressions)s"
    arg_joiner = " @@ "
    output_field = models.BooleanField()


def filter_words(queryset: models.QuerySet, words: list[str]) -> models.QuerySet:
    """``queryset`` (of search documents) narrowed to the documents matching every word."""
    letters, digits = _letters_and_digits(words)
    for word in digits:
        queryset = queryset.filter(text__contains=word)
    if not letters:
        return queryset
    if connection.vendor == "postgresql":
        tsquery = " & ".join(f"{w}:*" for w in letters)
        return queryset.filter(WordsMatch(WordsVector("text"), WordsQuery(models.Value(tsquery))))
    match = " ".join(f'"{w}"*' for w in letters)
    return queryset.filter(
        id__in=RawSQL("SELECT rowid FROM search_searchdocument_fts WHERE search_searchdocument_fts MATCH %s", [match])
    )
