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
    path("<int:pk>/volunteers/", views.event_volunteers, name="event_volunteers"),
    path("stations/", views.station_list, name="stations"),
    path("routes/<int:pk>/", views.route_detail, name="route"),
    path("volunteer/", views.volunteer_home, name="volunteer"),
    path("volunteer/leaderboard/", views.volunteer_leaderboard, name="volunteer_leaderboard"),
    path("volunteer/shifts/<int:pk>/sign-up/", views.shift_sign_up, name="shift_sign_up"),
    path("volunteer/signups/<int:pk>/hours/", views.signup_hours, name="signup_hours"),
    path("volunteer/signups/<int:pk>/cancel/", views.signup_cancel, name="signup_cancel"),
    path("volunteer/signups/<int:pk>/confirm/", views.signup_confirm, name="signup_confirm"),
    path("volunteer/trainings/<int:pk>/certify/", views.training_certify, name="training_certify"),
    path("volunteers/<int:pk>/approve/", views.volunteer_approve, name="volunteer_approve"),
]
