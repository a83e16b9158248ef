"""An order's creator is a member of the order's account: the model refuses a user of another account or
a print-shop staff member (so the admin, the only form that sets the creator, shows the refusal next to
the field and saves nothing), and the admin's user search for an order offers the account's users only."""

from __future__ import annotations

import html
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from orders.models import Order
from portal.admin_autocomplete import AUTOCOMPLETE_ACCOUNT_PARAM
from tests.factories import AccountFactory, OrderFactory, StaffUserFactory, UserFactory
from tests.orders.factories import AddressFactory, BasketFactory

pytestmark = pytest.mark.django_db

REFUSAL_EN = "This user is not a member of “{account}”, the account of this order: choose one of its users."
REFUSAL_FR = (
    "Cet utilisateur n’est pas membre de « {account} », le compte de cette commande : "
    "choisissez l’un de ses utilisateurs."
)


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def north():
    return AccountFactory(name="Éditions du Nord")


@pytest.fixture
def order(north):
    return OrderFactory(account=north, created_by=UserFactory(account=north))


@pytest.fixture
def outsider():
    return UserFactory(account=AccountFactory(name="Éditions du Sud"), first_name="Paul", last_name="Sudiste")


def field_error(response, name: str) -> str:
    """The error shown next to the admin form's field `name` (the list Django ties to the input)."""
    found = re.search(rf'<ul class="errorlist" id="id_{name}_error"><li>(.*?)</li>', response.content.decode())
    assert found, f"no error next to {name}"
    return html.unescape(found.group(1))


# The model --------------------------------------------------------------------------------------------------


def test_a_creator_of_another_account_is_refused_on_the_creator_field(order, outsider):
    order.created_by = outsider

    with translation.override("en"):
        with pytest.raises(ValidationError) as refused:
            order.full_clean()

        assert list(refused.value.message_dict) == ["created_by"]
        assert refused.value.message_dict["created_by"] == [REFUSAL_EN.format(account="Éditions du Nord")]


def test_a_staff_member_is_no_member_of_a_customer_account(north):
    new = Order(account=north, name="Commande", created_by=StaffUserFactory())

    with pytest.raises(ValidationError) as refused:
        new.full_clean()

    assert list(refused.value.message_dict) == ["created_by"]


def test_an_order_moved_to_another_account_keeping_its_creator_is_refused(order):
    order = Order.objects.get(pk=order.pk)
    order.account = AccountFactory()

    with pytest.raises(ValidationError) as refused:
        order.full_clean()

    assert list(refused.value.message_dict) == ["created_by"]


def test_a_member_of_the_account_or_no_creator_is_valid(order, north):
    Order(account=north, name="Commande", created_by=UserFactory(account=north)).full_clean()
    Order(account=north, name="Commande").full_clean()
    order.full_clean()


def test_an_order_kept_as_saved_is_not_refused_for_a_creator_moved_since_to_another_account(
    order, customer_client, customer
):
    """Who created the order stays history: the creator's move does not lock the order, and the customer's
    naming form, which has no creator field, saves as before."""
    Order.objects.filter(pk=order.pk).update(account=customer.account)
    order.created_by.account = AccountFactory()
    order.created_by.save()

    Order.objects.get(pk=order.pk).full_clean()
    response = customer_client.post(reverse("orders:name", args=[order.pk]), {"name": "Recueil renommé"})

    assert response.status_code == 302
    order.refresh_from_db()
    assert order.name == "Recueil renommé"


# The admin --------------------------------------------------------------------------------------------------


def order_form_data(client, order) -> dict:
    """The order's change form as the admin renders it: its fields and its inlines' rows, unchanged."""
    response = client.get(reverse("admin:orders_order_change", args=[order.pk]))
    form = response.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data[f"{formset.prefix}-TOTAL_FORMS"] = data[f"{formset.prefix}-INITIAL_FORMS"] = len(formset.forms)
        for row in formset.forms:
            for name in row.fields:
                value = row[name].value()
                if value is not None and value is not False:
                    data[row.add_prefix(name)] = value
    return data


