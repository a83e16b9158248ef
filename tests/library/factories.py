from __future__ import annotations

import factory

from library.models import Binding, PaperFormat, PaperWeight, PrintType, Product
from tests.factories import AccountFactory


class BindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Binding
        django_get_or_create = ("code",)

    name = "Dos carré collé"
    code = "perfect"
    min_pages = 32
    max_pages = 600
    page_multiple = 2


class PaperFormatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PaperFormat
        django_get_or_create = ("code",)

    name = "A5"
    code = "a5"
    width_mm = 148
    height_mm = 210


class CustomFormatFactory(PaperFormatFactory):
    name = "Autre"
    code = "custom"
    width_mm = None
    height_mm = None
    is_custom = True


class PaperWeightFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PaperWeight
        django_get_or_create = ("code",)

    name = "90 g"
    code = "90g"
    grams = 90


class PrintTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PrintType
        django_get_or_create = ("code",)

    name = "Noir et blanc"
    code = "bw"


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    account = factory.SubFactory(AccountFactory)
    title = factory.Sequence(lambda n: f"Livre n°{n}")
    paper_format = factory.SubFactory(PaperFormatFactory)
    binding = factory.SubFactory(BindingFactory)
    page_count = 120
    quantity_to_print = 10
