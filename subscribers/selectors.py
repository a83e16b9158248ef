"""Reads of the subscribers' space, always through the reader's scope."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection
from django.db.models import BooleanField, Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL

from subscriptions.models import CURRENT_SUBSCRIPTION_STATUSES, Subscriber, Subscription

from .models import AddressChange, Claim, ClaimMessage, ClaimStatus, SubscriberLogin

PAGE_SIZE = 50
MAX_WORDS = 8

#: sort key → (label msgid, ordering); every ordering ends with the primary key (keyset pagination).
SORTS = {
    "name": ("last_name", "first_name", "pk"),
    "company": ("company", "last_name", "pk"),
    "town": ("city", "last_name", "pk"),
    "newest": ("-pk",),
}
FILTERS = ("active", "claims", "login")
SEARCHED = ("company", "last_name", "first_name", "email", "city", "department")
#: The searched columns as one text, the expression of the trigram index (migration subscribers 0002).
HAYSTACK_SQL = (
    "upper(company || ' ' || last_name || ' ' || first_name || ' ' || email || ' ' || city || ' ' || department)"
)


def search_words(text: str) -> list[str]:
    return [word for word in text.split() if word][:MAX_WORDS]


def filtered_subscribers(scope, *, query: str = "", filters: frozenset[str] = frozenset()) -> QuerySet[Subscriber]:
    """The reader's subscribers matching every word of ``query`` (in any order, in any searched field)
    and every filter."""
    rows = Subscriber.objects.visible_to(scope)
    for word in search_words(query):
        if connection.vendor == "postgresql":  # served by the trigram index
            like = "%" + word.upper().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            # A constant expression; the word is a parameter.
            rows = rows.filter(RawSQL(f"{HAYSTACK_SQL} LIKE %s", [like], output_field=BooleanField()))  # noqa: S611
        else:
            condition = Q()
            for name in SEARCHED:
                condition |= Q(**{f"{name}__icontains": word})
            rows = rows.filter(condition)
    if "active" in filters:
        rows = rows.filter(
            Exists(Subscription.objects.filter(subscriber=OuterRef("pk"), status__in=CURRENT_SUBSCRIPTION_STATUSES))
        )
    if "claims" in filters:
        rows = rows.filter(Exists(Claim.objects.filter(subscriber=OuterRef("pk"), status=ClaimStatus.OPEN)))
    if "login" in filters:
        rows = rows.filter(Exists(SubscriberLogin.objects.filter(subscriber=OuterRef("pk"))))
    return rows


def with_flags(subscribers: list[Subscriber]) -> list[Subscriber]:
    """Set ``has_login``, ``has_active`` and ``has_open_claim`` on a page of subscribers (three queries,
    by their ids: the cost does not grow with the account)."""
    ids = [subscriber.pk for subscriber in subscribers]
    logins = set(SubscriberLogin.objects.filter(subscriber_id__in=ids).values_list("subscriber_id", flat=True))
    active = set(
        Subscription.objects.filter(subscriber_id__in=ids, status__in=CURRENT_SUBSCRIPTION_STATUSES).values_list(
            "subscriber_id", flat=True
        )
    )
    claims = set(
        Claim.objects.filter(subscriber_id__in=ids, status=ClaimStatus.OPEN).values_list("subscriber_id", flat=True)
    )
    for subscriber in subscribers:
        subscriber.has_login = subscriber.pk in logins
        subscriber.has_active = subscriber.pk in active
        subscriber.has_open_claim = subscriber.pk in claims
    return subscribers


def _after(rows: QuerySet, ordering: tuple[str, ...], anchor: dict) -> QuerySet:
    """Rows after ``anchor`` in ``ordering`` (a lexicographic comparison, index friendly)."""
    condition = Q()
    equal = Q()
    for name in ordering:
        descending = name.startswith("-")
        column = name.lstrip("-")
        value = anchor[column]
        step = Q(**{f"{column}__{'lt' if descending else 'gt'}": value})
        condition |= equal & step
        equal &= Q(**{column: value})
    return rows.filter(condition)


@dataclass
class Page:
    rows: list[Subscriber]
    next_after: int | None
    sort: str
    filters: frozenset[str] = field(default_factory=frozenset)


def subscriber_page(
    scope, *, query: str = "", filters: frozenset[str] = frozenset(), sort: str = "name", after: int | None = None
) -> Page:
    """One page of the list, keyset-paginated: ``after`` is the last id of the previous page."""
    sort = sort if sort in SORTS else "name"
    ordering = SORTS[sort]
    rows = filtered_subscribers(scope, query=query, filters=filters).order_by(*ordering)
    if after is not None:
        columns = [name.lstrip("-") for name in ordering]
        anchor = Subscriber.objects.visible_to(scope).filter(pk=after).values(*columns).first()
        if anchor is not None:
            rows = _after(rows, ordering, anchor)
    found = list(rows[: PAGE_SIZE + 1])
    more = len(found) > PAGE_SIZE
    found = with_flags(found[:PAGE_SIZE])
    return Page(rows=found, next_after=found[-1].pk if more else None, sort=sort, filters=filters)


def subscriber_subscriptions(scope, subscriber: Subscriber) -> list[Subscription]:
    return list(
        Subscription.objects.visible_to(scope)
        .filter(subscriber=subscriber)
        .select_related("offer")
        .order_by("-created_at", "-pk")[:200]
    )


def claims_of(scope, *, subscriber: Subscriber | None = None) -> list[Claim]:
    """Open and closed claims, newest first (at most 200)."""
    rows = Claim.objects.visible_to(scope).select_related("subscriber", "subscription__offer")
    if subscriber is not None:
        rows = rows.filter(subscriber=subscriber)
    return list(rows.order_by("-opened_at", "-pk")[:200])


def claim_thread(scope, claim: Claim) -> list[ClaimMessage]:
    return list(ClaimMessage.objects.visible_to(scope).filter(claim=claim).order_by("at", "pk")[:500])


def unprocessed_changes():
    return AddressChange.objects.unprocessed()
