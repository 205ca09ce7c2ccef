from django.urls import path

from masthead.wire import views

app_name = "wire"

urlpatterns = [
    path("push/<slug:slug>/", views.push, name="push"),
]
