from django.urls import path

from . import views

app_name = "surveys"

urlpatterns = [
    path("c/<str:code>/", views.hub, name="hub"),
    path("<int:pk>/", views.answer, name="answer"),
    path("<int:pk>/entry/", views.entry, name="entry"),
    path("builder/", views.builder_list, name="builder_list"),
    path("builder/<int:pk>/", views.builder_edit, name="builder"),
]
