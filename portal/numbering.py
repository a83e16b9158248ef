"""Document numbers: one per-year sequence per kind of document, without gap and without double.

    number = number_next(sequence="invoice")          # "F2026-000001", inside the caller's transaction

The next number is taken on the sequence's counter row (``NumberSequence``), locked with
``select_for_update`` until the caller's transaction ends: two requests never get the same number, and
a transaction that rolls back gives its number back, so the sequence stays unbroken. French law asks
exactly that of invoices and credit notes ("une séquence chronologique continue"); orders and quotes
use the same service. A number taken outside a transaction would be given back by no one, so
``number_next`` refuses to run there.

The formats of every sequence are declared here, in one table. The feature apps that keep the numbered
rows register them as the sequence's *source of truth* from their ``AppConfig.ready()``
(``register_source``): the kernel imports no feature app, and ``numbering_check()`` compares each
counter with the rows it numbered (no gap, no double, counter equal to the highest number).
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from dataclasses import dataclass, field

from django.apps import apps
from django.db import router, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import NumberSequence


class NumberingError(RuntimeError):
    """A programming error: an unknown sequence, or a number asked for outside a transaction."""


@dataclass(frozen=True)
class Sequence:
    """How one kind of document is numbered: ``<prefix><year>-<number on width digits>``."""

    name: str
    prefix: str
    label: str | Promise
    # A gap is a fault for a gapless sequence (invoices, credit notes: none may ever be deleted); for the
    # others it only tells that a numbered row was deleted (an account removed with its orders).
    gapless: bool = False
    width: int = 6

    def format(self, *, year: int, value: int) -> str:
        return f"{self.prefix}{year}-{value:0{self.width}d}"

    def parse(self, number: str) -> tuple[int, int] | None:
        """``(year, value)`` of a number in this sequence's format, or None."""
        match = re.fullmatch(rf"{re.escape(self.prefix)}(\d{{4}})-(\d{{{self.width},}})", number)
        return (int(match[1]), int(match[2])) if match else None


SEQUENCES: dict[str, Sequence] = {
    sequence.name: sequence
    for sequence in (
        Sequence("order", "C", _("order numbers")),
        Sequence("quote", "D", _("quote numbers")),
        Sequence("invoice", "F", _("invoice numbers"), gapless=True),
        Sequence("credit_note", "A", _("credit note numbers"), gapless=True),
    )
}


def sequence_get(name: str) -> Sequence:
    try:
        return SEQUENCES[name]
    except KeyError:
        raise NumberingError(f"unknown number sequence {name!r}; declared: {', '.join(SEQUENCES)}") from None


def _year_of(at: datetime.date | datetime.datetime | None) -> int:
    if isinstance(at, datetime.datetime) or at is None:
        return timezone.localdate(at).year  # the shop's calendar year (Europe/Paris), not UTC's
    return at.year


