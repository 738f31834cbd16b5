from django.urls import path

from . import views

app_name = "rewards"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("points/", views.points, name="points"),
    path("badges/", views.badges, name="badges"),
    path("badges/<slug:code>.svg", views.badge_art, name="badge_art"),
    path("streak/", views.streak, name="streak"),
    path("leaderboard/", views.leaderboard, name="leaderboard"),
    path("settings/", views.settings, name="settings"),
]
