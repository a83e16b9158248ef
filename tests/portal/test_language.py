import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_pages_are_in_french_by_default(client):
    response = client.get(reverse("account_login"))
    assert '<html lang="fr">' in response.content.decode()
    assert "Connexion à votre espace client" in response.content.decode()


def test_language_switch_remembers_the_choice_in_a_cookie(client):
    response = client.post(reverse("portal:language_switch"), {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"
    page = client.get(reverse("account_login")).content.decode()
    assert '<html lang="en">' in page
    assert "Sign in to your customer space" in page


def test_language_switch_is_saved_on_the_profile_for_emails(customer_client, customer):
    customer_client.post(reverse("portal:language_switch"), {"language": "en", "next": "/"})
    customer.refresh_from_db()
    assert customer.language == "en"


@pytest.mark.parametrize("language", ["xx", "de", ""])
def test_a_language_the_portal_does_not_offer_changes_nothing(customer_client, customer, language):
    # German has Django translations of its own, but the portal offers only French and English.
    response = customer_client.post(reverse("portal:language_switch"), {"language": language, "next": "/"})
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.language == "fr"


def test_language_switch_refuses_get(client):
    assert client.get(reverse("portal:language_switch")).status_code == 405


def test_dates_and_numbers_follow_the_language():
    import datetime

    from django.utils import formats, translation

    day = datetime.date(2026, 3, 5)
    with translation.override("fr"):
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == "05/03/2026"
        assert formats.number_format(1234.5, 2, use_l10n=True, force_grouping=True) == "1\xa0234,50"
    with translation.override("en"):
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == "03/05/2026"
        assert formats.number_format(1234.5, 2, use_l10n=True, force_grouping=True) == "1,234.50"


def test_french_catalogue_is_complete():
    import polib
    from django.conf import settings

    catalogue = polib.pofile(str(settings.BASE_DIR / "locale" / "fr" / "LC_MESSAGES" / "django.po"))
    missing = [e.msgid for e in catalogue if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
    assert missing == []
