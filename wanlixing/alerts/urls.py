from django.urls import path

from . import views

app_name = "alerts"

urlpatterns = [
    path("", views.feed, name="feed"),
    path("<int:alert_id>/", views.detail, name="detail"),
    path("go/<str:token>/", views.go, name="go"),
    path("inbox/", views.inbox, name="inbox"),
    path("preferences/", views.preferences, name="preferences"),
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/new/", views.staff_edit, name="staff_new"),
    path("staff/from-script/", views.staff_from_script, name="staff_from_script"),
    path("staff/dashboard/", views.staff_dashboard, name="staff_dashboard"),
    path("staff/<int:alert_id>/", views.staff_edit, name="staff_edit"),
    path("staff/<int:alert_id>/publish/", views.staff_publish, name="staff_publish"),
]
