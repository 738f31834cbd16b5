from django.urls import path

from wanlixing.livequiz import views

app_name = "livequiz"

urlpatterns = [
    path("", views.join, name="join"),
    path("play/<str:pin>/", views.play, name="play"),
    path("host/", views.host_home, name="host_home"),
    path("host/<int:pk>/", views.host_console, name="host_console"),
    path("host/<int:pk>/screen/", views.host_screen, name="host_screen"),
    path("host/<int:pk>/qr.<str:fmt>", views.host_qr, name="host_qr"),
    path("host/<int:pk>/results.<str:fmt>", views.host_results, name="host_results"),
]
