from django.urls import path
from django.utils.translation import gettext_lazy as _

from portal.views import placeholder_view

app_name = "orders"

urlpatterns = [
    path("new/", placeholder_view, {"title": _("Start a new order")}, name="new"),
]
