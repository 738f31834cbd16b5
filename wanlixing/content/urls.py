from django.urls import path

from . import views

app_name = "content"

urlpatterns = [
    path("", views.library_home, name="home"),
    path("search/", views.search_results, name="search"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic"),
    path("<slug:slug>/", views.article_detail, name="article"),
    path("<slug:slug>/versions/", views.article_versions, name="versions"),
    path("<slug:slug>/versions/<int:number>/", views.article_version_detail, name="version"),
]
