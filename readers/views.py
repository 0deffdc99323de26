import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django_ratelimit.core import is_ratelimited

from readers import services
from readers.forms import DeleteAccountForm, SignupForm


def cooloff_minutes() -> int:
    """How long a sign-in lockout lasts, in whole minutes (`SIGNIN_COOLOFF_MINUTES`)."""
    return max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60))


def locked_out(request, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' answer to a sign-in refused by a lockout: 429, saying when to try again.

    The API's token endpoint answers its own 429 problem (newsroom.api.TokenView)."""
    response = render(
        request,
        "registration/locked_out.html",
        {"minutes": cooloff_minutes(), "login_url": reverse("readers:login")},
        status=429,
    )
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    response["Cache-Control"] = "private, no-store"
    return response


def _too_many(request, what: str) -> HttpResponse:
    return render(request, "429.html", {"what": what}, status=429)


def _limited(request, group: str, rate: str) -> bool:
    return request.method == "POST" and is_ratelimited(
        request, group=group, key="ip", rate=rate, method="POST", increment=True
    )


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return target
    return default


def signup(request):
    if request.user.is_authenticated:
        return redirect("stories:following")
    if _limited(request, "signup", settings.READER_SIGNUP_RATE):
        return _too_many(request, "sign-up attempts")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Welcome! Follow a story to see what changes in it.")
        return redirect(_safe_next(request, reverse("stories:home")))
    return render(
        request, "registration/signup.html", {"form": form, "next": _safe_next(request, "")}
    )


class RateLimitedPostMixin:
    """Refuse POSTs from one address beyond `rate_setting` with a 429 page."""

    rate_group = ""
    rate_setting = ""
    rate_what = ""

    def post(self, request, *args, **kwargs):
        if _limited(request, self.rate_group, getattr(settings, self.rate_setting)):
            return _too_many(request, self.rate_what)
        return super().post(request, *args, **kwargs)


class LoginView(RateLimitedPostMixin, auth_views.LoginView):
    """Django's login, rate limited per address so passwords cannot be guessed at speed, and
    locked per account and address after repeated failures (django-axes: `locked_out`)."""

    redirect_authenticated_user = True
    rate_group, rate_setting, rate_what = "login", "READER_LOGIN_RATE", "sign-in attempts"


class PasswordResetView(RateLimitedPostMixin, auth_views.PasswordResetView):
    """Django's password reset, rate limited so it cannot be used to flood a mailbox."""

    rate_group, rate_setting, rate_what = "reset", "READER_RESET_RATE", "password reset requests"
    email_template_name = "registration/password_reset_email.txt"
    success_url = reverse_lazy("readers:password_reset_done")


@login_required
def account(request):
    return render(request, "readers/account.html")


@login_required
def export_data(request):
    data = services.reader_export(reader=request.user)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="newsroom-my-data.json"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def delete_account(request):
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.reader_delete(reader=request.user)
        logout(request)
        messages.success(request, "Your account and everything we kept about it are deleted.")
        return redirect("stories:home")
    return render(request, "readers/delete_account.html", {"form": form})
