"""Month-by-month figures of each account's orders, kept current in the database, so that the
statistics page reads a few dozen rows instead of aggregating 100,000 orders on each request.

One ``MonthFigures`` row per account and month (the month of the shop's time zone in which the orders
were placed, its first day), one ``ProductYearFigures`` row per account, product and year. They are
derived data: ``services.figures_refresh`` rebuilds the rows of an account's month from the orders
(and its products' rows of that year) with grouped queries, after every change of an order, basket,
line or quote of that month
(``signals``), and ``manage.py figures_refresh`` rebuilds everything (after a bulk load).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.access import Area
from portal.tenancy import AccountScopedQuerySet


class FiguresQuerySet(AccountScopedQuerySet):
    account_path = "account"
    scope_area = Area.ORDERS


class MonthFigures(models.Model):
    account = models.ForeignKey("contacts.Account", related_name="+", on_delete=models.CASCADE)
    month = models.DateField(_("month"), help_text=_("Its first day, in the shop's time zone."))
    orders = models.PositiveIntegerField(_("orders placed"), default=0)
    copies = models.PositiveBigIntegerField(_("copies"), default=0)
    baskets_address = models.PositiveIntegerField(_("baskets to an address"), default=0)
    baskets_bookseller = models.PositiveIntegerField(_("baskets to a bookseller"), default=0)
    baskets_pickup = models.PositiveIntegerField(_("baskets picked up"), default=0)
    amount = models.DecimalField(_("amount (excl. VAT)"), max_digits=14, decimal_places=2, default=Decimal("0"))
    priced = models.PositiveIntegerField(_("orders with a quote"), default=0)
    refreshed_at = models.DateTimeField(_("refreshed"), default=timezone.now)

    objects = FiguresQuerySet.as_manager()

    class Meta:
        verbose_name = _("month figures")
        verbose_name_plural = _("month figures")
        constraints = [models.UniqueConstraint(fields=["account", "month"], name="monthfigures_once_per_month")]

    def __str__(self) -> str:
        return f"{self.account_id} {self.month:%Y-%m}"


class ProductYearFigures(models.Model):
    """Copies of one product ordered by an account in one year (the shop's calendar): the top products
    of a year are the first rows of an index, whatever the size of the library."""

    account = models.ForeignKey("contacts.Account", related_name="+", on_delete=models.CASCADE)
    product = models.ForeignKey("library.Product", related_name="+", on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField(_("year"))
    copies = models.PositiveBigIntegerField(_("copies"), default=0)

    objects = FiguresQuerySet.as_manager()

    class Meta:
        verbose_name = _("product year figures")
        verbose_name_plural = _("product year figures")
        constraints = [
            models.UniqueConstraint(fields=["account", "year", "product"], name="productyearfigures_once"),
        ]
        indexes = [models.Index(fields=["account", "year", "-copies"], name="productyearfigures_top_idx")]

    def __str__(self) -> str:
        return f"{self.account_id} {self.product_id} {self.year}"
