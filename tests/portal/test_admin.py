import pytest
from django.urls import reverse

from contacts.models import Account, User
from tests.factories import AccountFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, staff_user):
    client.force_login(staff_user)
    return client


def test_admin_is_branded_for_the_portal(admin_client):
    page = admin_client.get(reverse("admin:index")).content.decode()
    assert "Colophon — administration de l’imprimerie" in page


def test_staff_see_accounts_and_users(admin_client):
    account = AccountFactory(name="Éditions du Phare")
    UserFactory(account=account, email="ana@phare.fr")
    assert "Éditions du Phare" in admin_client.get(reverse("admin:contacts_account_changelist")).content.decode()
    assert "ana@phare.fr" in admin_client.get(reverse("admin:contacts_user_changelist")).content.decode()


def test_staff_create_an_account_and_a_user(admin_client):
    response = admin_client.post(
        reverse("admin:contacts_account_add"),
        {
            "name": "Lycée Hugo",
            "kind": "school",
            "uai": "0750655e",
            "email": "",
            "phone": "",
            "users-TOTAL_FORMS": "0",
            "users-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    school = Account.objects.get(name="Lycée Hugo")
    assert school.uai == "0750655E"
    response = admin_client.post(
        reverse("admin:contacts_user_add"),
        {
            "email": "Jules@Hugo.fr",
            "account": school.pk,
            "first_name": "Jules",
            "last_name": "Martin",
            "language": "fr",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(email="jules@hugo.fr")
    assert user.account == school
    # A contact added by staff waits for its invitation: no password until the person chooses one.
    assert user.state == User.State.NOT_REGISTERED
    assert not user.has_usable_password()


def test_an_invalid_uai_is_refused_next_to_the_field(admin_client):
    response = admin_client.post(
        reverse("admin:contacts_account_add"),
        {"name": "Lycée X", "kind": "school", "uai": "0750655A", "users-TOTAL_FORMS": "0", "users-INITIAL_FORMS": "0"},
    )
    assert response.status_code == 200
    assert "n’est pas un code UAI valide" in response.content.decode()
    assert not Account.objects.filter(name="Lycée X").exists()


def test_a_customer_user_without_account_is_refused(admin_client):
    response = admin_client.post(
        reverse("admin:contacts_user_add"),
        {"email": "nobody@x.fr", "first_name": "", "last_name": "", "language": "fr", "usable_password": "false"},
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="nobody@x.fr").exists()


def test_customers_cannot_open_the_administration(customer_client):
    response = customer_client.get(reverse("admin:index"))
    assert response.status_code == 302
