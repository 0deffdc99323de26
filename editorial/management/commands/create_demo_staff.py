import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

# The demo login's password, kept beside the checkout's .env (git ignores both) so that each
# `make run` prints the same one and a signed-in editor stays signed in.
PASSWORD_FILE = Path(settings.BASE_DIR) / ".demo-staff-password"


class Command(BaseCommand):
    help = (
        "Development only: make the demo staff login and print its password, the same one on "
        "every run (--reset makes a new one)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="editor")
        parser.add_argument("--admin-url", default="http://127.0.0.1:8000/admin/")
        parser.add_argument("--reset", action="store_true", help="choose a new password")

    def handle(self, *args, username, admin_url, reset, **options):
        """Create the superuser, or leave it as it is when its password is still the kept one:
        setting even the same password again makes a new hash, which ends its sessions."""
        if not settings.DEBUG:
            raise CommandError("Refusing to create a demo login while DEBUG is off.")
        password = None if reset else _kept_password()
        if password is None:
            password = secrets.token_urlsafe(12)
            PASSWORD_FILE.write_text(password + "\n")
            PASSWORD_FILE.chmod(0o600)
        user, _ = get_user_model().objects.get_or_create(username=username)
        changed = not (user.is_staff and user.is_superuser)
        user.is_staff = user.is_superuser = True
        if not user.check_password(password):
            user.set_password(password)
            changed = True
        if changed:
            user.save()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo staff login (development only): {username} / {password}  at {admin_url}"
            )
        )


def _kept_password() -> str | None:
    try:
        return PASSWORD_FILE.read_text().strip() or None
    except FileNotFoundError:
        return None
