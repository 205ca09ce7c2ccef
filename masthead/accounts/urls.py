from django.urls import path

from masthead.accounts import views

app_name = "accounts"

urlpatterns = [
    path("signin/", views.SignInView.as_view(), name="login"),
    path("signout/", views.SignOutView.as_view(), name="logout"),
    path("signup/", views.SignUpView.as_view(), name="signup"),
    path("signup/sent/", views.SignUpSentView.as_view(), name="signup_sent"),
    path("signup/confirm/<str:token>/", views.SignUpConfirmView.as_view(), name="signup_confirm"),
    path("", views.AccountView.as_view(), name="account"),
    path("email/", views.ChangeEmailView.as_view(), name="email_change"),
    path("email/verify/<str:token>/", views.VerifyEmailView.as_view(), name="verify_email"),
    path("email/resend/", views.ResendVerificationView.as_view(), name="verify_email_resend"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("delete/", views.DeleteAccountView.as_view(), name="delete"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
