from django.urls import path

from . import views

app_name = "drive"

urlpatterns = [
    path("", views.my_files_view, name="my_files"),
    path("archive/", views.archive_view, name="archive"),
    path("folder/<int:pk>/", views.folder_view, name="folder"),
    path("upload/", views.upload_view, name="upload"),
    path("new-folder/", views.folder_create_view, name="folder_create"),
    path("entry/<int:pk>/rename/", views.rename_view, name="rename"),
    path("entry/<int:pk>/move/", views.move_view, name="move"),
    path("entry/<int:pk>/delete/", views.delete_view, name="delete"),
    path("entry/<int:pk>/download/", views.download_view, name="download"),
    path("entry/<int:pk>/preview/", views.preview_view, name="preview"),
    path("entry/<int:pk>/preview/<int:page>/", views.preview_image_view, name="preview_image"),
    path("attach/", views.attach_view, name="attach"),
    path("apps/", views.app_passwords_view, name="app_passwords"),
    path("apps/<int:pk>/revoke/", views.app_password_revoke_view, name="app_password_revoke"),
]
