from django.urls import path, register_converter

from masthead.site import renditions, search, views


class SignedTokenConverter:
    """A `django.core.signing` token (`newsroom.preview`): URL-safe base64 pieces joined by ":",
    with a leading "." when compressed. Only its shape is checked here; the signature is the
    view's business (an altered token is a 404 there, like any unknown page)."""

    regex = r"[A-Za-z0-9_.:-]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(SignedTokenConverter, "signed")

app_name = "site"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("section/<slug:slug>/", views.SectionView.as_view(), name="section"),
    path("tag/<slug:slug>/", views.TagView.as_view(), name="tag"),
    path("story/<slug:slug>/", views.ArticleView.as_view(), name="article"),
    path("story/<slug:slug>/face/", views.ArticleFaceView.as_view(), name="article-face"),
    path("preview/<signed:token>/", views.PreviewView.as_view(), name="preview"),
    path("corrections/", views.CorrectionsView.as_view(), name="corrections"),
    path("search/", search.SearchView.as_view(), name="search"),
    # The pictures' renditions (never the originals), in the embedded default's media folder.
    path("media/renditions/<path:path>", renditions.rendition, name="rendition"),
]
