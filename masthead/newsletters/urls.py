from django.urls import include, path

from masthead.newsletters import views

app_name = "newsletters"

urlpatterns = [
    path("", views.SubscribeView.as_view(), name="home"),
    path("sent/", views.SubscribeSentView.as_view(), name="sent"),
    path("confirm/<str:token>/", views.ConfirmView.as_view(), name="confirm"),
    path("u/<str:token>/", views.UnsubscribeView.as_view(), name="unsubscribe"),
    path("preferences/", views.PreferencesView.as_view(), name="preferences"),
    path("preferences/<str:token>/", views.PreferencesView.as_view(), name="preferences_token"),
    # The mail provider's bounce and complaint webhooks (anymail: basic auth with
    # ANYMAIL_WEBHOOK_SECRET); each event reaches `receivers.provider_event`.
    path("anymail/", include("anymail.urls")),
    path("<slug:slug>/archive/", views.ArchiveView.as_view(), name="archive"),
    path("<slug:slug>/<int:pk>/", views.EditionView.as_view(), name="edition"),
]
