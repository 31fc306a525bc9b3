"""python manage.py api_token USERNAME [--label TEXT] — create a token for the read-only JSON API."""

from django.core.management.base import BaseCommand, CommandError

from units.models import User
from units.services import api_token_create


class Command(BaseCommand):
    help = "Create an API token for a user and print it once (only its hash is stored)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--label", default="")

    def handle(self, *args, username: str, label: str, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {username!r}", returncode=2)
        key, _ = api_token_create(actor=None, user=user, label=label)
        self.stdout.write(key)
