"""Contacts in each state of their lifecycle."""

from __future__ import annotations

import factory
from django.utils import timezone

from contacts.models import ContactState
from tests.factories import UserFactory


class NotRegisteredContactFactory(UserFactory):
    state = ContactState.NOT_REGISTERED
    is_active = False
    link_issued_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_unusable_password()
        if create:
            obj.save(update_fields=["password"])


class InactiveContactFactory(UserFactory):
    state = ContactState.INACTIVE
    is_active = False
    link_issued_at = factory.LazyFunction(timezone.now)


class ActiveContactFactory(UserFactory):
    state = ContactState.ACTIVE
    is_active = True


class DeactivatedContactFactory(UserFactory):
    state = ContactState.DEACTIVATED
    is_active = False
