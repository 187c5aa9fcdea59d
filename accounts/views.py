from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from accounts.forms import RegisterForm
from accounts.services import user_register
from accounts.throttling import (
    client_ip,
    login_failure_record,
    login_failures_clear,
    login_throttle_check,
)
from core.errors import DomainError, Throttled

ENTRANT_ROLES = ("student", "guardian")  # who signs up here; judges get accounts


def _entrant_role(raw) -> str | None:
    return raw if raw in ENTRANT_ROLES else None


def _safe_next(request, url: str) -> str:
    if url and url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure()):
        return url
    return ""


def register(request):
    """Sign-up for students and guardians; ``next`` (kept through a refused form) brings them
    back where they were going, e.g. the entry form they chose before logging in."""
    role = _entrant_role(request.POST.get("role") or request.GET.get("role"))
    form = RegisterForm(request.POST or None, initial={"role": role})
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next") or "")
    if request.method == "POST" and form.is_valid():
        try:
            user = user_register(**form.cleaned_data)
        except DomainError as error:
            for field, msgs in (error.detail or {}).items():
                form.add_error(field if field in form.fields else None, msgs)
            if not error.detail:
                form.add_error(None, str(error.message))
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect(next_url or "my-entries")
    login_url = reverse("login") + (f"?{urlencode({'next': next_url})}" if next_url else "")
    return render(
        request,
        "registration/register.html",
        {"form": form, "next": next_url, "login_url": login_url},
    )


def landing(request):
    """Where a login lands: each role's own starting page."""

    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if user.role == "judge":
        return redirect("judge-queue")
    if user.role == "organizer" or user.is_superuser:
        contest = user.organized_contests.order_by("opens_at").first()
        return (
            redirect("organizer-contest", slug=contest.slug) if contest else redirect("admin:index")
        )
    return redirect("my-entries")


class LoginView(auth_views.LoginView):
    """Django's log-in page with throttling: 429 after repeated failures (DOMAIN §10)."""

    def get_context_data(self, **kwargs):
        """The sign-up link keeps where the person was going (``next``) and, when they came
        from a contest's "enter" button, who they are (``role``)."""
        context = super().get_context_data(**kwargs)
        query = {}
        next_url = _safe_next(self.request, self.request.GET.get("next", ""))
        if next_url:
            query["next"] = next_url
        if role := _entrant_role(self.request.GET.get("role")):
            query["role"] = role
        context["register_url"] = reverse("register") + (f"?{urlencode(query)}" if query else "")
        return context

    def post(self, request, *args, **kwargs):
        username = request.POST.get("username", "")
        try:
            login_throttle_check(username=username, ip=client_ip(request))
        except Throttled as error:
            form = self.get_form_class()(request)  # unbound: the password is not even checked
            context = self.get_context_data(form=form, throttled=str(error.message))
            response = self.render_to_response(context)
            response.status_code = 429
            response["Retry-After"] = str(error.retry_after)
            return response
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        username = self.request.POST.get("username", "")
        login_failures_clear(username=username, ip=client_ip(self.request))
        return super().form_valid(form)

    def form_invalid(self, form):
        username = self.request.POST.get("username", "")
        login_failure_record(username=username, ip=client_ip(self.request))
        return super().form_invalid(form)
