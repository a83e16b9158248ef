"""The kernel's postal address: the French postcode and CEDEX rules, the country list in both languages,
the label lines in the French order, and errors next to their fields (model, model form)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from orders.admin import AddressAdminForm
from orders.models import Address, Bookseller, ShippingBasket
from portal.address import (
    PostalAddress,
    RecipientAddress,
    normalize_address,
    normalize_cedex,
    postal_address_errors,
)

POSTCODE_MESSAGE = "A French postcode has 5 digits, e.g. 59100."
COMPLETE = {"line1": "1 rue Nationale", "postcode": "59000", "city": "Lille", "country": "FR"}


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


# The postcode rule ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("postcode", ["59000", "59 100", "20090", "01000", "97411", "98714"])
def test_french_postcodes_of_a_department_pass(postcode):
    assert postal_address_errors({**COMPLETE, "postcode": postcode}) == {}


@pytest.mark.parametrize("postcode", ["5900", "590000", "00100", "96000", "97700", "98900", "ABCDE"])
def test_a_postcode_outside_the_french_departments_is_refused_in_france(postcode):
    assert postal_address_errors({**COMPLETE, "postcode": postcode}) == {"postcode": [POSTCODE_MESSAGE]}


def test_no_country_is_read_as_france_and_a_foreign_postcode_is_not_checked():
    no_country = {"postcode": "1000", "country": ""}
    assert postal_address_errors(no_country, required=False) == {"postcode": [POSTCODE_MESSAGE]}
    assert postal_address_errors({**COMPLETE, "country": "BE", "postcode": "1000"}) == {}


def test_values_are_kept_trimmed_with_a_french_postcode_without_spaces():
    kept = normalize_address(
        {"line1": " 1 rue Nationale ", "postcode": " 59 100 ", "city": "Roubaix", "cedex": "cedex"}
    )
    assert kept == {
        "line1": "1 rue Nationale",
        "postcode": "59100",
        "city": "Roubaix",
        "cedex": "CEDEX",
        "country": "FR",
    }
    assert normalize_address({"postcode": "1000 ", "country": "be"}) == {"postcode": "1000", "country": "BE"}


def test_the_rule_speaks_the_readers_language():
    with translation.override("fr"):
        errors = postal_address_errors({**COMPLETE, "postcode": "5900", "city": ""})
    assert errors == {
        "city": ["Ce champ est obligatoire."],
        "postcode": ["Un code postal français compte 5 chiffres, par exemple 59100."],
    }


# CEDEX ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "kept"), [("", ""), ("cedex", "CEDEX"), (" Cedex  07 ", "CEDEX 07"), ("7", "CEDEX 7"), ("x", None)]
)
def test_cedex_is_written_in_capitals_with_its_number(typed, kept):
    assert normalize_cedex(typed) == kept


def test_cedex_is_for_french_addresses_only_and_must_be_one():
    assert postal_address_errors({**COMPLETE, "cedex": "CEDEX 07"}) == {}
    assert set(postal_address_errors({**COMPLETE, "country": "BE", "postcode": "1000", "cedex": "CEDEX"})) == {"cedex"}
    assert set(postal_address_errors({**COMPLETE, "cedex": "bureau 4"})) == {"cedex"}


# The country list -------------------------------------------------------------------------------------------


def _country_choices(language: str) -> list[tuple[str, str]]:
    with translation.override(language):
        return [(code, str(name)) for code, name in AddressAdminForm().fields["country"].choices]


def test_the_country_list_is_in_french_with_france_and_its_neighbours_first():
    choices = _country_choices("fr")
    assert choices[:5] == [
        ("FR", "France"),
        ("BE", "Belgique"),
        ("CH", "Suisse"),
        ("LU", "Luxembourg"),
        ("MC", "Monaco"),
    ]
    names = dict(choices)
    assert (names["DE"], names["GB"], names["ES"]) == ("Allemagne", "Royaume-Uni", "Espagne")
    assert len(choices) > 240  # every ISO 3166 country, not a hand-picked dozen
    assert "" not in names  # a complete address has a country: no empty choice
    assert "BE" not in dict(choices[5:])  # the first ones are not repeated


def test_the_country_list_is_in_english_for_an_english_reader():
    choices = _country_choices("en")
    assert [code for code, _name in choices[:5]] == ["FR", "BE", "CH", "LU", "MC"]
    names = dict(choices)
    assert (names["CH"], names["DE"], names["GB"]) == ("Switzerland", "Germany", "United Kingdom")
    rest = [name for _code, name in choices[5:]]
    assert rest[0] == "Afghanistan" and rest.index("Germany") < rest.index("Spain") < rest.index("Zimbabwe")


def test_the_rest_of_the_list_is_in_the_alphabetical_order_of_the_readers_language():
    rest = [name for _code, name in _country_choices("fr")[5:]]
    assert rest[0] == "Afghanistan"
    assert rest.index("Danemark") < rest.index("Égypte") < rest.index("Espagne")  # É among the E


def test_the_new_form_chooses_france():
    assert AddressAdminForm()["country"].value() == "FR"


# postal_lines() ---------------------------------------------------------------------------------------------


def test_a_french_address_is_printed_in_the_french_order():
    address = Address(
        company="Éditions du Beffroi",
        first_name="Jeanne",
        last_name="Martin",
        building="Résidence Les Tilleuls, bâtiment B",
        line1="12 rue des Lilas",
        line2="",
        locality="Lieu-dit Le Moulin",
        postcode="59046",
        city="Lille",
        cedex="CEDEX 07",
        country="FR",
    )
    assert address.postal_lines() == [
        "Éditions du Beffroi",
        "Jeanne Martin",
        "Résidence Les Tilleuls, bâtiment B",
        "12 rue des Lilas",
        "Lieu-dit Le Moulin",
        "59046 Lille CEDEX 07",
    ]
    assert address.location_lines() == address.postal_lines()[2:]


def test_a_foreign_address_ends_with_its_country_in_the_readers_language():
    bookseller = Bookseller(
        name="Librairie Tropismes", line1="Galerie des Princes 11", postcode="1000", city="Bruxelles"
    )
    bookseller.country = "BE"
    with translation.override("fr"):
        assert bookseller.postal_lines() == [
            "Librairie Tropismes",
            "Galerie des Princes 11",
            "1000 Bruxelles",
            "Belgique",
        ]
    with translation.override("en"):
        assert bookseller.postal_lines()[-1] == "Belgium"


def test_a_basket_prints_its_bookseller_or_its_own_address_and_a_pickup_none():
    bookseller = Bookseller(pk=1, name="Librairie Meura", line1="25 rue de Valmy", postcode="59000", city="Lille")
    assert ShippingBasket(kind="bookseller", bookseller=bookseller).address_lines == ["25 rue de Valmy", "59000 Lille"]
    basket = ShippingBasket(kind="address", company="Le Turet", line1="1 rue Nationale", postcode="59000", city="Lille")
    assert basket.address_lines == ["1 rue Nationale", "59000 Lille"]
    assert ShippingBasket(kind="pickup", pickup_name="Camille", phone="0320000000").address_lines == []


# clean(): errors next to their fields -----------------------------------------------------------------------


def test_clean_puts_each_error_next_to_its_field():
    address = Address(line1="", postcode="5900", city="", country="FR")
    with pytest.raises(ValidationError) as error:
        address.full_clean(exclude=["account"])
    assert error.value.message_dict == {
        "line1": ["This field is required."],
        "city": ["This field is required."],
        "postcode": [POSTCODE_MESSAGE],
        "last_name": ["Give a company name or a last name."],
    }


def test_clean_keeps_the_address_normalized():
    address = Address(company=" Le Turet ", line1="1 rue Nationale", postcode="59 100", city="Roubaix", cedex="cedex 2")
    address.full_clean(exclude=["account"])
    assert (address.company, address.postcode, address.cedex) == ("Le Turet", "59100", "CEDEX 2")


def test_a_row_that_needs_no_address_is_only_checked_on_what_it_holds():
    pickup = ShippingBasket(kind="pickup", pickup_name="Camille", phone="0320000000", country="")
    pickup.clean()  # no street, postcode or recipient needed
    pickup.postcode = "123"
    pickup.country = "FR"
    with pytest.raises(ValidationError) as error:
        pickup.clean()
    assert error.value.message_dict == {"postcode": [POSTCODE_MESSAGE]}


def test_a_model_form_shows_each_error_once_next_to_its_field():
    form = AddressAdminForm(
        data={"company": "Le Turet", "line1": "", "postcode": "5900", "city": "Lille", "country": "FR"}
    )
    assert not form.is_valid()
    assert form.errors["line1"] == ["This field is required."]
    assert form.errors["postcode"] == [POSTCODE_MESSAGE]
    assert "__all__" not in form.errors
    assert form.fields["line1"].required and form.fields["country"].required


def test_address_fields_derive_from_the_abstract_models():
    postal = tuple(field.name for field in PostalAddress._meta.fields)
    assert postal == PostalAddress.ADDRESS_FIELDS
    assert ("company", "first_name", "last_name", *postal) == RecipientAddress.ADDRESS_FIELDS
    assert ShippingBasket.ADDRESS_FIELDS == Address.ADDRESS_FIELDS == RecipientAddress.ADDRESS_FIELDS
    assert postal == Bookseller.ADDRESS_FIELDS
    for model in (Address, ShippingBasket, Bookseller):
        assert {field.name for field in model._meta.fields} >= set(model.ADDRESS_FIELDS)
