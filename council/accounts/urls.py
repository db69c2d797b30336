from django.urls import path

from council.accounts import views

urlpatterns = [path("profile/", views.profile, name="profile")]
