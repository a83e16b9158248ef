from django.urls import path

from . import views

app_name = "contacts"

urlpatterns = [
    path("invitation/<str:uidb64>/<str:token>/", views.invitation_accept_view, name="invitation"),
    path("invitation/done/", views.invitation_done_view, name="invitation_done"),
    path("activation/<str:uidb64>/<str:token>/", views.activation_confirm_view, name="activation"),
    path("link/new/", views.link_request_view, name="link_request"),
    path("terms/", views.terms_accept_view, name="terms_accept"),
    path("terms/document/", views.terms_document_view, name="terms_document"),
]
