"""The workspace's pages. Included by the root URLconf inside the ``portal`` namespace, so their names
(``portal:dashboard``, ``portal:warehouse``, ``portal:search``) stay those every template uses."""

from django.urls import path

from . import addresses, views

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
]
