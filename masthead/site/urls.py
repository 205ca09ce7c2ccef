from django.urls import path

from masthead.site import search, views

app_name = "site"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("section/<slug:slug>/", views.SectionView.as_view(), name="section"),
    path("tag/<slug:slug>/", views.TagView.as_view(), name="tag"),
    path("story/<slug:slug>/", views.ArticleView.as_view(), name="article"),
    path("story/<slug:slug>/face/", views.ArticleFaceView.as_view(), name="article-face"),
    path("corrections/", views.CorrectionsView.as_view(), name="corrections"),
    path("search/", search.SearchView.as_view(), name="search"),
]
