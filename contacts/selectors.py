"""Reads about contacts: links, the deletion plan, the current terms."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from . import deletion
from .models import LINK_STATES, TermsOfService, User
from .tokens import activation_token, invitation_token, link_lifetime, uid_for

TERMS_PUBLISHED_CACHE_KEY = "contacts:terms-published"

__all__ = ["link_lifetime"]


def portal_url(name: str, *args) -> str:
    """An absolute address on the customer-facing portal (for e-mails and the integration link)."""
    return f"{settings.PORTAL_BASE_URL}{reverse(name, args=args)}"


def integration_link() -> str:
    return f"{settings.PORTAL_BASE_URL}/"


def contact_invitation_url(*, contact: User) -> str:
    return portal_url("contacts:invitation", uid_for(contact), invitation_token.make_token(contact))


def contact_activation_url(*, contact: User) -> str:
    return portal_url("contacts:activation", uid_for(contact), activation_token.make_token(contact))


def contact_link_is_fresh(*, contact: User) -> bool:
    """The contact's current link exists and has not expired yet."""
    return contact.link_issued_at is not None and timezone.now() - contact.link_issued_at < link_lifetime()


def contact_link_expires_at(*, contact: User):
    return contact.link_issued_at + link_lifetime() if contact.link_issued_at else None


def contact_waiting_for_link(*, email: str) -> User | None:
    """The customer contact with this address that still needs a link (not registered or inactive)."""
    return (
        User.objects.filter(
            email__iexact=User.objects.normalize_email(email), state__in=LINK_STATES, account__isnull=False
        )
        .only("id", "email", "state", "language", "password", "link_issued_at", "first_name", "last_name")
        .first()
    )


def contacts_for_admin() -> QuerySet[User]:
    return User.objects.select_related("account")


# --- Deletion plan --------------------------------------------------------------------------


@dataclass
class DeletionPlan:
    contacts: list[User]
    #: the rows that go with each contact and those that block the deletion, from the cascades
    #: registered in ``contacts.deletion`` (today: the contact's orders)
    orders_to_delete: dict[int, list] = field(default_factory=dict)
    blocking_orders: list = field(default_factory=list)

    @property
    def order_count(self) -> int:
        return sum(len(orders) for orders in self.orders_to_delete.values())

    @property
    def rows(self) -> list[tuple[User, list]]:
        return [(contact, self.orders_to_delete.get(contact.pk, [])) for contact in self.contacts]


def contact_deletion_plan(*, contacts: Iterable[User]) -> DeletionPlan:
    """What deleting these contacts would take with it, in one query per cascade whatever their number."""
    contacts = list(contacts)
    plan = DeletionPlan(contacts=contacts)
    grouped: dict[int, list] = defaultdict(list)
    for cascade in deletion.deletion_cascades():
        for row in cascade.rows(contact_ids=[contact.pk for contact in contacts]):
            if cascade.blocks(row):
                plan.blocking_orders.append(row)
            else:
                grouped[row.created_by_id].append(row)
    plan.orders_to_delete = dict(grouped)
    return plan


# --- Terms of service -----------------------------------------------------------------------


def terms_current() -> TermsOfService | None:
    return TermsOfService.objects.order_by("-published_at", "-id").first()


def terms_published() -> bool:
    """Were terms ever published? Cached: the middleware asks on every request of a customer."""
    published = cache.get(TERMS_PUBLISHED_CACHE_KEY)
    if published is None:
        published = TermsOfService.objects.exists()
        # "Published" never goes back; "not yet" is re-checked every minute (other processes).
        cache.set(TERMS_PUBLISHED_CACHE_KEY, published, None if published else 60)
    return published


def contact_must_accept_terms(*, user) -> bool:
    return bool(
        user.is_authenticated
        and getattr(user, "account_id", None)
        and user.terms_accepted_at is None
        and terms_published()
    )


def establishment_login(uai: str) -> User | None:
    """The sign-in of a school known by its UAI code: the account's user whose e-mail is the account's
    own e-mail address (the establishment's address, e.g. ce.0750655E@ac-paris.fr). Named users of the
    school sign in with their own e-mail."""
    from django.db.models import F
    from django.db.models.functions import Lower

    return (
        User.objects.annotate(login_email=Lower("email"), account_email=Lower("account__email"))
        .filter(account__uai=uai, account__kind="school", login_email=F("account_email"))
        .exclude(account__email="")
        .first()
    )
