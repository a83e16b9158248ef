"""The one scoping rule every customer queryset inherits."""

import pytest
from django.contrib.auth.models import AnonymousUser

from library.models import Product
from tests.factories import AccountFactory, StaffUserFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_customer_sees_only_its_accounts_rows():
    mine, theirs = AccountFactory(), AccountFactory()
    own = Product.objects.create(account=mine, title="Mon livre")
    Product.objects.create(account=theirs, title="Leur livre")
    assert list(Product.objects.visible_to(UserFactory(account=mine))) == [own]


def test_anonymous_visitors_and_staff_without_account_see_nothing():
    Product.objects.create(account=AccountFactory(), title="Un livre")
    assert not Product.objects.visible_to(AnonymousUser()).exists()
    assert not Product.objects.visible_to(StaffUserFactory()).exists()
