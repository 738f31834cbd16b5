from django.urls import path

from . import views

app_name = "antifraud"

urlpatterns = [
    path("", views.hub, name="hub"),
    path("check/", views.check, name="check"),
    path("report/", views.report, name="report"),
    path("report/prefill/", views.report_prefill, name="report_prefill"),
    path("loan-rate/", views.loan_rate, name="loan_rate"),
    path("fundraising/", views.fundraising, name="fundraising"),
    path("drills/", views.drill_list, name="drills"),
    path("drills/<slug:slug>/", views.drill_play, name="drill"),
]
