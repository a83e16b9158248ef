"""Baskets, lines, address book and "order again" through the services and the pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from orders import services
from orders.models import Address, BasketLine, Order, OrderStatus, ShippingBasket
from tests.factories import OrderFactory
from tests.library.factories import ProductFactory
from tests.orders.factories import AddressFactory, BasketFactory, BooksellerFactory, LineFactory, submittable_order

pytestmark = pytest.mark.django_db

ADDRESS = {"company": "Le Turet", "line1": "1 rue Nationale", "postcode": "59000", "city": "Lille", "country": "FR"}


@pytest.fixture
def draft(account):
    return OrderFactory(account=account)


def test_address_basket_goes_to_the_address_book_once(draft):
    services.basket_save(order=draft, kind="address", fields=ADDRESS)
    services.basket_save(order=draft, kind="address", fields=ADDRESS)
    address = Address.objects.get()
    assert address.use_count == 2 and address.last_used_at is not None
    assert draft.baskets.count() == 2
    assert list(draft.baskets.values_list("position", flat=True)) == [1, 2]


def test_basket_kinds_keep_only_their_own_fields(draft):
    bookseller = BooksellerFactory()
    basket = services.basket_save(order=draft, kind="address", fields=ADDRESS)
    basket = services.basket_save(order=draft, kind="bookseller", fields={"bookseller": bookseller}, basket=basket)
    assert (basket.kind, basket.bookseller, basket.company, basket.address) == ("bookseller", bookseller, "", None)
    basket = services.basket_save(
        order=draft, kind="pickup", fields={"pickup_name": "Camille", "phone": "0320000000"}, basket=basket
    )
    basket.refresh_from_db()
    assert (basket.kind, basket.bookseller, basket.pickup_name, basket.phone) == (
        "pickup",
        None,
        "Camille",
        "0320000000",
    )


def test_duplicate_copies_lines_and_remove_deletes_them(draft):
    line = LineFactory(basket=BasketFactory(order=draft), quantity=7)
    copy = services.basket_duplicate(basket=line.basket)
    assert copy.pk != line.basket_id and list(copy.lines.values_list("product", "quantity")) == [(line.product_id, 7)]
    services.basket_remove(basket=copy)
    assert not ShippingBasket.objects.filter(pk=copy.pk).exists()
    assert BasketLine.objects.count() == 1


def test_same_product_in_several_baskets_and_merged_within_one(draft):
    product = ProductFactory(account=draft.account)
    first, second = BasketFactory(order=draft), BasketFactory(order=draft)
    services.line_add(basket=first, product=product, quantity=3)
    services.line_add(basket=first, product=product, quantity=2)
    services.line_add(basket=second, product=product, quantity=10)
    assert first.lines.get().quantity == 5 and second.lines.get().quantity == 10


def test_refusals(draft):
    basket = BasketFactory(order=draft)
    with pytest.raises(services.OrderError):
        services.line_add(basket=basket, product=ProductFactory(), quantity=1)
    with pytest.raises(services.OrderError):
        services.line_add(basket=basket, product=ProductFactory(account=draft.account), quantity=0)
    draft.status = OrderStatus.SUBMITTED
    draft.save()
    with pytest.raises(services.OrderNotEditable):
        services.basket_save(order=draft, kind="address", fields=ADDRESS)
    with pytest.raises(services.OrderNotEditable):
        services.order_delete_draft(order=draft)


def test_order_again_copies_the_order_or_one_basket(customer):
    order = submittable_order(account=customer.account, baskets=2, lines=2, name="Printemps", status="completed")
    copy = services.order_copy(order=order, user=customer)
    assert copy.status == OrderStatus.DRAFT and copy.baskets.count() == 2
    assert BasketLine.objects.filter(basket__order=copy).count() == 4
    one = services.order_copy(order=order, user=customer, basket=order.baskets.first())
    assert one.baskets.count() == 1 and BasketLine.objects.filter(basket__order=one).count() == 2


def test_address_book_search_any_words_any_order(customer_client, customer, draft):
    AddressFactory(account=customer.account, company="Librairie du Turet", city="Lille")
    AddressFactory(account=customer.account, company="Librairie du Turet", city="Roubaix")
    AddressFactory(company="Librairie du Turet", city="Lille")  # another account
    response = customer_client.get(reverse("orders:basket_create", args=[draft.pk, "address"]), {"q": "lille turet"})
    assert [str(a) for a in response.context["found_addresses"]] == ["Librairie du Turet, 59100 Lille"]


def test_address_book_entry_prefills_the_form_without_changing_anything(customer_client, customer, draft):
    address = AddressFactory(account=customer.account, company="Kléber")
    response = customer_client.get(reverse("orders:basket_create", args=[draft.pk, "address"]), {"address": address.pk})
    assert response.context["form"].initial["company"] == "Kléber"
    assert not draft.baskets.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({**ADDRESS, "postcode": "5900"}, "postcode"),
        ({**ADDRESS, "company": ""}, "last_name"),
        ({**ADDRESS, "city": ""}, "city"),
        ({**ADDRESS, "country": "ZZ"}, "country"),
    ],
)
def test_address_form_errors_are_next_to_the_field(customer_client, draft, data, field):
    response = customer_client.post(reverse("orders:basket_create", args=[draft.pk, "address"]), data)
    assert response.status_code == 200 and field in response.context["form"].errors
    assert not draft.baskets.exists()


def test_foreign_postcode_is_not_checked_as_french(customer_client, draft):
    customer_client.post(
        reverse("orders:basket_create", args=[draft.pk, "address"]), {**ADDRESS, "country": "BE", "postcode": "1000"}
    )
    assert draft.baskets.get().postcode == "1000"


def test_pickup_and_bookseller_form_errors(customer_client, draft):
    response = customer_client.post(reverse("orders:basket_create", args=[draft.pk, "pickup"]), {"pickup_name": ""})
    assert set(response.context["form"].errors) == {"pickup_name", "phone"}
    response = customer_client.post(reverse("orders:basket_create", args=[draft.pk, "bookseller"]), {"bookseller": "x"})
    assert "bookseller" in response.context["form"].errors
    assert "Choisissez" in response.content.decode() or "valide" in response.content.decode()
    assert not draft.baskets.exists()


def test_bookseller_search_fragment_for_htmx(customer_client, draft):
    BooksellerFactory(name="Librairie Le Furet", city="Lille")
    BooksellerFactory(name="Mollat", city="Bordeaux")
    response = customer_client.get(
        reverse("orders:basket_create", args=[draft.pk, "bookseller"]), {"q": "furet"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "Le Furet" in html and "Mollat" not in html and "<html" not in html


def test_bad_input_never_500(customer_client, draft):
    assert customer_client.get(reverse("orders:basket_create", args=[draft.pk, "spaceship"])).status_code == 404
    basket = BasketFactory(order=draft)
    assert customer_client.post(reverse("orders:line_add", args=[basket.pk]), {"product": "abc"}).status_code == 404
    product = ProductFactory(account=draft.account)
    response = customer_client.post(
        reverse("orders:line_add", args=[basket.pk]), {"product": product.pk, "quantity": "-3"}, follow=True
    )
    assert response.status_code == 200 and not basket.lines.exists()
    response = customer_client.post(
        reverse("orders:name", args=[draft.pk]), {"name": "X", "wished_delivery_date": "2001-01-01"}
    )
    assert "wished_delivery_date" in response.context["form"].errors
    response = customer_client.post(
        reverse("orders:name", args=[draft.pk]), {"name": "", "wished_delivery_date": "pas une date"}
    )
    assert {"name", "wished_delivery_date"} <= set(response.context["form"].errors)


def test_delete_draft_asks_first(customer_client, draft):
    response = customer_client.get(reverse("orders:delete", args=[draft.pk]))
    assert response.status_code == 200 and Order.objects.filter(pk=draft.pk).exists()
    customer_client.post(reverse("orders:delete", args=[draft.pk]))
    assert not Order.objects.filter(pk=draft.pk).exists()


def test_all_members_of_the_account_see_and_continue_drafts(client, customer, draft):
    from tests.factories import UserFactory

    colleague = UserFactory(account=customer.account)
    client.force_login(colleague)
    assert draft in client.get(reverse("orders:new")).context["page"].object_list
    assert client.get(reverse("orders:baskets", args=[draft.pk])).status_code == 200


def test_basket_edit_duplicate_line_edit_delete_pages(customer_client, draft):
    line = LineFactory(basket=BasketFactory(order=draft))
    basket = line.basket
    assert customer_client.get(reverse("orders:basket_edit", args=[basket.pk])).status_code == 200
    assert customer_client.get(reverse("orders:basket_edit", args=[basket.pk]), {"kind": "pickup"}).status_code == 200
    assert customer_client.get(reverse("orders:basket_delete", args=[basket.pk])).status_code == 200
    customer_client.post(reverse("orders:basket_duplicate", args=[basket.pk]))
    assert draft.baskets.count() == 2
    customer_client.post(reverse("orders:line_edit", args=[line.pk]), {"quantity": 42})
    line.refresh_from_db()
    assert line.quantity == 42
    customer_client.post(reverse("orders:line_delete", args=[line.pk]))
    assert not BasketLine.objects.filter(pk=line.pk).exists()
    customer_client.post(reverse("orders:basket_delete", args=[basket.pk]))
    assert draft.baskets.count() == 1


def test_a_refused_quantity_is_shown_next_to_its_field_in_the_search_results(customer_client, draft):
    basket = BasketFactory(order=draft)
    product = ProductFactory(account=draft.account, title="Poèmes du phare")
    for n in range(12):  # the product leaves "my 10 last products": only the search results show it
        ProductFactory(account=draft.account, title=f"Autre {n}")
    url = reverse("orders:line_add", args=[basket.pk])
    assert f'action="{url}?q=phare"' in customer_client.get(url, {"q": "phare"}).content.decode()
    response = customer_client.post(f"{url}?q=phare", {"product": product.pk, "quantity": "100001"})
    html = response.content.decode()
    field_id = f"qty-found-{product.pk}"
    assert f'id="{field_id}"' in html and f'aria-describedby="{field_id}-error"' in html
    error = html.split(f'id="{field_id}-error"', 1)[1].split("</", 1)[0]
    assert "100000" in error.replace("\u202f", "").replace("\xa0", "").replace(" ", "")
    assert 'aria-invalid="true"' in html and not basket.lines.exists()
