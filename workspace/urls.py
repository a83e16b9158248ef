"""The workspace's pages. Included by the root URLconf inside the ``portal`` namespace, so their names
(``portal:dashboard``, ``portal:warehouse``, ``portal:search``) stay those every template uses."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("warehouse/", views.warehouse_view, name="warehouse"),
    path("search/", views.search_view, name="search"),
    path("agenda/", views.agenda_view, name="agenda"),
    path("statistics/", views.statistics_view, name="statistics"),
    path("statistics/csv/", views.statistics_csv_view, name="statistics_csv"),
]
