from django.contrib import admin
from django.urls import include, path

from masthead.accounts.forms import AdminSignInForm
from masthead.site import pages

admin.site.site_header = "Masthead newsroom"
admin.site.site_title = "Masthead"
admin.site.login_form = AdminSignInForm  # throttled like the readers' sign-in

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("masthead.accounts.urls")),
    path("wire/", include("masthead.wire.urls")),
    path("newsletters/", include("masthead.newsletters.urls")),
    path("", include("masthead.discovery.urls")),
    path("", include("masthead.site.urls")),
    # The paper's own pages (`PaperPage`), each named by its slug (`get_absolute_url`).
    path("about/", pages.PaperPageView.as_view(), {"slug": "about"}, name="about"),
    path("contact/", pages.PaperPageView.as_view(), {"slug": "contact"}, name="contact"),
    path("privacy/", pages.PaperPageView.as_view(), {"slug": "privacy"}, name="privacy"),
    path("terms/", pages.PaperPageView.as_view(), {"slug": "terms"}, name="terms"),
    path("favicon.ico", pages.favicon, name="favicon"),
]
