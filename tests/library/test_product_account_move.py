"""A product already in baskets cannot be moved to another account (the admin's account field):
the baskets of its account's orders would then list another account's product."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.utils import translation

from library.models import Product
from tests.factories import AccountFactory
from tests.quotes.factories import BasketLineFactory, ProductFactory

pytestmark = pytest.mark.django_db


def test_a_product_in_baskets_cannot_move_to_another_account():
    line = BasketLineFactory()
    product = line.product
    product.account = AccountFactory(name="Autre maison")
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        product.full_clean()
    assert list(raised.value.message_dict) == ["account"]
    with translation.override("en"):
        assert "cannot move to another account" in raised.value.message_dict["account"][0]


def test_a_product_in_no_basket_may_move_and_one_in_baskets_may_be_edited():
    loose = ProductFactory()
    loose.account = AccountFactory()
    loose.full_clean()  # nothing refers to it yet

    product = BasketLineFactory().product
    product.title = "Nouveau titre"
    product.full_clean()  # same account: the rule does not apply


def test_the_admin_form_shows_the_refusal_next_to_the_account_and_saves_nothing(rf, staff_user):
    product = BasketLineFactory().product
    original_account = product.account_id
    other = AccountFactory(name="Autre maison")
    request = rf.post("/")
    request.user = staff_user
    model_admin = admin.site._registry[Product]
    form_class = model_admin.get_form(request, product, change=True)
    data = {key: value for key, value in model_to_dict(product).items() if value is not None}
    data["account"] = other.pk
    with translation.override("en"):  # the French is in locale/fr/incoming/docs.json until merged
        form = form_class(data=data, instance=product)
        assert not form.is_valid()
        assert list(form.errors) == ["account"]
        assert "cannot move to another account" in form.errors["account"][0]
    assert Product.objects.get(pk=product.pk).account_id == original_account


def test_an_unchanged_product_read_from_the_database_is_checked_without_a_query(django_assert_num_queries):
    product = Product.objects.select_related("paper_format", "binding").get(pk=BasketLineFactory().product.pk)
    with django_assert_num_queries(0):
        product._moves_away_from_its_baskets()
    product.account = AccountFactory()
    assert product._moves_away_from_its_baskets()
