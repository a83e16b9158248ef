"""Every model that holds an account's data is read through a scoped queryset.

A model "holds customer data" when a chain of foreign keys leads from it to ``contacts.Account``
without passing through a person (``created_by`` says who did something, not whose it is). Such a
model must offer ``objects.visible_to(scope)`` naming its account path and its area, or be listed
below with the reason it is never read by a customer.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldError

from portal.access import MEMBER_AREAS
from portal.tenancy import AccountScopedQuerySet

PROJECT_APPS = {app.split(".")[0] for app in settings.INSTALLED_APPS if not app.startswith(("django", "allauth"))}
PROJECT_APPS -= {"import_export", "template_partials", "django_countries", "storages"}

NOT_READ_BY_CUSTOMERS = {
    "contacts.User": "people are managed by staff in the administration; a customer reads only request.user",
    "submissions.SubmissionLink": "kept by staff in the administration; the public reaches one by its token only",
}


def _leads_to_account(model, depth: int = 0, seen=None) -> bool:
    seen = seen or set()
    if model._meta.label == "contacts.Account":
        return True
    if depth > 4 or model in seen:
        return False
    seen.add(model)
    for field in model._meta.get_fields():
        if not (field.is_relation and field.concrete and (field.many_to_one or field.one_to_one)):
            continue
        target = field.related_model
        if target is None or (target._meta.label == settings.AUTH_USER_MODEL and model._meta.label != "contacts.User"):
            continue
        if _leads_to_account(target, depth + 1, seen):
            return True
    return False


def customer_models():
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label in PROJECT_APPS
        and model._meta.label != "contacts.Account"
        and _leads_to_account(model)
    ]


def test_the_walk_finds_the_models_it_should():
    labels = {model._meta.label for model in customer_models()}
    assert {"orders.Order", "orders.BasketLine", "library.Product", "files.ProductFile", "quotes.Quote"} <= labels


@pytest.mark.parametrize("model", customer_models(), ids=lambda model: model._meta.label)
def test_every_customer_model_has_a_scoped_queryset(model):
    label = model._meta.label
    if label in NOT_READ_BY_CUSTOMERS:
        pytest.skip(NOT_READ_BY_CUSTOMERS[label])
    queryset = model._default_manager.get_queryset()
    assert isinstance(queryset, AccountScopedQuerySet), f"{label} has no visible_to(scope): derive its queryset"
    assert queryset.scope_area in MEMBER_AREAS, f"{label}'s queryset names no area of the account"
    try:
        str(queryset.filter(**{f"{queryset.account_path}_id": 1}).query)
    except FieldError as error:  # pragma: no cover - the message is the point
        pytest.fail(f"{label}.account_path {queryset.account_path!r} does not lead to the account: {error}")


def test_the_count_is_printed(capsys):
    models = customer_models()
    scoped = [m for m in models if m._meta.label not in NOT_READ_BY_CUSTOMERS]
    with capsys.disabled():
        staff_only = len(models) - len(scoped)
        print(f"\n[scoped models] {len(scoped)} customer models read through visible_to, {staff_only} staff-only")
    assert scoped
