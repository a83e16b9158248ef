from django.urls import path

from . import views

app_name = "files"

urlpatterns = [
    path("product/<int:product_pk>/", views.product_file_list_view, name="product"),
    path("product/<int:product_pk>/upload/", views.product_file_upload_view, name="upload"),
    path("<int:pk>/replace/", views.product_file_replace_view, name="replace"),
    path("<int:pk>/delete/", views.product_file_delete_view, name="delete"),
    path("<int:pk>/download/", views.product_file_download_view, name="download"),
    path("<int:pk>/thumbnail/", views.product_file_thumbnail_view, name="thumbnail"),
    path("<int:pk>/status/", views.product_file_status_view, name="status"),
]
