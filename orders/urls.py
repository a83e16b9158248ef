from django.urls import path

from . import views

app_name = "orders"

urlpatterns = [
    path("", views.order_list_view, name="list"),
    path("new/", views.order_new_view, name="new"),
    path("<int:pk>/", views.order_detail_view, name="detail"),
    path("<int:pk>/baskets/", views.order_baskets_view, name="baskets"),
    path("<int:pk>/baskets/add/", views.basket_kind_view, name="basket_add"),
    path("<int:pk>/baskets/add/<str:kind>/", views.basket_create_view, name="basket_create"),
    path("<int:pk>/name/", views.order_name_view, name="name"),
    path("<int:pk>/verify/", views.order_verify_view, name="verify"),
    path("<int:pk>/submit/", views.order_submit_view, name="submit"),
    path("<int:pk>/confirmation/", views.order_confirmation_view, name="confirmation"),
    path("<int:pk>/delete/", views.order_delete_view, name="delete"),
    path("<int:pk>/again/", views.order_again_view, name="again"),
    path("baskets/<int:pk>/edit/", views.basket_edit_view, name="basket_edit"),
    path("baskets/<int:pk>/duplicate/", views.basket_duplicate_view, name="basket_duplicate"),
    path("baskets/<int:pk>/delete/", views.basket_delete_view, name="basket_delete"),
    path("baskets/<int:pk>/again/", views.basket_again_view, name="basket_again"),
    path("baskets/<int:pk>/products/", views.line_add_view, name="line_add"),
    path("baskets/<int:pk>/products/new/", views.line_new_product_view, name="line_new_product"),
    path("lines/<int:pk>/", views.line_edit_view, name="line_edit"),
    path("lines/<int:pk>/delete/", views.line_delete_view, name="line_delete"),
]
