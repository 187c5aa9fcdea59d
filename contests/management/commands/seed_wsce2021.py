from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from contests.demo import demo_users_seed
from contests.seed import wsce2021_seed


class Command(BaseCommand):
    help = (
        "Create or update the two WSCE 2021 contests (idempotent). "
        "--demo adds a login for every role and moves the schedule so submissions are open now."
    )

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true", help="add demo users (DEBUG only)")
        parser.add_argument(
            "--password", default="wsce2021-demo", help="password for every demo login (demo only)"
        )
        parser.add_argument(
            "--force", action="store_true", help="allow --demo outside DEBUG (never on a real site)"
        )

    def handle(self, *args, **opts):
        demo = opts["demo"]
        if demo and not settings.DEBUG and not opts["force"]:
            raise CommandError("--demo creates known passwords; it runs only with DJANGO_DEBUG=1.")
        contests = wsce2021_seed(demo_now=timezone.now() if demo else None)
        for contest in contests:
            self.stdout.write(f"contest {contest.slug}: {contest.title_ko}")
        if demo:
            logins = demo_users_seed(password=opts["password"], contests=list(contests))
            self.stdout.write("")
            self.stdout.write(f"Demo logins (password for all: {opts['password']})")
            for role, username in logins:
                self.stdout.write(f"  {role:<10} {username}")
