from django.urls import path

from . import views

app_name = "insights"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("campaigns/<int:campaign_id>/refresh/", views.refresh, name="refresh"),
    path("campaigns/<int:campaign_id>/report/", views.report_request, name="report_request"),
    path("reports/<int:job_id>/", views.report, name="report"),
    path("reports/<int:job_id>/status/", views.report_status, name="report_status"),
    path("reports/<int:job_id>/download/", views.report_download, name="report_download"),
]
