"""My shipping addresses: the address book's search (words in any order, accents and case ignored,
a word the start of a longer one), "+" (a basket to the entry in the current draft, or a new draft),
edit and delete (a used entry is only hidden); another account's entries are never shown."""

from __future__ import annotations

import pytest
from django.urls import reverse

from orders import services
from orders.models import Address, Order, ShippingBasket
from tests.factories import OrderFactory
from tests.orders.factories import AddressFactory

pytestmark = pytest.mark.django_db

URL = reverse("portal:addresses")


def found(client, query) -> list[str]:
    return [a.company or a.last_name for a in client.get(URL, {"q": query}).context["page"].object_list]


@pytest.fixture
def book(account):
    return {
        "turet": AddressFactory(
            account=account, company="Le Turet", line1="1 rue Nationale", postcode="59000", city="Lille"
        ),
        "eleve": AddressFactory(
            account=account, company="", first_name="Zoé", last_name="Élève", postcode="75005", city="Paris"
        ),
        "roubaix": AddressFactory(account=account, company="Imprimerie du Nord", postcode="59100", city="Roubaix"),
    }


def test_search_words_in_any_order_accents_and_prefixes(customer_client, book):
    assert found(customer_client, "turet lille") == ["Le Turet"]
    assert found(customer_client, "LILLE tur") == ["Le Turet"]
    assert found(customer_client, "eleve") == ["Élève"]
    assert found(customer_client, "zoe paris") == ["Élève"]
    assert found(customer_client, "591") == ["Imprimerie du Nord"]  # a postcode's digits anywhere
    assert found(customer_client, "nationale") == ["Le Turet"]
    assert found(customer_client, "turet paris") == []  # every word must match
    assert found(customer_client, "ret") == []  # a word is the start of a word, not its middle


def test_another_accounts_entries_are_never_found_nor_listed(customer_client, book):
    AddressFactory(company="Le Turet d’en face", city="Lille", use_count=40)
    assert found(customer_client, "turet lille") == ["Le Turet"]
    response = customer_client.get(URL)
    shown = {a.pk for a in response.context["page"].object_list}
    shown |= {a.pk for a in response.context["best"]} | {a.pk for a in response.context["recent"]}
    assert shown <= {a.pk for a in book.values()}


def test_the_page_shows_last_and_best_and_the_search_as_a_fragment(customer_client, account, book):
    services.basket_save(order=OrderFactory(account=account), kind="address", fields=book["turet"].address_values())
    response = customer_client.get(URL)
    html = response.content.decode()
    assert 'id="recent-addresses-title"' in html and 'id="best-addresses-title"' in html
    assert [a.company for a in response.context["best"]] == ["Le Turet"]
    fragment = customer_client.get(URL, {"q": "roubaix"}, headers={"HX-Request": "true"})
    assert fragment.content.decode().lstrip().startswith('<section id="address-results"')
    assert "Imprimerie du Nord" in fragment.content.decode()
    empty = customer_client.get(URL, {"q": "introuvable"})
    assert list(empty.context["page"].object_list) == [] and 'class="empty-state"' in empty.content.decode()


def test_plus_adds_a_basket_to_the_current_draft(customer_client, customer, book):
    older = OrderFactory(account=customer.account, name="Ancien brouillon")
    current = OrderFactory(account=customer.account, name="Brouillon en cours")
    Order.objects.filter(pk=older.pk).update(updated_at=current.updated_at.replace(year=2020))
    response = customer_client.post(reverse("portal:address_basket", args=[book["turet"].pk]))
    basket = ShippingBasket.objects.get()
    assert basket.order == current and basket.address == book["turet"] and basket.city == "Lille"
    assert response.url == reverse("orders:line_add", args=[basket.pk])
    assert Address.objects.get(pk=book["turet"].pk).use_count == 1


def test_plus_makes_a_draft_when_there_is_none(customer_client, customer, book):
    OrderFactory(account=customer.account, status="submitted", number="C2026-000001")
    customer_client.post(reverse("portal:address_basket", args=[book["roubaix"].pk]))
    draft = Order.objects.get(status="draft")
    assert draft.account == customer.account and draft.created_by == customer
    assert draft.baskets.get().company == "Imprimerie du Nord"


def test_edit_saves_and_shows_errors_next_to_the_field(customer_client, book):
    url = reverse("portal:address_edit", args=[book["turet"].pk])
    values = {**book["turet"].address_values(), "city": "Lille-Hellemmes"}
    assert customer_client.post(url, values).status_code == 302
    assert Address.objects.get(pk=book["turet"].pk).city == "Lille-Hellemmes"
    assert found(customer_client, "hellemmes") == ["Le Turet"]
    response = customer_client.post(url, {**values, "postcode": "ABC"})
    assert response.status_code == 200 and response.context["form"].errors["postcode"]
    assert Address.objects.get(pk=book["turet"].pk).postcode == "59000"


def test_delete_an_unused_entry_and_hide_a_used_one(customer_client, account, book):
    customer_client.post(reverse("portal:address_delete", args=[book["roubaix"].pk]))
    assert not Address.objects.filter(pk=book["roubaix"].pk).exists()
    basket = services.basket_save(
        order=OrderFactory(account=account), kind="address", fields=book["turet"].address_values()
    )
    page = customer_client.get(reverse("portal:address_delete", args=[book["turet"].pk]))
    assert page.status_code == 200 and Address.objects.filter(pk=book["turet"].pk).exists()
    customer_client.post(reverse("portal:address_delete", args=[book["turet"].pk]))
    kept = Address.objects.get(pk=book["turet"].pk)
    assert kept.is_hidden and ShippingBasket.objects.get(pk=basket.pk).address == kept
    assert found(customer_client, "turet") == []
    assert customer_client.get(reverse("portal:address_edit", args=[kept.pk])).status_code == 404
    # Typed again in a basket, the entry comes back to the book (not a second copy).
    services.basket_save(order=basket.order, kind="address", fields=book["turet"].address_values())
    assert not Address.objects.get(pk=kept.pk).is_hidden and Address.objects.filter(company="Le Turet").count() == 1


def test_the_book_is_paged_by_keyset(customer_client, account):
    Address.objects.bulk_create(Address(account=account, company=f"Client {n:03}", city="Lille") for n in range(60))
    first = customer_client.get(URL).context["page"]
    second = customer_client.get(URL + first.next_url).context["page"]
    third = customer_client.get(URL + second.next_url).context["page"]
    names = [a.company for page in (first, second, third) for a in page.object_list]
    assert names == [f"Client {n:03}" for n in range(60)]
    assert not third.has_next
    back = customer_client.get(URL + second.previous_url).context["page"]
    assert [a.company for a in back.object_list] == names[:25]
