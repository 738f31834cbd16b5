from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("signup/", views.signup, name="signup"),
    path("me/", views.me, name="me"),
    path("me/consent/", views.consent_accept, name="consent"),
    path("me/export/", views.export_data, name="export"),
    path("me/delete/", views.delete_account, name="delete"),
]
