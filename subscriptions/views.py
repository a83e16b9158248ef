"""The shop's public pages: the catalogue of offers."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .selectors import active_offers


@require_GET
def catalogue_view(request: HttpRequest) -> HttpResponse:
    return render(request, "subscriptions/catalogue.html", {"offers": active_offers()})
