"""factory_boy factories for the core models. Apps add theirs in tests/<app>/factories.py."""

from __future__ import annotations

import factory

from contacts.models import Account, User
from orders.models import Order

PASSWORD = "correct horse battery staple"


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account

    name = factory.Sequence(lambda n: f"Éditions n°{n}")
    kind = Account.Kind.COMPANY


class SchoolFactory(AccountFactory):
    kind = Account.Kind.SCHOOL
    name = factory.Sequence(lambda n: f"Lycée {n}")
    uai = factory.Sequence(lambda n: _uai(1000000 + n))


def _uai(number: int) -> str:
    from contacts.validators import UAI_CHECK_LETTERS

    digits = f"{number:07d}"
    return digits + UAI_CHECK_LETTERS[int(digits) % 23]


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.fr")
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Durand{n}")
    account = factory.SubFactory(AccountFactory)
    language = "fr"

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or PASSWORD)
        if create:
            obj.save(update_fields=["password"])


class StaffUserFactory(UserFactory):
    account = None
    is_staff = True
    is_superuser = True
    email = factory.Sequence(lambda n: f"staff{n}@atelier.example.fr")


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    account = factory.SubFactory(AccountFactory)
    name = factory.Sequence(lambda n: f"Commande {n}")
