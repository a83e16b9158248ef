from django.urls import path
from django.utils.translation import gettext_lazy as _

from portal.views import placeholder_view

app_name = "quotes"

urlpatterns = [
    path("new/", placeholder_view, {"title": _("Request a quote")}, name="request"),
]
