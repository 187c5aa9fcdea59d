"""The admin's log-in page is throttled like ``/login/`` (DOMAIN §10 "Accounts").

``admin_login_throttle(admin.site)`` replaces the site's ``login`` view (its URL stays
``admin:login``) with one that answers 429 after 5 failures per user name and IP in 15 minutes,
counting in the same cache counters as ``accounts.views.LoginView`` and the API token view.
"""

from functools import wraps

from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.throttling import (
    client_ip,
    login_failure_record,
    login_failures_clear,
    login_throttle_check,
)
from core.errors import Throttled


def _throttled_page(site: AdminSite, request, error: Throttled) -> TemplateResponse:
    """The admin's log-in form, unbound (the password is not even checked), saying why."""
    username = request.POST.get("username", "")
    form = AdminAuthenticationForm(request, data={"username": username})  # no password given
    form.errors.clear()  # "password required": not the point here
    form.add_error(None, str(error.message))
    context = {
        **site.each_context(request),
        "title": _("Log in"),
        "subtitle": None,
        "app_path": request.get_full_path(),
        "username": request.user.get_username(),
        "form": form,
        REDIRECT_FIELD_NAME: request.POST.get(REDIRECT_FIELD_NAME) or reverse("admin:index"),
    }
    request.current_app = site.name
    response = TemplateResponse(
        request, site.login_template or "admin/login.html", context, status=429
    )
    response["Retry-After"] = str(error.retry_after)
    return response


def admin_login_throttle(site: AdminSite) -> None:
    view = site.login
    if getattr(view, "throttled", False):  # installed once, however often urls are imported
        return

    @wraps(view)
    def login(request, extra_context=None):
        if request.method != "POST":
            return view(request, extra_context)
        username, ip = request.POST.get("username", ""), client_ip(request)
        try:
            login_throttle_check(username=username, ip=ip)
        except Throttled as error:
            return _throttled_page(site, request, error)
        response = view(request, extra_context)
        if response.status_code in (301, 302):  # logged in, the admin redirects onwards
            login_failures_clear(username=username, ip=ip)
        else:  # the form again: a wrong password, or an account without admin access
            login_failure_record(username=username, ip=ip)
        return response

    login.throttled = True
    site.login = login
