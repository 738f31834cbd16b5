from django.urls import path

from . import staff_views, views

app_name = "helpdesk"

urlpatterns = [
    path("", views.index, name="index"),
    path("route/", views.route, name="route"),
    path("new/", views.ticket_new, name="new"),
    path("my/", views.my_tickets, name="my"),
    path("my/<str:reference>/", views.my_ticket, name="my_ticket"),
    path("my/<str:reference>/<slug:action>/", views.my_ticket_action, name="my_ticket_action"),
    path("attachments/<int:attachment_id>/", views.attachment_download, name="attachment"),
    path("staff/", staff_views.queue, name="queue"),
    path("staff/dashboard/", staff_views.dashboard, name="dashboard"),
    path("staff/dashboard/refresh/", staff_views.dashboard_refresh, name="dashboard_refresh"),
    path("staff/audit/", staff_views.audit_log, name="audit"),
    path("staff/tickets/<str:reference>/", staff_views.ticket_detail, name="staff_ticket"),
    path("staff/tickets/<str:reference>/reveal/", staff_views.ticket_reveal, name="staff_reveal"),
    path(
        "staff/tickets/<str:reference>/<slug:action>/",
        staff_views.ticket_action,
        name="staff_action",
    ),
]
