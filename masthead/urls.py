from django.contrib import admin
from django.urls import include, path

from masthead.accounts.forms import AdminSignInForm

admin.site.site_header = "Masthead newsroom"
admin.site.site_title = "Masthead"
admin.site.login_form = AdminSignInForm  # throttled like the readers' sign-in

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("masthead.accounts.urls")),
    path("wire/", include("masthead.wire.urls")),
    path("", include("masthead.discovery.urls")),
    path("", include("masthead.site.urls")),
]
