from django.urls import path

from . import views, views_checkout
from .invoicing import views as invoice_views

app_name = "subscriptions"

urlpatterns = [
    path("", views.catalogue_view, name="catalogue"),
    path("cart/", views.cart_view, name="cart"),
    path("cart/add/", views.cart_add_view, name="cart_add"),
    path("cart/quantity/", views.cart_update_view, name="cart_update"),
    path("cart/remove/", views.cart_remove_view, name="cart_remove"),
    path("checkout/", views_checkout.checkout_view, name="checkout"),
    path("orders/<int:pk>/", views_checkout.order_view, name="order"),
    path("mine/", views_checkout.my_subscriptions_view, name="mine"),
    path("mine/renew/", views_checkout.renew_view, name="renew"),
    path("invoices/", invoice_views.invoice_list_view, name="invoices"),
    path("invoices/<int:pk>/pdf/", invoice_views.invoice_pdf_view, name="invoice_pdf"),
    path("credit-notes/<int:pk>/pdf/", invoice_views.credit_note_pdf_view, name="credit_note_pdf"),
]
