from django.urls import path

from . import views

app_name = "library"

urlpatterns = [
    path("", views.product_list_view, name="list"),
    path("new/", views.product_create_view, name="new"),
    path("<int:pk>/", views.product_detail_view, name="detail"),
]
