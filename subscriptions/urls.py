from django.urls import path

from . import views

app_name = "subscriptions"

urlpatterns = [
    path("", views.catalogue_view, name="catalogue"),
    path("cart/", views.cart_view, name="cart"),
    path("cart/add/", views.cart_add_view, name="cart_add"),
    path("cart/quantity/", views.cart_update_view, name="cart_update"),
    path("cart/remove/", views.cart_remove_view, name="cart_remove"),
]
