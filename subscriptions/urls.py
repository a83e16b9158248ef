from django.urls import path

from . import views, views_access, views_checkout, views_print
from .invoicing import views as invoice_views

app_name = "subscriptions"

urlpatterns = [
    path("", views.catalogue_view, name="catalogue"),
    path("cart/", views.cart_view, name="cart"),
    path("cart/add/", views.cart_add_view, name="cart_add"),
    path("cart/quantity/", views.cart_update_view, name="cart_update"),
    path("cart/remove/", views.cart_remove_view, name="cart_remove"),
    # The cart on paper
    path("cart/pdf/", views_print.cart_pdf_view, name="cart_pdf"),
    path("cart/pdf/prepare/", views_print.cart_pdf_prepare_view, name="cart_pdf_prepare"),
    path("cart/pdf/status/", views_print.cart_pdf_status_view, name="cart_pdf_status"),
    path("cart/quote/", views_print.cart_quote_create_view, name="cart_quote_create"),
    path("quotes/<uuid:token>/", views_print.cart_quote_view, name="cart_quote"),
    path("quotes/<uuid:token>/pdf/", views_print.cart_quote_pdf_view, name="cart_quote_pdf"),
    path("quotes/<uuid:token>/status/", views_print.cart_quote_status_view, name="cart_quote_status"),
    # The checkout: its gate, then the checkout itself
    path("checkout/start/", views_access.checkout_gate_view, name="checkout_gate"),
    path("checkout/", views_checkout.checkout_view, name="checkout"),
    path("orders/<int:pk>/", views_checkout.order_view, name="order"),
    path("mine/", views_checkout.my_subscriptions_view, name="mine"),
    path("mine/renew/", views_checkout.renew_view, name="renew"),
    path("establishment/new/", views_access.signup_find_view, name="signup"),
    path("establishment/new/details/", views_access.signup_details_view, name="signup_details"),
    path("establishment/new/sent/", views_access.signup_sent_view, name="signup_sent"),
    path("establishment/activate/<str:uidb64>/<str:token>/", views_access.signup_activate_view, name="signup_activate"),
    path("establishment/activate/again/", views_access.activation_resend_view, name="activation_resend"),
    path("establishment/request/", views_access.establishment_request_view, name="establishment_request"),
    # Lost password of an establishment
    path("password/", views_access.password_reset_view, name="password_reset"),
    path("password/sent/", views_access.password_reset_sent_view, name="password_reset_sent"),
    path("password/letter/", views_access.access_letter_view, name="access_letter"),
    path("password/letter/<uuid:token>/", views_access.access_letter_detail_view, name="access_letter_detail"),
    path("password/letter/<uuid:token>/pdf/", views_access.access_letter_pdf_view, name="access_letter_pdf"),
    path("password/letter/<uuid:token>/status/", views_access.access_letter_status_view, name="access_letter_status"),
    # My assistance
    path("assistance/", views_access.assistance_view, name="assistance"),
    path("invoices/", invoice_views.invoice_list_view, name="invoices"),
    path("invoices/<int:pk>/pdf/", invoice_views.invoice_pdf_view, name="invoice_pdf"),
    path("credit-notes/<int:pk>/pdf/", invoice_views.credit_note_pdf_view, name="credit_note_pdf"),
]
