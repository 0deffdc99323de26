import json

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from readers.models import Follow
from tests.factories import make_story

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


def signup(client, username="amara", password="a-long-Passphrase-9", **extra):
    return client.post(
        reverse("readers:signup"),
        {
            "username": username,
            "email": f"{username}@example.com",
            "password1": password,
            "password2": password,
            **extra,
        },
    )


def test_signup_creates_a_reader_without_staff_rights_and_signs_in(client):
    response = signup(client)
    assert response.status_code == 302
    user = User.objects.get(username="amara")
    assert not user.is_staff and not user.is_superuser
    assert user.email == "amara@example.com"
    assert client.get(reverse("stories:following")).status_code == 200
    assert client.get(reverse("admin:index")).status_code == 302


def test_signup_applies_password_validators_on_the_field(client):
    response = signup(client, password="12345678")
    assert response.status_code == 200
    assert "password2" in response.context["form"].errors
    assert not User.objects.exists()


def test_signup_redirects_only_to_this_site(client):
    response = signup(client, next="https://evil.example/")
    assert response["Location"] == reverse("stories:home")
    client.logout()
    response = signup(client, username="leila", next="/following/")
    assert response["Location"] == "/following/"


def test_login_and_logout(client):
    User.objects.create_user("kenji", "kenji@example.com", "a-long-Passphrase-9")
    response = client.post(
        reverse("readers:login"), {"username": "kenji", "password": "a-long-Passphrase-9"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("stories:following")
    response = client.post(reverse("readers:logout"))
    assert response.status_code == 302
    assert client.get(reverse("stories:following")).status_code == 302


def test_wrong_username_and_wrong_password_get_the_same_answer(client):
    User.objects.create_user("kenji", "kenji@example.com", "a-long-Passphrase-9")
    wrong_password = client.post(
        reverse("readers:login"), {"username": "kenji", "password": "nope-nope-1"}
    )
    no_such_user = client.post(
        reverse("readers:login"), {"username": "nobody", "password": "nope-nope-1"}
    )
    assert wrong_password.status_code == no_such_user.status_code == 200
    assert (
        wrong_password.context["form"].non_field_errors()
        == no_such_user.context["form"].non_field_errors()
    )


def test_password_reset_mails_a_link_only_to_real_accounts_and_says_the_same(client):
    User.objects.create_user("kenji", "kenji@example.com", "a-long-Passphrase-9")
    known = client.post(reverse("readers:password_reset"), {"email": "kenji@example.com"})
    unknown = client.post(reverse("readers:password_reset"), {"email": "ghost@example.com"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    link = next(line for line in body.splitlines() if "/accounts/password/reset/" in line)
    path = link.split("testserver", 1)[1]
    response = client.get(path, follow=True)
    assert response.context["validlink"]
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "another-Passphrase-7", "new_password2": "another-Passphrase-7"},
    )
    assert response.status_code == 302
    assert User.objects.get(username="kenji").check_password("another-Passphrase-7")


def test_password_change(client):
    user = User.objects.create_user("kenji", "kenji@example.com", "a-long-Passphrase-9")
    client.force_login(user)
    response = client.post(
        reverse("readers:password_change"),
        {
            "old_password": "a-long-Passphrase-9",
            "new_password1": "another-Passphrase-7",
            "new_password2": "another-Passphrase-7",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("another-Passphrase-7")


def test_login_is_rate_limited_per_address(client, settings):
    settings.READER_LOGIN_RATE = "3/m"
    for _ in range(3):
        assert (
            client.post(reverse("readers:login"), {"username": "x", "password": "y"}).status_code
            == 200
        )
    response = client.post(reverse("readers:login"), {"username": "x", "password": "y"})
    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.content.decode()
    other = Client(REMOTE_ADDR="10.9.8.7")
    assert (
        other.post(reverse("readers:login"), {"username": "x", "password": "y"}).status_code == 200
    )


def test_signup_is_rate_limited(client, settings):
    settings.READER_SIGNUP_RATE = "2/h"
    signup(client, username="one")
    client.logout()
    signup(client, username="two")
    client.logout()
    response = signup(client, username="three")
    assert response.status_code == 429
    assert not User.objects.filter(username="three").exists()


def test_forms_need_csrf(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("readers:login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    page = client.get(reverse("readers:signup"))
    assert 'name="csrfmiddlewaretoken"' in page.content.decode()


def test_export_holds_the_account_and_follows(client):
    user = User.objects.create_user("kenji", "kenji@example.com", "a-long-Passphrase-9")
    story = make_story()
    Follow.objects.create(reader=user, story=story)
    client.force_login(user)
    response = client.get(reverse("readers:export"))
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["account"]["username"] == "kenji"
    assert [f["story"] for f in data["follows"]] == [story.slug]


def test_delete_account_needs_the_password_and_removes_follows(client):
    user = User.objects.create_user("kenji", "kenji@example.com", "a-long-Passphrase-9")
    Follow.objects.create(reader=user, story=make_story())
    client.force_login(user)
    response = client.post(reverse("readers:delete"), {"password": "wrong"})
    assert response.status_code == 200
    assert "password" in response.context["form"].errors
    response = client.post(reverse("readers:delete"), {"password": "a-long-Passphrase-9"})
    assert response.status_code == 302
    assert not User.objects.filter(username="kenji").exists()
    assert not Follow.objects.exists()
    assert client.get(reverse("stories:following")).status_code == 302


def test_account_pages_need_a_login(client):
    names = ["stories:following"] + [
        f"readers:{name}" for name in ("account", "export", "delete", "password_change")
    ]
    for name in names:
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("readers:login"))


# Sign-in lockout (django-axes): per account and address, for a cool-off ---------------------

ATTACKER, ELSEWHERE = "203.0.113.66", "198.51.100.20"
EDITOR_PASSWORD = "the-Right-passphrase-42"


@pytest.fixture
def editor(db):
    return User.objects.create_superuser("editor", "editor@example.com", EDITOR_PASSWORD)


def admin_login(address, password):
    client = Client(REMOTE_ADDR=address)
    response = client.post(
        reverse("admin:login"),
        {"username": "editor", "password": password, "next": "/admin/"},
    )
    return client, response


def _cool_off_passes():
    """Move every recorded failure back past the cool-off, as if that time had gone by."""
    from axes.models import AccessAttempt
    from django.conf import settings
    from django.db.models import F

    AccessAttempt.objects.update(attempt_time=F("attempt_time") - settings.AXES_COOLOFF_TIME)


def test_30_wrong_admin_passwords_lock_that_account_for_that_address_only(editor):
    answers = [admin_login(ATTACKER, f"guess-{n}")[1].status_code for n in range(30)]

    # Five wrong passwords, then a lockout: the form's own refusal, then 429 on the lockout page.
    assert answers[:4] == [200] * 4
    assert set(answers[4:]) == {429}
    _, right = admin_login(ATTACKER, EDITOR_PASSWORD)
    assert right.status_code == 429
    page = right.content.decode()
    assert "Sign-in paused for this account" in page
    assert "15 minutes" in page
    assert right["Retry-After"] == "900"

    # The rightful editor, elsewhere, signs in.
    client, response = admin_login(ELSEWHERE, EDITOR_PASSWORD)
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_a_locked_out_user_recovers_after_the_cool_off(editor):
    for n in range(5):
        admin_login(ATTACKER, f"guess-{n}")
    assert admin_login(ATTACKER, EDITOR_PASSWORD)[1].status_code == 429

    _cool_off_passes()

    assert admin_login(ATTACKER, EDITOR_PASSWORD)[1].status_code == 302


def test_staff_unlock_an_account_at_once_with_axes_reset_username(editor):
    from django.core.management import call_command

    for n in range(5):
        admin_login(ATTACKER, f"guess-{n}")
    call_command("axes_reset_username", "editor")
    assert admin_login(ATTACKER, EDITOR_PASSWORD)[1].status_code == 302


def test_reader_login_locks_out_with_the_page_in_the_site_style(client, editor):
    reader = Client(REMOTE_ADDR=ATTACKER)
    for n in range(5):
        reader.post(reverse("readers:login"), {"username": "editor", "password": f"guess-{n}"})
    response = reader.post(
        reverse("readers:login"), {"username": "editor", "password": EDITOR_PASSWORD}
    )
    assert response.status_code == 429
    assert "site-header" in response.content.decode()
    assert "reset it" in response.content.decode()
    other = Client(REMOTE_ADDR=ELSEWHERE)
    assert (
        other.post(
            reverse("readers:login"), {"username": "editor", "password": EDITOR_PASSWORD}
        ).status_code
        == 302
    )


def test_token_endpoint_locks_out_with_a_429_problem(editor):
    from rest_framework.test import APIClient

    attacker = APIClient(REMOTE_ADDR=ATTACKER)
    url = "/api/v1/auth/token/"
    answers = [
        attacker.post(url, {"username": "editor", "password": f"guess-{n}"}, format="json")
        for n in range(6)
    ]
    assert [a.status_code for a in answers[:4]] == [401] * 4
    locked = attacker.post(url, {"username": "editor", "password": EDITOR_PASSWORD}, format="json")
    assert locked.status_code == 429
    assert locked["Content-Type"] == "application/problem+json"
    assert locked.json()["code"] == "locked_out"
    assert int(locked["Retry-After"]) == 900
    assert "token" not in locked.json()

    elsewhere = APIClient(REMOTE_ADDR=ELSEWHERE)
    response = elsewhere.post(
        url, {"username": "editor", "password": EDITOR_PASSWORD}, format="json"
    )
    assert response.status_code == 200
    _cool_off_passes()
    response = attacker.post(
        url, {"username": "editor", "password": EDITOR_PASSWORD}, format="json"
    )
    assert response.status_code == 200


def test_the_right_password_works_beside_an_attacker_on_the_same_address(editor):
    """Per-address limits are generous: an attacker guessing other accounts from a shared
    address does not keep the rightful user out."""
    shared = Client(REMOTE_ADDR=ATTACKER)
    for n in range(30):
        shared.post(reverse("readers:login"), {"username": f"victim{n % 6}", "password": "x"})
    response = Client(REMOTE_ADDR=ATTACKER).post(
        reverse("readers:login"), {"username": "editor", "password": EDITOR_PASSWORD}
    )
    assert response.status_code == 302


def test_a_password_check_without_a_request_still_works(editor):
    from django.contrib.auth import authenticate

    assert authenticate(username="editor", password=EDITOR_PASSWORD) == editor
    assert authenticate(username="editor", password="wrong") is None