@pytest.mark.parametrize(("language", "refusal"), [("en", REFUSAL_EN), ("fr", REFUSAL_FR)], ids=["en", "fr"])
def test_admin_choosing_a_creator_of_another_account_shows_the_refusal_next_to_it_and_saves_nothing(
    staff_client, order, outsider, language, refusal
):
    creator = order.created_by
    url = reverse("admin:orders_order_change", args=[order.pk])
    data = {**order_form_data(staff_client, order), "created_by": outsider.pk, "name": "Renommée"}

    response = staff_client.post(url, data, HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["created_by"]
    assert field_error(response, "created_by") == refusal.format(account="Éditions du Nord")
    order.refresh_from_db()
    assert order.created_by == creator
    assert order.name != "Renommée"


def test_admin_choosing_a_staff_member_as_creator_is_refused(staff_client, staff_user, order):
    url = reverse("admin:orders_order_change", args=[order.pk])
    data = {**order_form_data(staff_client, order), "created_by": staff_user.pk}

    response = staff_client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert field_error(response, "created_by") == REFUSAL_EN.format(account="Éditions du Nord")
    order.refresh_from_db()
    assert order.created_by_id != staff_user.pk


def test_admin_adding_an_order_with_a_creator_of_another_account_is_refused(staff_client, north, outsider):
    data = {
        "account": north.pk,
        "created_by": outsider.pk,
        "name": "Nouvelle",
        "source": Order.Source.PORTAL,
        "baskets-TOTAL_FORMS": "0",
        "baskets-INITIAL_FORMS": "0",
    }

    response = staff_client.post(reverse("admin:orders_order_add"), data, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert field_error(response, "created_by") == REFUSAL_EN.format(account="Éditions du Nord")
    assert not Order.objects.filter(name="Nouvelle").exists()


def test_admin_moving_an_order_to_another_account_keeping_its_creator_is_refused(staff_client, order, north):
    south = AccountFactory(name="Éditions du Sud")
    url = reverse("admin:orders_order_change", args=[order.pk])

    response = staff_client.post(
        url, {**order_form_data(staff_client, order), "account": south.pk}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 200
    assert field_error(response, "created_by") == REFUSAL_EN.format(account="Éditions du Sud")
    order.refresh_from_db()
    assert order.account_id == north.pk


def test_admin_saves_a_creator_of_the_orders_account(staff_client, order, north):
    member = UserFactory(account=north)
    url = reverse("admin:orders_order_change", args=[order.pk])

    response = staff_client.post(url, {**order_form_data(staff_client, order), "created_by": member.pk})

    assert response.status_code == 302
    order.refresh_from_db()
    assert order.created_by == member


def test_admin_saves_an_order_whose_creator_has_since_moved_to_another_account(staff_client, order):
    order.created_by.account = AccountFactory()
    order.created_by.save()
    url = reverse("admin:orders_order_change", args=[order.pk])

    response = staff_client.post(url, {**order_form_data(staff_client, order), "name": "Renommée"})

    assert response.status_code == 302
    order.refresh_from_db()
    assert order.name == "Renommée"


def test_the_creator_search_offers_the_orders_account_users_only(staff_client, staff_user, order, outsider):
    member = UserFactory(account=order.account, first_name="Paul", last_name="Nordiste")
    page = staff_client.get(reverse("admin:orders_order_change", args=[order.pk])).content.decode()
    search_url = f"{reverse('admin:autocomplete')}?{AUTOCOMPLETE_ACCOUNT_PARAM}={order.account_id}"
    assert re.findall(r'data-ajax--url="([^"]*)"[^>]*data-field-name="created_by"', page) == [search_url]

    def search(query_string: str, term: str) -> set[str]:
        # The query string as select2 sends it: the widget's URL, then its own parameters after "&".
        params = f"app_label=orders&model_name=order&field_name=created_by&term={term}"
        response = staff_client.get(f"{query_string}{'&' if '?' in query_string else '?'}{params}")
        return {result["text"] for result in response.json()["results"]}

    assert search(search_url, "Paul") == {str(member)}
    assert search(reverse("admin:autocomplete"), "Paul") == {str(member), str(outsider)}
    assert search(search_url, staff_user.email) == set()
    assert search(reverse("admin:autocomplete"), staff_user.email) == {str(staff_user)}


@pytest.mark.parametrize(
    ("language", "message"),
    [
        (
            "en",
            "This order has shipping baskets made from its account’s address book and library: "
            "it cannot move to another account.",
        ),
        (
            "fr",
            "Cette commande a des paniers d’expédition faits du carnet d’adresses et de la bibliothèque "
            "de son compte : elle ne peut pas passer à un autre compte.",
        ),
    ],
)
def test_admin_moving_an_order_with_baskets_to_another_account_is_refused_next_to_the_account(
    staff_client, order, north, language, message
):
    """Its baskets' address-book entries and products are the old account's: the order stays with it."""
    BasketFactory(order=order, address=AddressFactory(account=north))
    south = AccountFactory(name="Éditions du Sud")
    url = reverse("admin:orders_order_change", args=[order.pk])

    response = staff_client.post(
        url,
        {**order_form_data(staff_client, order), "account": south.pk, "created_by": ""},
        HTTP_ACCEPT_LANGUAGE=language,
    )

    assert response.status_code == 200
    assert field_error(response, "account") == message
    order.refresh_from_db()
    assert order.account_id == north.pk


def test_an_order_without_baskets_can_move_to_another_account(order):
    order = Order.objects.get(pk=order.pk)
    order.account = AccountFactory()
    order.created_by = None

    order.full_clean()
