"""The workspace's pages. Included by the root URLconf inside the ``portal`` namespace, so their names
(``portal:dashboard``, ``portal:warehouse``, ``portal:search``) stay those every template uses."""

from django.contrib import admin
from django.urls import path

from . import addresses, calstats_views, views

urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("warehouse/", views.warehouse_view, name="warehouse"),
    path("warehouse/addresses/", addresses.address_list_view, name="addresses"),
    path("warehouse/addresses/<int:pk>/", addresses.address_edit_view, name="address_edit"),
    path("warehouse/addresses/<int:pk>/delete/", addresses.address_delete_view, name="address_delete"),
    path("warehouse/addresses/<int:pk>/basket/", addresses.address_basket_view, name="address_basket"),
    path("search/", views.search_view, name="search"),
    path("search/new-basket/", views.search_new_basket_view, name="search_new_basket"),
    path("search/add/", views.search_add_view, name="search_add"),
    path("agenda/", calstats_views.agenda_view, name="agenda"),
    path("statistics/", calstats_views.statistics_view, name="statistics"),
    path("statistics/csv/", calstats_views.statistics_csv_view, name="statistics_csv"),
    # Staff: the same pages in admin (mounted before the admin's own URLs, under its sign-in).
    path("admin/agenda/", admin.site.admin_view(calstats_views.staff_agenda_view), name="staff_agenda"),
    path("admin/statistics/", admin.site.admin_view(calstats_views.staff_statistics_view), name="staff_statistics"),
    path(
        "admin/statistics/csv/",
        admin.site.admin_view(calstats_views.staff_statistics_csv_view),
        name="staff_statistics_csv",
    ),
]
