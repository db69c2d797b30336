from django.urls import path

from council.accounts import views

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("my-data/", views.my_data, name="my-data"),
    path("my-data/download.<str:kind>", views.my_data_download, name="my-data-download"),
    path("delete/", views.account_delete, name="account-delete"),
]
