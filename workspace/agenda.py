"""The agenda's pages: the customer's "My agenda" and the same calendar for staff in admin.

Both build one context from a queryset of orders (the reader's, or the whole shop's) with
``agenda_context``; the grid is Python's ``calendar``, rendered on the server, so the page works
without JavaScript. ``static/js/agenda.js`` only turns the order lines into dialogs.
"""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.dates import MONTHS, WEEKDAYS
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from orders import agenda
from orders.models import Order, ShippingBasket

VIEWS = {
    "year": gettext_lazy("Year"),
    "month": gettext_lazy("Month"),
    "week": gettext_lazy("Week"),
    "day": gettext_lazy("Day"),
}
DAY_PAGE_SIZE = 25


@dataclass
class Day:
    date: datetime.date
    count: int
    in_period: bool
    is_today: bool
    is_selected: bool
    url: str = ""  # this day in the current view (the month view lists its orders)
    day_url: str = ""  # the day view of this day
    label: str = ""  # "lundi 9 mars"
    count_label: str = ""  # "3 commandes"
    orders: list[Order] | None = None  # the week view's first orders of the day

    @property
    def more(self) -> int:
        return self.count - len(self.orders or [])


@dataclass(frozen=True)
class AgendaRequest:
    view: str
    date: datetime.date
    layer: str
    today: datetime.date

    @classmethod
    def from_query(cls, query) -> AgendaRequest:
        today = timezone.localdate()
        view = query.get("view", "month")
        if view not in VIEWS:
            view = "month"
        layer = query.get("layer", agenda.LAYER_PLACED)
        if layer not in agenda.LAYERS:
            layer = agenda.LAYER_PLACED
        try:
            date = datetime.date.fromisoformat(query.get("date", "")[:10])
        except ValueError:
            date = today
        if not 1900 <= date.year <= 9998:
            date = today
        return cls(view=view, date=date, layer=layer, today=today)

    def period(self) -> tuple[datetime.date, datetime.date]:
        """The first and last day the view shows."""
        if self.view == "year":
            return datetime.date(self.date.year, 1, 1), datetime.date(self.date.year, 12, 31)
        if self.view == "month":
            weeks = calendar.Calendar().monthdatescalendar(self.date.year, self.date.month)
            return weeks[0][0], weeks[-1][-1]
        if self.view == "week":
            monday = self.date - datetime.timedelta(days=self.date.weekday())
            return monday, monday + datetime.timedelta(days=6)
        return self.date, self.date

    def shifted(self, step: int) -> datetime.date:
        """The date the previous (-1) or next (+1) button shows."""
        if self.view == "year":
            return _safe_replace(self.date, year=self.date.year + step)
        if self.view == "month":
            month = self.date.month - 1 + step
            return _safe_replace(self.date, year=self.date.year + month // 12, month=month % 12 + 1)
        return self.date + datetime.timedelta(days=7 * step if self.view == "week" else step)

    def title(self) -> str:
        if self.view == "year":
            return str(self.date.year)
        if self.view == "month":
            return f"{MONTHS[self.date.month]} {self.date.year}".capitalize()
        if self.view == "week":
            first, last = self.period()
            return _("Week of %(first)s to %(last)s") % {
                "first": date_format(first, "j F"),
                "last": date_format(last, "j F Y"),
            }
        return date_format(self.date, "l j F Y").capitalize()


def _safe_replace(date: datetime.date, **parts) -> datetime.date:
    year = parts.get("year", date.year)
    month = parts.get("month", date.month)
    day = min(date.day, calendar.monthrange(year, month)[1])
    return datetime.date(year, month, day)


def _with_details(orders: QuerySet[Order]) -> QuerySet[Order]:
    """What the order dialog shows: its destinations (one more query for a whole page)."""
    return orders.select_related("account").prefetch_related(
        Prefetch("baskets", queryset=ShippingBasket.objects.select_related("bookseller").order_by("position", "id"))
    )


def agenda_context(orders: QuerySet[Order], *, asked: AgendaRequest, query: dict[str, str], page: str | None) -> dict:
    """Everything the agenda template shows, in a fixed number of queries.

    ``query``: the other parameters each link keeps (client view, account filter).
    """

    def link(**changes) -> str:
        params = {"view": asked.view, "date": asked.date.isoformat(), "layer": asked.layer, **query, **changes}
        return "?" + urlencode({key: value for key, value in params.items() if value})

    first, last = asked.period()
    counts = agenda.day_counts(orders, first=first, last=last, layer=asked.layer)

    # Labels and links made once here: a year is 365 cells, and template filters cost per cell.
    weekday_names = [str(name) for name in WEEKDAYS.values()]
    month_names = [""] + [str(MONTHS[number]) for number in range(1, 13)]
    count_labels: dict[int, str] = {}

    def count_label(count: int) -> str:
        if count not in count_labels:
            count_labels[count] = ngettext("%(counter)s order", "%(counter)s orders", count) % {"counter": count}
        return count_labels[count]

    def day(date: datetime.date, *, in_period: bool = True) -> Day:
        count = counts.get(date, 0)
        iso = date.isoformat()
        return Day(
            date=date,
            count=count,
            in_period=in_period,
            is_today=date == asked.today,
            is_selected=date == asked.date,
            url=link(date=iso) + ("#agenda-day" if asked.view == "month" else ""),
            day_url=link(view="day", date=iso),
            label=f"{weekday_names[date.weekday()]} {date.day} {month_names[date.month]}",
            count_label=count_label(count) if count else "",
        )

    context: dict = {
        "asked": asked,
        "views": [(key, label, link(view=key)) for key, label in VIEWS.items()],
        "layers": [
            (agenda.LAYER_PLACED, _("Date placed"), link(layer=agenda.LAYER_PLACED)),
            (agenda.LAYER_WISHED, _("Wished delivery date"), link(layer=agenda.LAYER_WISHED)),
        ],
        "previous_url": link(date=asked.shifted(-1).isoformat()),
        "next_url": link(date=asked.shifted(1).isoformat()),
        "today_url": link(date=asked.today.isoformat()),
        "title": asked.title(),
        "total": sum(counts.values()),
        "weekdays": [date_format(datetime.date(2024, 1, 1 + index), "l") for index in range(7)],
        "query_items": [(key, value) for key, value in query.items() if value],
        "today_word": _("today"),
        "no_order_word": _("no order"),
    }
    if asked.view == "year":
        months = []
        for month in range(1, 13):
            weeks = calendar.Calendar().monthdatescalendar(asked.date.year, month)
            grid = [[day(date, in_period=date.month == month) for date in week] for week in weeks]
            total = sum(d.count for week in grid for d in week if d.in_period)
            months.append(
                {
                    "name": month_names[month],
                    "weeks": grid,
                    "count_label": count_label(total),
                    "url": link(view="month", date=datetime.date(asked.date.year, month, 1).isoformat()),
                }
            )
        context["months"] = months
    elif asked.view == "month":
        context["weeks"] = [
            [day(date, in_period=date.month == asked.date.month) for date in week]
            for week in calendar.Calendar().monthdatescalendar(asked.date.year, asked.date.month)
        ]
        context["month_days"] = [d for week in context["weeks"] for d in week if d.in_period and d.count]
    elif asked.view == "week":
        days = [day(first + datetime.timedelta(days=offset)) for offset in range(7)]
        by_day = defaultdict(list)
        shown = agenda.first_orders_per_day(
            orders, first=first, last=last, layer=asked.layer, limit=agenda.DAY_PREVIEW_LIMIT
        )
        for order in _with_details(shown):
            by_day[order.agenda_day].append(order)
        for entry in days:
            entry.orders = by_day[entry.date]
        context["week_days"] = days
    if asked.view in ("month", "day") and counts.get(asked.date):
        day_orders = _with_details(agenda.orders_of_day(orders, day=asked.date, layer=asked.layer))
        paginator = Paginator(day_orders, DAY_PAGE_SIZE)
        paginator.count = counts[asked.date]  # counted above, with the month
        context["day_page"] = paginator.get_page(page)
    context["selected_day_label"] = date_format(asked.date, "l j F Y").capitalize()
    return context
