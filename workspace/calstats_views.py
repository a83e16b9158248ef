"""My agenda and My statistics, and the same pages for staff in admin: thin views over
``workspace.agenda`` and ``workspace.statistics`` (which read through the orders' and quotes' selectors)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from contacts.models import Account
from figures.models import MonthFigures, ProductYearFigures
from orders import selectors
from orders.agenda import going_to, placed_orders, recipient_for
from orders.models import Order
from portal.access import customer_required
from portal.ids import parse_id

from . import agenda, statistics

#: the client view's recipient list: the last used entries of the address book, or those matching a search
AGENDA_RECIPIENTS = 30


@customer_required
def agenda_view(request: HttpRequest) -> HttpResponse:
    """ "My agenda": the account's orders by the day placed (or wished), as a year, month, week or day;
    the "client view" keeps the orders going to one address-book entry."""
    scope = request.scope
    asked = agenda.AgendaRequest.from_query(request.GET)
    orders = placed_orders(scope=scope)
    recipient = recipient_for(scope=scope, pk=parse_id(request.GET.get("client", "")))
    if recipient is not None:
        orders = going_to(orders, recipient)
    recipient_query = request.GET.get("client_q", "").strip()[:100]
    if recipient_query:
        recipients = selectors.addresses_matching(scope=scope, text=recipient_query, limit=AGENDA_RECIPIENTS)
    else:
        recipients = selectors.addresses_recent(scope=scope, limit=AGENDA_RECIPIENTS)
    if recipient is not None and recipient not in recipients:
        recipients.insert(0, recipient)
    context = agenda.agenda_context(
        orders,
        asked=asked,
        query={"client": str(recipient.pk) if recipient else ""},
        page=request.GET.get("page"),
    )
    context.update(recipient=recipient, recipients=recipients, recipient_query=recipient_query, staff=False)
    return render(request, "workspace/agenda.html", context)


@customer_required
def statistics_view(request: HttpRequest) -> HttpResponse:
    """ "My statistics": the chosen year month by month beside the year before, charts and tables."""
    year = statistics.chosen_year(request.GET.get("year"))
    context = statistics.statistics_context(
        MonthFigures.objects.visible_to(request.scope), ProductYearFigures.objects.visible_to(request.scope), year=year
    )
    context.update(
        years=range(timezone.localdate().year, statistics.FIRST_YEAR - 1, -1)[:15],
        csv_url=f"{reverse('portal:statistics_csv')}?year={year}",
        stats_query=[],
    )
    return render(request, "workspace/statistics.html", context)


@customer_required
def statistics_csv_view(request: HttpRequest) -> HttpResponse:
    year = statistics.chosen_year(request.GET.get("year"))
    context = statistics.statistics_context(
        MonthFigures.objects.visible_to(request.scope), ProductYearFigures.objects.visible_to(request.scope), year=year
    )
    return statistics.statistics_csv(context, filename=f"statistiques-{year}.csv")


# --- The same pages for staff, in admin, over every account ------------------------------------

#: accounts offered by the staff pages' account filter
STAFF_ACCOUNT_CHOICES = 20


def _staff_orders(request: HttpRequest) -> tuple[QuerySet[Order], dict]:
    """Every account's orders, or one account's (``?account=<id>``), and the filter's context."""
    if not request.user.has_perm("orders.view_order"):
        raise PermissionDenied
    account = None
    account_id = parse_id(request.GET.get("account", ""))
    if account_id is not None:
        account = Account.objects.filter(pk=account_id).first()
    account_query = request.GET.get("account_q", "").strip()[:100]
    accounts = Account.objects.order_by("name", "id")
    if account_query:
        accounts = accounts.filter(name__icontains=account_query)
    choices = list(accounts[:STAFF_ACCOUNT_CHOICES])
    if account is not None and account not in choices:
        choices.insert(0, account)
    orders = Order.objects.all() if account is None else Order.objects.filter(account=account)
    return orders, {"account": account, "accounts": choices, "account_query": account_query}


def _staff_figures(account: Account | None) -> tuple[QuerySet[MonthFigures], QuerySet[ProductYearFigures]]:
    """Every account's month figures (staff in admin), or one account's."""
    months, products = MonthFigures.objects.all(), ProductYearFigures.objects.all()
    if account is not None:
        months, products = months.filter(account=account), products.filter(account=account)
    return months, products


def staff_agenda_view(request: HttpRequest) -> HttpResponse:
    """The agenda in admin: the orders of every account, or of the account chosen."""
    orders, context = _staff_orders(request)
    account = context["account"]
    context.update(
        agenda.agenda_context(
            orders.filter(submitted_at__isnull=False),
            asked=agenda.AgendaRequest.from_query(request.GET),
            query={"account": str(account.pk) if account else ""},
            page=request.GET.get("page"),
        )
    )
    context.update(
        admin.site.each_context(request),
        staff=True,
        title=_("Agenda of the orders"),
        agenda_keep=[("view", context["asked"].view), ("date", context["asked"].date.isoformat())],
    )
    return render(request, "admin/workspace/agenda.html", context)


def staff_statistics_view(request: HttpRequest) -> HttpResponse:
    """The statistics in admin: shop-wide figures, or one account's."""
    _orders, context = _staff_orders(request)
    year = statistics.chosen_year(request.GET.get("year"))
    account = context["account"]
    query = urlencode({"year": year, **({"account": account.pk} if account else {})})
    context.update(statistics.statistics_context(*_staff_figures(account), year=year, one_account=account is not None))
    context.update(
        admin.site.each_context(request),
        staff=True,
        title=_("Statistics of the orders"),
        years=range(timezone.localdate().year, statistics.FIRST_YEAR - 1, -1)[:15],
        csv_url=f"{reverse('portal:staff_statistics_csv')}?{query}",
        stats_query=[("account", account.pk)] if account else [],
        stats_keep=[("year", year)],
    )
    return render(request, "admin/workspace/statistics.html", context)


def staff_statistics_csv_view(request: HttpRequest) -> HttpResponse:
    _orders, context = _staff_orders(request)
    year = statistics.chosen_year(request.GET.get("year"))
    account = context["account"]
    name = f"statistiques-{year}" + (f"-{account.pk}" if account else "-atelier")
    figures = statistics.statistics_context(*_staff_figures(account), year=year, one_account=account is not None)
    return statistics.statistics_csv(figures, filename=f"{name}.csv")
