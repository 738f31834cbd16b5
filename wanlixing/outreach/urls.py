from django.urls import path

from . import views

app_name = "outreach"

urlpatterns = [
    path("", views.event_list, name="list"),
    path("<int:pk>/", views.event_detail, name="detail"),
    path("<int:pk>/qr.<str:fmt>", views.event_qr, name="qr"),
    path("<int:pk>/checkin/", views.check_in, name="check_in"),
    path("<int:pk>/live/", views.live, name="live"),
    path("registered/<str:code>/", views.registered, name="registered"),
    path("code/<str:code>/qr.<str:fmt>", views.code_qr, name="code_qr"),
]
