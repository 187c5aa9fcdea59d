"""``seed_wsce2021``: the two WSCE 2021 contests; with ``--demo`` a login per role, entries
with generated files and an assigned panel. The demo is the one place that imports every app."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings
from django.utils import timezone

from contests.seed import wsce2021_seed
from demo.entries import demo_entries_seed
from demo.judging import demo_judging_seed
from demo.pairwise import demo_pairwise_decisions, demo_pairwise_round
from demo.users import demo_users_seed


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
            "--proposals",
            type=int,
            default=4,
            help="demo team entries (Track S), with generated proposal PDFs",
        )
        parser.add_argument(
            "--drawings",
            type=int,
            default=None,
            help="demo drawings (Track D), with generated images (6; 24 with --pairwise)",
        )
        parser.add_argument(
            "--judges",
            type=int,
            default=6,
            help="demo judges on both first rounds (the 'judge' login is one)",
        )
        parser.add_argument(
            "--force", action="store_true", help="allow --demo outside DEBUG (never on a real site)"
        )
        parser.add_argument(
            "--pairwise",
            action="store_true",
            help="with --demo: Track D 예선 judged in pairs (comparative judgement), judging open "
            "now, with demo decisions",
        )

    def handle(self, *args, **opts):
        demo = opts["demo"]
        if demo and not settings.DEBUG and not opts["force"]:
            raise CommandError("--demo creates known passwords; it runs only with DJANGO_DEBUG=1.")
        if opts["pairwise"] and not demo:
            raise CommandError("--pairwise is a demo option: use it with --demo.")
        drawings = opts["drawings"]
        if drawings is None:
            drawings = 24 if opts["pairwise"] else 6
        contests = wsce2021_seed(demo_now=timezone.now() if demo else None)
        for contest in contests:
            self.stdout.write(f"contest {contest.slug}: {contest.title_ko}")
        if demo:
            logins = demo_users_seed(password=opts["password"], contests=list(contests))
            self.stdout.write("")
            self.stdout.write(f"Demo logins (password for all: {opts['password']})")
            for role, username in logins:
                self.stdout.write(f"  {role:<10} {username}")
            with override_settings(  # receipts of demo entries are not worth printing
                EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"
            ):
                made = demo_entries_seed(
                    smart=contests[0],
                    drawing=contests[1],
                    proposals=opts["proposals"],
                    drawings=drawings,
                    password=opts["password"],
                )
            if any(made):
                self.stdout.write(f"demo entries: {made[0]} proposals, {made[1]} drawings")
            prelim = demo_pairwise_round(drawing=contests[1]) if opts["pairwise"] else None
            n = demo_judging_seed(
                smart=contests[0],
                drawing=contests[1],
                judges=opts["judges"],
                password=opts["password"],
            )
            if n:
                self.stdout.write(f"demo judging: {n} judges on both first rounds, assigned")
            if prelim is not None:
                decided = demo_pairwise_decisions(prelim=prelim)
                slug = contests[1].slug
                self.stdout.write(
                    f"comparative judgement: {slug} {prelim.code} is judged in pairs "
                    f"({decided} demo decisions)\n"
                    f"  as `judge`:     /judging/rounds/{prelim.pk}/compare/\n"
                    f"  as `organizer`: /contests/{slug}/manage/rounds/{prelim.pk}/scale/"
                )
