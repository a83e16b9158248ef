"""makemessages without fuzzy guesses: a new string is either translated by a person or listed as missing."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]
