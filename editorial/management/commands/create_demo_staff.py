import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Development only: make (or reset) the demo staff login and print its password."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="editor")
        parser.add_argument("--admin-url", default="http://127.0.0.1:8000/admin/")

    def handle(self, *args, username, admin_url, **options):
        """Create a superuser with a fresh random password; refuses unless DEBUG is on."""
        if not settings.DEBUG:
            raise CommandError("Refusing to create a demo login while DEBUG is off.")
        password = secrets.token_urlsafe(12)
        user, _ = get_user_model().objects.get_or_create(username=username)
        user.is_staff = user.is_superuser = True
        user.set_password(password)
        user.save()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo staff login (development only): {username} / {password}  at {admin_url}"
            )
        )
