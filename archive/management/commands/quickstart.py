"""Local set-up in one step: settings, database, a curator, demo content, a server.

Safe to run again: the local settings file (`.env`: DEBUG=1 and a generated secret
key, see memorial/envfile.py) keeps what it has, migrations are idempotent, the curator
is created only once (its password is printed only then), and the demo loader updates
records in place. `manage.py quickstart` writes `.env` before settings are read, so
this run already uses it.
"""

from __future__ import annotations

import secrets
import shutil

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand

from archive.groups import MANAGER_GROUP, ensure_curator_groups
from memorial.envfile import env_file, write_development_env

DEMO_USERNAME = "curator"


class Command(BaseCommand):
    help = "Migrate, create a demo curator, load the demo archive and start the server."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-serve",
            action="store_true",
            help="Set up, but do not start the server.",
        )
        parser.add_argument("--addrport", default="127.0.0.1:8000")

    def compile_messages(self) -> None:
        """The French, Dutch and German pages need compiled catalogues (locale/*.mo,
        not in git). gettext's msgfmt does it; without it the site stays English."""
        locale = settings.BASE_DIR / "locale"
        if not locale.is_dir():
            return
        if shutil.which("msgfmt") is None:
            self.stdout.write(
                self.style.WARNING(
                    "gettext's msgfmt is missing (apt-get install gettext): the "
                    "pages stay in English until `manage.py compilemessages` runs."
                )
            )
            return
        call_command(
            "compilemessages", locale=[], verbosity=0, ignore_patterns=[".venv", "venv"]
        )

    def handle(
        self, *args, no_serve: bool = False, addrport: str = "127.0.0.1:8000", **kw
    ):
        write_development_env()
        self.stdout.write("Preparing the database...")
        call_command("migrate", interactive=False, verbosity=0)

        password = self.ensure_curator()
        self.compile_messages()

        demo = settings.BASE_DIR / "fixtures" / "demo"
        if demo.is_dir() and "load_demo" in get_commands():
            self.stdout.write("Loading the demo archive (Belgium 1940-1945)...")
            call_command("load_demo", verbosity=1, stdout=self.stdout)

        base = f"http://{addrport}"
        self.stdout.write(self.style.SUCCESS("\nThe archive is ready."))
        self.stdout.write(f"  Public pages:  {base}/")
        self.stdout.write(f"  Curator admin: {base}/admin/")
        self.stdout.write(
            f"  API:           {base}/api/v1/  (docs: {base}/api/v1/docs/)"
        )
        local_settings = env_file()
        if local_settings is not None and local_settings.is_file():
            self.stdout.write(
                f"  Settings:      {local_settings} (for local use only; git-ignored)"
            )
        if password:
            self.stdout.write(
                self.style.WARNING(
                    f"\n  Log in as '{DEMO_USERNAME}' with the password {password}\n"
                    "  (shown only now; change it with "
                    f"'python manage.py changepassword {DEMO_USERNAME}')."
                )
            )
        else:
            self.stdout.write(
                f"\n  The '{DEMO_USERNAME}' account already exists; its password was "
                "printed the first time. Reset it with "
                f"'python manage.py changepassword {DEMO_USERNAME}'."
            )
        if no_serve:
            return
        self.stdout.write(
            f"\nStarting the development server on {base} (Ctrl+C stops it)"
        )
        call_command("runserver", addrport, use_reloader=False)

    def ensure_curator(self) -> str | None:
        """Create the demo curator, a Publisher and Archive manager (who invites
        other curators); return its new password."""
        User = get_user_model()
        user = User.objects.filter(username=DEMO_USERNAME).first()
        password = None
        if user is None:
            password = secrets.token_urlsafe(12)
            user = User.objects.create_user(
                username=DEMO_USERNAME, password=password, is_staff=True
            )
        ensure_curator_groups()
        user.groups.add(
            Group.objects.get(name="Publisher"), Group.objects.get(name=MANAGER_GROUP)
        )
        return password