def number_next(*, sequence: str, year: int | None = None, at: datetime.date | datetime.datetime | None = None) -> str:
    """Take the next number of ``sequence`` for ``year`` (default: the year of ``at``, default now).

    Must run inside the caller's transaction (``transaction.atomic``), the one that saves the numbered
    row: the counter stays locked until it ends, and a rollback gives the number back. A document that
    must be numbered in chronological order (an invoice) takes its date after this call returns: while
    the lock is held no later number can be given, so numbers and dates go up together.
    """
    spec = sequence_get(sequence)
    using = router.db_for_write(NumberSequence)
    if not transaction.get_connection(using).in_atomic_block:
        raise NumberingError(
            f"number_next(sequence={sequence!r}) must run inside the transaction that saves the numbered row"
        )
    year = _year_of(at) if year is None else year
    counters = NumberSequence.objects.db_manager(using)
    try:
        counter = counters.select_for_update().get(name=spec.name, year=year)
    except NumberSequence.DoesNotExist:
        # First number of the year: an upsert that does nothing if a concurrent transaction created the
        # row meanwhile (PostgreSQL waits for that transaction to end first), so nothing raises here and
        # the caller's transaction stays usable.
        counters.bulk_create([NumberSequence(name=spec.name, year=year)], ignore_conflicts=True)
        counter = counters.select_for_update().get(name=spec.name, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return spec.format(year=year, value=counter.last_number)


# Sources of truth ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NumberSource:
    """A model field that holds the numbers a sequence gave (``"orders.Order"``, ``"number"``)."""

    model: str
    field: str


_sources: dict[str, list[NumberSource]] = {name: [] for name in SEQUENCES}


def register_source(*, sequence: str, model: str, field: str) -> None:
    """Declare where the numbers of ``sequence`` are kept; called from the feature app's ``ready()``."""
    source = NumberSource(model=model, field=field)
    sources = _sources[sequence_get(sequence).name]
    if source not in sources:
        sources.append(source)


def sources_for(sequence: str) -> list[NumberSource]:
    return list(_sources[sequence_get(sequence).name])


# The operator's check -------------------------------------------------------------------------------------------


def _ranges(values: list[int]) -> list[tuple[int, int]]:
    """[1, 2, 3, 7, 9, 10] -> [(1, 3), (7, 7), (9, 10)]."""
    ranges: list[tuple[int, int]] = []
    for value in values:
        if ranges and ranges[-1][1] == value - 1:
            ranges[-1] = (ranges[-1][0], value)
        else:
            ranges.append((value, value))
    return ranges


@dataclass
class YearCheck:
    """One year of one sequence: its counter against the numbers found in the rows."""

    sequence: Sequence
    year: int
    last_number: int  # the counter (0 when no number was ever taken that year)
    count: int  # numbered rows found
    highest: int  # highest number found (0 when none)
    gaps: list[tuple[int, int]]  # missing numbers, as inclusive ranges, up to the counter
    doubles: list[int]  # numbers found on more than one row

    @property
    def problems(self) -> list[str]:
        problems = []
        if self.highest > self.last_number:
            problems.append(
                _(
                    "The counter (%(counter)s) is behind the highest number given (%(highest)s): "
                    "the next number would be a double."
                )
                % {"counter": self.last_number, "highest": self.highest}
            )
        elif self.sequence.gapless and self.last_number > self.highest:
            problems.append(
                _("The counter (%(counter)s) is ahead of the highest number given (%(highest)s).")
                % {"counter": self.last_number, "highest": self.highest}
            )
        if self.doubles:
            problems.append(
                _("Numbers given twice: %(numbers)s.")
                % {"numbers": ", ".join(self.sequence.format(year=self.year, value=value) for value in self.doubles)}
            )
        if self.sequence.gapless and self.gaps:
            problems.append(_("Missing numbers: %(numbers)s.") % {"numbers": self.gaps_text})
        return problems

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def gaps_text(self) -> str:
        def number(value: int) -> str:
            return self.sequence.format(year=self.year, value=value)

        ranges = (number(start) if start == end else f"{number(start)}–{number(end)}" for start, end in self.gaps)
        return ", ".join(ranges)


@dataclass
class SequenceCheck:
    sequence: Sequence
    sources: list[NumberSource]
    years: list[YearCheck] = field(default_factory=list)
    malformed: list[str] = field(default_factory=list)  # numbers in a source that are not in the format

    @property
    def problems(self) -> list[str]:
        problems = []
        if not self.sources and self.years:
            problems.append(_("Numbers were given but no source of truth is registered for this sequence."))
        if self.malformed:
            message = _("Numbers not in the sequence’s format: %(numbers)s.")
            problems.append(message % {"numbers": ", ".join(self.malformed)})
        for year in self.years:
            problems.extend(f"{year.year}: {problem}" for problem in year.problems)
        return problems

    @property
    def ok(self) -> bool:
        return not self.problems


def numbering_check(*, sequences: list[str] | None = None) -> list[SequenceCheck]:
    """Compare every sequence's counters with the numbers its sources hold, year by year.

    For each year: no number given twice, the counter not behind the highest number (else the next one
    would be a double) and, for the gapless sequences (invoices, credit notes), no gap and the counter
    equal to the highest number. Reads every number once; meant for the operator's integrity command.
    """
    reports = []
    for name in sequences or list(SEQUENCES):
        spec = sequence_get(name)
        report = SequenceCheck(sequence=spec, sources=sources_for(name))
        found: dict[int, Counter[int]] = {}
        for source in report.sources:
            model = apps.get_model(source.model)
            numbers = (
                model._default_manager.exclude(**{f"{source.field}__isnull": True})
                .exclude(**{source.field: ""})
                .values_list(source.field, flat=True)
            )
            for number in numbers.iterator():
                parsed = spec.parse(number)
                if parsed is None:
                    report.malformed.append(number)
                else:
                    found.setdefault(parsed[0], Counter())[parsed[1]] += 1
        counters = dict(NumberSequence.objects.filter(name=spec.name).values_list("year", "last_number"))
        for year in sorted(set(counters) | set(found)):
            values = found.get(year, Counter())
            last_number = counters.get(year, 0)
            highest = max(values, default=0)
            report.years.append(
                YearCheck(
                    sequence=spec,
                    year=year,
                    last_number=last_number,
                    count=sum(values.values()),
                    highest=highest,
                    gaps=_ranges([n for n in range(1, max(last_number, highest) + 1) if n not in values]),
                    doubles=sorted(value for value, times in values.items() if times > 1),
                )
            )
        report.malformed.sort()
        reports.append(report)
    return reports
