from django.urls import path

from . import views

app_name = "subscribers"

urlpatterns = [
    path("", views.list_view, name="list"),
    path("new/", views.create_view, name="create"),
    path("export.xlsx", views.export_view, name="export"),
    path("<int:pk>/", views.detail_view, name="detail"),
    path("<int:pk>/edit/", views.edit_view, name="edit"),
    path("<int:pk>/delete/", views.delete_view, name="delete"),
    path("space/", views.space_view, name="space"),
    path("claims/", views.claims_view, name="claims"),
    path("claims/new/", views.claim_new_view, name="claim_new"),
    path("claims/<int:pk>/", views.claim_view, name="claim"),
    path("password/<str:uidb64>/<str:token>/", views.set_password_view, name="set_password"),
]
