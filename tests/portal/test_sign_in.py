import pytest
from django.urls import reverse

from tests.factories import PASSWORD, StaffUserFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_customer_signs_in_with_email_and_lands_on_the_dashboard(client):
    user = UserFactory(email="ana@editions.fr")
    response = client.post(reverse("account_login"), {"login": "Ana@Editions.fr", "password": PASSWORD}, follow=True)
    assert response.wsgi_request.user == user
    assert response.redirect_chain[-1][0] == reverse("portal:dashboard")


def test_wrong_password_is_refused_with_a_message_and_no_session(client):
    UserFactory(email="ana@editions.fr")
    response = client.post(reverse("account_login"), {"login": "ana@editions.fr", "password": "wrong-password"})
    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated
    assert "incorrect" in response.content.decode().lower()


def test_unknown_and_known_emails_get_the_same_answer(client):
    UserFactory(email="ana@editions.fr")
    known = client.post(reverse("account_login"), {"login": "ana@editions.fr", "password": "nope-nope-nope"})
    unknown = client.post(reverse("account_login"), {"login": "nobody@editions.fr", "password": "nope-nope-nope"})
    errors = [str(e) for e in known.context["form"].non_field_errors()]
    assert errors == [str(e) for e in unknown.context["form"].non_field_errors()]


def test_inactive_user_cannot_sign_in(client):
    UserFactory(email="ana@editions.fr", is_active=False)
    response = client.post(reverse("account_login"), {"login": "ana@editions.fr", "password": PASSWORD}, follow=True)
    assert not response.wsgi_request.user.is_authenticated


def test_sign_in_is_rate_limited_after_repeated_failures(client):
    UserFactory(email="ana@editions.fr")
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "ana@editions.fr", "password": "wrong-password"})
    # Even the right password is refused while the limit holds.
    response = client.post(reverse("account_login"), {"login": "ana@editions.fr", "password": PASSWORD})
    assert not response.wsgi_request.user.is_authenticated
    assert response.status_code in (200, 429)


def test_staff_sign_in_to_admin_goes_through_the_rate_limited_login(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_staff_without_account_lands_in_the_administration(client):
    StaffUserFactory(email="atelier@colophon.fr")
    response = client.post(reverse("account_login"), {"login": "atelier@colophon.fr", "password": PASSWORD})
    assert response["Location"] == reverse("admin:index")


def test_sign_out_ends_the_session(customer_client):
    response = customer_client.post(reverse("account_logout"), follow=True)
    assert not response.wsgi_request.user.is_authenticated
    assert customer_client.get(reverse("portal:dashboard"))["Location"].startswith(reverse("account_login"))


def test_self_sign_up_is_closed(client):
    response = client.post(
        reverse("account_signup"), {"email": "new@x.fr", "password1": "a-Long-pass-123", "password2": "a-Long-pass-123"}
    )
    from contacts.models import User

    assert not User.objects.filter(email="new@x.fr").exists()
    assert response.status_code == 200
