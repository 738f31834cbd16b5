from django.urls import path

from . import views

app_name = "advisor"

urlpatterns = [
    path("", views.chat, name="chat"),
    path("faq/<int:entry_id>/", views.faq_entry, name="faq_entry"),
    path("handoff/", views.handoff, name="handoff"),
    path("staff/faq/from-ticket/<str:reference>/", views.promote, name="promote"),
    path("staff/", views.staff_home, name="staff"),
    path("staff/<int:collection_id>/gaps/", views.gap_report, name="gaps"),
    path("staff/<int:collection_id>/gaps/refresh/", views.gap_refresh, name="gaps_refresh"),
    path(
        "staff/<int:collection_id>/gaps/<int:gap_id>/status/",
        views.gap_status,
        name="gap_status",
    ),
    path("staff/<int:collection_id>/import/", views.faq_import_view, name="faq_import"),
    path("staff/<int:collection_id>/export.<str:fmt>", views.faq_export_view, name="faq_export"),
]
