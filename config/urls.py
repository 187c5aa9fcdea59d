from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from accounts import views as account_views
from accounts.admin_site import admin_login_throttle
from contests import views as contest_views
from core.health import healthz

admin.site.site_header = _("gongmo administration")
admin.site.site_title = _("gongmo")
admin.site.index_title = _("Contest configuration")
admin_login_throttle(admin.site)  # /admin/login/: 429 after repeated failures, as /login/

# Errors no view answered: JSON {code, message, detail} under /api/, Django's pages elsewhere.
handler400 = "core.http.bad_request"
handler403 = "core.http.permission_denied"
handler404 = "core.http.page_not_found"
handler500 = "core.http.server_error"

urlpatterns = [
    path("healthz", healthz, name="healthz"),  # load balancers: DB + storage, no auth
    path("", contest_views.home, name="home"),
    path("contests/<slug:slug>/", contest_views.contest_detail, name="contest-detail"),
    path("login/", account_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("register/", account_views.register, name="register"),
    path("me/", account_views.landing, name="landing"),
    path("jobs/<id:job_id>/", contest_views.job_status, name="job-status"),
    # Setting a password from an emailed link (judge invitations, forgotten passwords).
    path("accounts/password_reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("", include("submissions.urls")),
    path("", include("judging.urls")),
    path("", include("results.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls")),
    path("", include("core.storage.urls")),  # filesystem mode's upload/download
]
