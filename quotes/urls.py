from django.urls import path

from . import views

app_name = "quotes"

urlpatterns = [
    path("", views.quote_list_view, name="list"),
    path("new/", views.quote_request_view, name="request"),
    path("from-order/<int:order_pk>/", views.quote_create_from_order_view, name="create_from_order"),
    path("estimate/", views.quote_estimate_view, name="estimate"),
    path("<int:pk>/", views.quote_detail_view, name="detail"),
    path("<int:pk>/pdf/", views.quote_pdf_view, name="pdf"),
    path("<int:pk>/email/", views.quote_email_view, name="email"),
    path("<int:pk>/order/", views.quote_to_order_view, name="to_order"),
]
