"""Who is reading: a request (or a WebDAV call) is resolved once into a ``Scope``.

The scope says which account the reader acts for, which parts of it they may see (their *areas*)
and, for a subscriber, which subscriber they are. Every queryset of customer data derives from
``portal.tenancy.AccountScopedQuerySet`` and reads through ``visible_to(scope)``: the one place
tenancy is decided. Views, selectors, exports, search and tasks never filter by account by hand.

The kernel knows the readers it can tell from the user row alone (anonymous, staff, a member of an
account). Feature apps that add a kind of reader (a subscriber with a login of their own, a WebDAV
app password) register a resolver with ``register_reader`` in their ``AppConfig.ready()``: the
kernel imports no feature app.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.utils.functional import SimpleLazyObject


class Reader:
    """The kinds of reader a scope can belong to."""

    ANONYMOUS = "anonymous"
    MEMBER = "member"  # a customer user of an account (a company, a school, a subscription client)
    SUBSCRIBER = "subscriber"  # a subscriber's own login: its subscriptions and claims only
    WEBDAV = "webdav"  # a desktop or mobile client signed in with an app password: the drive only
    STAFF = "staff"  # print-shop staff: the administration, no customer space of their own


class Area:
    """The parts of an account's data a reader may see; each scoped queryset names its area."""

    ORDERS = "orders"
    ADDRESSES = "addresses"
    LIBRARY = "library"
    FILES = "files"
    QUOTES = "quotes"
    DRIVE = "drive"
    SUBSCRIPTIONS = "subscriptions"
    SUBSCRIBERS = "subscribers"
    CLAIMS = "claims"
    INVOICES = "invoices"


#: Everything of its account a member sees.
MEMBER_AREAS = frozenset(
    {
        Area.ORDERS,
        Area.ADDRESSES,
        Area.LIBRARY,
        Area.FILES,
        Area.QUOTES,
        Area.DRIVE,
        Area.SUBSCRIPTIONS,
        Area.SUBSCRIBERS,
        Area.CLAIMS,
        Area.INVOICES,
    }
)
#: A subscriber sees its own subscriptions and claims, nothing else of the account.
SUBSCRIBER_AREAS = frozenset({Area.SUBSCRIPTIONS, Area.CLAIMS})
#: An app password opens the drive and nothing else.
WEBDAV_AREAS = frozenset({Area.DRIVE})


@dataclass(frozen=True)
class Scope:
    reader: str
    user_id: int | None = None
    account_id: int | None = None
    subscriber_id: int | None = None
    areas: frozenset[str] = field(default_factory=frozenset)

    def sees(self, area: str) -> bool:
        return self.account_id is not None and area in self.areas

    @property
    def is_member(self) -> bool:
        return self.reader == Reader.MEMBER

    @property
    def is_staff(self) -> bool:
        return self.reader == Reader.STAFF

    @property
    def is_anonymous(self) -> bool:
        return self.reader == Reader.ANONYMOUS


ANONYMOUS = Scope(reader=Reader.ANONYMOUS)

#: Resolvers feature apps add: ``resolver(user) -> Scope | None``, asked in order before the kernel's.
_resolvers: list[Callable[[object], Scope | None]] = []


def register_reader(resolver: Callable[[object], Scope | None]) -> None:
    if resolver not in _resolvers:
        _resolvers.append(resolver)


def member_scope(user) -> Scope:
    return Scope(reader=Reader.MEMBER, user_id=user.pk, account_id=user.account_id, areas=MEMBER_AREAS)


def webdav_scope(user) -> Scope:
    """The scope of a WebDAV call signed in with one of ``user``'s app passwords."""
    return Scope(reader=Reader.WEBDAV, user_id=user.pk, account_id=user.account_id, areas=WEBDAV_AREAS)


def _resolve(user) -> Scope:
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return ANONYMOUS
    for resolver in _resolvers:
        scope = resolver(user)
        if scope is not None:
            return scope
    if getattr(user, "account_id", None):
        return member_scope(user)
    if getattr(user, "is_staff", False):
        return Scope(reader=Reader.STAFF, user_id=user.pk)
    return Scope(reader=Reader.ANONYMOUS, user_id=user.pk)


_CACHE_ATTRIBUTE = "_portal_scope"


def scope_for_user(user) -> Scope:
    """The scope of a signed-in user (resolved once and kept on the user object)."""
    cached = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is not None and cached.user_id == getattr(user, "pk", None):
        return cached
    scope = _resolve(user)
    with contextlib.suppress(AttributeError):  # objects that refuse attributes are resolved each time
        setattr(user, _CACHE_ATTRIBUTE, scope)
    return scope


def as_scope(reader) -> Scope:
    """A scope, given a scope or a user (tasks and services that receive a user id)."""
    if isinstance(reader, Scope):  # also true of request.scope, a lazy object standing for one
        return reader
    return scope_for_user(reader)


def forget_scope(user) -> None:
    """After a change of account or state in the same request (tests, admin actions)."""
    if hasattr(user, _CACHE_ATTRIBUTE):
        delattr(user, _CACHE_ATTRIBUTE)


class ScopeMiddleware:
    """Sets ``request.scope`` once per request, after authentication."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.scope = SimpleLazyObject(lambda: scope_for_user(request.user))
        return self.get_response(request)


def customer_required(view):
    """A member of a customer account. Other readers signed in never reach an account's page:
    staff go to the administration, and any reader asking for an object (the view takes an id or
    a token) that its scope does not open gets the 404 another account's object gets."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        scope = request.scope
        if not scope.is_member:
            if kwargs:
                raise Http404
            if scope.is_staff:
                return redirect("admin:index")
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped
