import pytest
from django.urls import reverse

from orders.models import Order
from tests.factories import AccountFactory, OrderFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_dashboard_requires_sign_in(client):
    response = client.get(reverse("portal:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_dashboard_welcomes_by_account_name_and_offers_the_two_entry_points(customer_client, account):
    page = customer_client.get(reverse("portal:dashboard")).content.decode()
    assert f"Bienvenue, {account.name}" in page
    assert reverse("orders:new") in page
    assert reverse("quotes:request") in page
    assert "Vous avez une commande en cours" not in page


def test_dashboard_shows_a_banner_when_a_draft_of_the_account_waits(customer_client, account):
    OrderFactory(account=account, name="Catalogue d’automne", status=Order.Status.DRAFT)
    page = customer_client.get(reverse("portal:dashboard")).content.decode()
    assert "Vous avez une commande en cours" in page
    assert "Catalogue d’automne" in page


def test_dashboard_ignores_other_accounts_drafts_and_submitted_orders(customer_client, account):
    OrderFactory(account=AccountFactory(), status=Order.Status.DRAFT)
    OrderFactory(account=account, status=Order.Status.SUBMITTED)
    page = customer_client.get(reverse("portal:dashboard")).content.decode()
    assert "Vous avez une commande en cours" not in page


def test_dashboard_query_count_does_not_grow_with_orders(client, account, django_assert_max_num_queries):
    user = UserFactory(account=account)
    client.force_login(user)
    OrderFactory.create_batch(3, account=account)
    with django_assert_max_num_queries(8) as few:
        client.get(reverse("portal:dashboard"))
    OrderFactory.create_batch(60, account=account)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("portal:dashboard"))


def test_staff_without_account_is_sent_to_the_administration(client, staff_user):
    client.force_login(staff_user)
    assert client.get(reverse("portal:dashboard"))["Location"] == reverse("admin:index")


def test_layout_has_the_main_navigation(customer_client):
    page = customer_client.get(reverse("portal:dashboard")).content.decode()
    for label in ("Nouvelle commande", "Mon entrepôt numérique", "Recherche", "Langue", "Se déconnecter"):
        assert label in page
