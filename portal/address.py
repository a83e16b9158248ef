"""The postal address every feature shares: its fields, the French rules, its lines on a label.

- ``PostalAddress``: an abstract model with the fields of a place mail reaches (street lines, the
  French delivery-point lines, postcode, city, CEDEX, country, phone, e-mail), its ``clean()`` and
  ``postal_lines()``. ``RecipientAddress`` adds a company and a person's names for the rows that name their
  recipient that way (the address book, a basket's destination).
- The rules without a model, for services that check what they are given before any row exists:
  ``normalize_french_postcode``, ``normalize_address``, ``postal_address_errors``, ``recipient_errors``.
- ``PostalAddressFormMixin``: the model form side (autocomplete hints, required fields, the country
  list without its empty choice).

Countries come from django-countries (ISO 3166, names in the reader's language; ``COUNTRIES_FIRST``
in the settings puts France and its French-speaking neighbours first). The country column holds the
two-letter code.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries.fields import CountryField

from .fields import NameField

FRANCE = "FR"

# Metropolitan departments 01–95 (Corsica uses 20xxx), overseas 971–976 and 984–988.
_FRENCH_POSTCODE = re.compile(r"^(?:0[1-9]|[1-8]\d|9[0-5])\d{3}$|^97[1-6]\d{2}$|^98[4-8]\d{2}$")
# What may follow the city of a CEDEX address: the word, then the office's number (CEDEX 07), if any.
_CEDEX = re.compile(r"^(?:CEDEX)?\s*(\d{1,3})?$")


def normalize_french_postcode(text: str) -> str | None:
    """Return the 5-digit postcode, or None when it cannot be a French postcode."""
    postcode = "".join(text.split())
    return postcode if _FRENCH_POSTCODE.match(postcode) else None


def normalize_cedex(text: str) -> str | None:
    """``"cedex 07"`` → ``"CEDEX 07"``, ``"7"`` → ``"CEDEX 7"``, ``""`` → ``""``; None when it is no CEDEX."""
    text = " ".join(text.split()).upper()
    if not text:
        return ""
    match = _CEDEX.match(text)
    if match is None:
        return None
    return f"CEDEX {match[1]}" if match[1] else "CEDEX"


def _text(value: Any) -> str:
    return str(value or "").strip()


def _normalized(values: Mapping[str, Any], *, country: str) -> dict[str, str]:
    """Trimmed texts; a French postcode without its spaces and the CEDEX in capitals, when they are valid."""
    cleaned = {name: _text(value) for name, value in values.items()}
    if "country" in cleaned:
        cleaned["country"] = cleaned["country"].upper()
    if country == FRANCE and cleaned.get("postcode"):
        cleaned["postcode"] = normalize_french_postcode(cleaned["postcode"]) or cleaned["postcode"]
    if cleaned.get("cedex"):
        cleaned["cedex"] = normalize_cedex(cleaned["cedex"]) or cleaned["cedex"]
    return cleaned


def normalize_address(values: Mapping[str, Any]) -> dict[str, str]:
    """An address's fields as they are kept: trimmed, France when no country is given, a French postcode
    without spaces, ``CEDEX 07`` in capitals. Returns the fields it was given (and ``country``)."""
    country = _text(values.get("country")).upper() or FRANCE
    return _normalized({**values, "country": country}, country=country)


def postal_address_errors(values: Mapping[str, Any], *, required: bool = True) -> dict[str, list[str]]:
    """Why ``values`` cannot be kept as a postal address, by field (empty: they can). Messages in the
    active language. ``required``: the street line, postcode, city and country must be there (a row that
    may hold no address, a basket collected at the shop, passes False: what it holds is still checked).
    An empty country is read as France."""
    errors: dict[str, list[str]] = defaultdict(list)
    country = _text(values.get("country")).upper() or FRANCE
    if required:
        for name in PostalAddress.REQUIRED_FIELDS:
            if name == "country" and name not in values:
                continue  # a service's values without a country are French (normalize_address)
            if not _text(values.get(name)):
                errors[name].append(_("This field is required."))
    postcode = _text(values.get("postcode"))
    if country == FRANCE and postcode and normalize_french_postcode(postcode) is None:
        errors["postcode"].append(_("A French postcode has 5 digits, e.g. 59100."))
    cedex = _text(values.get("cedex"))
    if cedex:
        if country != FRANCE:
            errors["cedex"].append(_("CEDEX is only for addresses in France: leave this field empty."))
        elif normalize_cedex(cedex) is None:
            errors["cedex"].append(_("Write CEDEX and its number if it has one, e.g. CEDEX 07."))
    return dict(errors)


def recipient_errors(values: Mapping[str, Any]) -> dict[str, list[str]]:
    """A recipient is a company or a person with a last name (or both)."""
    if _text(values.get("company")) or _text(values.get("last_name")):
        return {}
    return {"last_name": [_("Give a company name or a last name.")]}


def _field_names(model: type[models.Model]) -> tuple[str, ...]:
    return tuple(field.name for field in model._meta.fields)


class PostalAddress(models.Model):
    """Where mail reaches someone, kept the way a French print shop ships it.

    For a model that holds an address (the address book, a basket's destination, a bookseller, and next
    establishments, subscribers, invoices): inherit it, name the recipient as the model needs (a
    ``name``, or ``RecipientAddress`` for a company and a person), and:

    - ``ADDRESS_FIELDS``: the address's field names, in the order a form shows them; copy an address
      with them (``address_values()``), build forms with them.
    - ``address_is_required()``: override it when a row may hold no address (a basket collected at the
      shop); the lines are then optional, but what is typed is still checked.
    - ``clean()`` trims and normalizes (``59 100`` → ``59100``, ``cedex 7`` → ``CEDEX 7``) and raises the
      errors by field, so admin and model forms show each next to its field. A concrete ``clean()``
      calls ``super().clean()`` first. Services that check values before a row exists call
      ``normalize_address`` and ``postal_address_errors``: the same rules.
    - ``postal_lines()``: the address as printed on a label or a PDF, in the French order (AFNOR NF Z10-011):
      recipient (``recipient_lines()``, override it), building or residence, street, its continuation,
      place name or PO box, "postcode city CEDEX", and the country's name in the active language when
      it is not France (activate the reader's language first, e.g. a document's). ``location_lines()``
      is the same without the recipient.

    Every field may be blank in the database: which ones a row needs is the business of ``clean()``, so
    a destination of another kind can leave them empty. A new column keeps existing rows valid.
    """

    #: The fields a complete address needs (when ``address_is_required()``).
    REQUIRED_FIELDS: ClassVar[tuple[str, ...]] = ("line1", "postcode", "city", "country")
    #: Every address field, in the order of a form (filled in below from the fields).
    ADDRESS_FIELDS: ClassVar[tuple[str, ...]] = ()

    line1 = NameField(gettext_lazy("address"), max_length=200, blank=True)
    line2 = NameField(gettext_lazy("address (continued)"), max_length=200, blank=True)
    building = NameField(
        gettext_lazy("building, residence"),
        max_length=200,
        blank=True,
        help_text=gettext_lazy("The building, entrance or residence, if any."),
    )
    locality = NameField(
        gettext_lazy("place name, PO box"),
        max_length=200,
        blank=True,
        help_text=gettext_lazy("A place name (lieu-dit) or a PO box, if any."),
    )
    postcode = NameField(gettext_lazy("postcode"), max_length=20, blank=True)
    city = NameField(gettext_lazy("city"), max_length=100, blank=True)
    cedex = NameField(
        gettext_lazy("CEDEX"),
        max_length=12,
        blank=True,
        help_text=gettext_lazy("Only for a CEDEX address: CEDEX and its number, e.g. CEDEX 07."),
    )
    country = CountryField(gettext_lazy("country"), default=FRANCE, blank=True)
    phone = models.CharField(gettext_lazy("phone"), max_length=30, blank=True)
    email = models.EmailField(gettext_lazy("e-mail"), blank=True)

    class Meta:
        abstract = True

    def address_is_required(self) -> bool:
        """Whether this row must hold a complete address."""
        return True

    def address_values(self) -> dict[str, str]:
        """The address's fields as plain texts (the country as its code): to copy it or keep it as JSON."""
        return {name: str(getattr(self, name) or "") for name in self.ADDRESS_FIELDS}

    def address_errors(self) -> dict[str, list[str]]:
        """Why this address cannot be kept, by field; extended by the abstract models below."""
        return postal_address_errors(self.address_values(), required=self.address_is_required())

    def full_clean(self, exclude=None, *args, **kwargs) -> None:
        # ``clean()`` leaves out the fields full_clean() is told to leave out: a model form's fields that
        # already failed (their message is shown once) and the fields it does not show.
        self._address_exclude = frozenset(exclude or ())
        try:
            super().full_clean(exclude, *args, **kwargs)
        finally:
            del self._address_exclude

    def clean(self) -> None:
        super().clean()
        values = self.address_values()
        for name, value in _normalized(values, country=values["country"].upper() or FRANCE).items():
            setattr(self, name, value)
        exclude = getattr(self, "_address_exclude", frozenset())
        errors = {name: messages for name, messages in self.address_errors().items() if name not in exclude}
        if errors:
            raise ValidationError(errors)

    def recipient_lines(self) -> list[str]:
        """Who the mail is for, first on the label; each model names its recipient."""
        return []

    def location_lines(self) -> list[str]:
        """The address without its recipient, one printed line each, empty ones left out."""
        town = " ".join(part for part in (self.postcode, self.city, self.cedex) if part)
        lines = [self.building, self.line1, self.line2, self.locality, town]
        if self.country and self.country != FRANCE:
            lines.append(str(self.country.name))
        return [line.strip() for line in lines if line and line.strip()]

    def postal_lines(self) -> list[str]:
        """The address as printed on a label or a PDF (see the class's docstring). Not named ``lines``:
        that is the usual name of a basket's, a quote's or an invoice's lines."""
        return [*self.recipient_lines(), *self.location_lines()]


