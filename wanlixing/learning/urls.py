from django.urls import path

from . import views

app_name = "learning"

urlpatterns = [
    path("", views.index, name="index"),
    path("topics/<slug:slug>/", views.topic, name="topic"),
    path("quizzes/<int:quiz_id>/start/", views.quiz_start, name="quiz_start"),
    path("attempts/<int:attempt_id>/", views.attempt_view, name="attempt"),
    path("daily/", views.daily, name="daily"),
    path("review/", views.review, name="review"),
    path("literacy/", views.literacy_index, name="literacy"),
    path("literacy/<str:form>/", views.literacy_form, name="literacy_form"),
    path("risk/", views.risk, name="risk"),
    path("path/", views.path, name="path"),
    path("read/<int:article_id>/", views.read, name="read"),
]