PostalAddress.ADDRESS_FIELDS = _field_names(PostalAddress)


class RecipientAddress(PostalAddress):
    """A postal address whose recipient is a company, a person, or a person at a company."""

    RECIPIENT_FIELDS: ClassVar[tuple[str, ...]] = ("company", "first_name", "last_name")
    ADDRESS_FIELDS: ClassVar[tuple[str, ...]] = (*RECIPIENT_FIELDS, *PostalAddress.ADDRESS_FIELDS)

    company = NameField(gettext_lazy("company"), max_length=200, blank=True)
    first_name = NameField(gettext_lazy("first name"), max_length=100, blank=True)
    last_name = NameField(gettext_lazy("last name"), max_length=100, blank=True)

    class Meta:
        abstract = True

    @property
    def person_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def address_errors(self) -> dict[str, list[str]]:
        errors = super().address_errors()
        if self.address_is_required():
            for name, messages in recipient_errors(self.address_values()).items():
                errors.setdefault(name, []).extend(messages)
        return errors

    def recipient_lines(self) -> list[str]:
        return [line for line in (self.company.strip(), self.person_name) if line]


# Forms ----------------------------------------------------------------------------------------------------------

#: The browser's autofill names (HTML ``autocomplete``) of the address fields.
AUTOCOMPLETE = {
    "company": "organization",
    "first_name": "given-name",
    "last_name": "family-name",
    "line1": "address-line1",
    "line2": "address-line2",
    "building": "address-line3",
    "postcode": "postal-code",
    "city": "address-level2",
    "country": "country",
    "phone": "tel",
    "email": "email",
}


class PostalAddressFormMixin:
    """For a model form of a ``PostalAddress``: autofill hints, a phone keypad, and, when
    ``address_required`` (the default), the required fields marked so and the country list without its
    empty choice, France first and chosen. The rules themselves run in the model's ``clean()``, whose
    errors Django puts next to their fields."""

    address_required: ClassVar[bool] = True

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, token in AUTOCOMPLETE.items():
            if name in self.fields:
                self.fields[name].widget.attrs.setdefault("autocomplete", token)
        if "phone" in self.fields:
            self.fields["phone"].widget.attrs.setdefault("type", "tel")
        if not self.address_required:
            return
        for name in PostalAddress.REQUIRED_FIELDS:
            if name in self.fields:
                self.fields[name].required = True
        country = self.fields.get("country")
        if country is not None:
            country.choices = [(code, name) for code, name in country.choices if code]
            country.initial = country.initial or FRANCE
