"""``seed_wsce2021``: the two WSCE 2021 contests; with ``--demo`` a login per role, entries
with generated files, both contests taking entries for 14 more days, and a third, demo-only
contest (Track D's configuration) whose preliminary round is being judged: an assigned panel,
a few scorecards. The demo is the one place that imports every app."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings
from django.utils import timezone

from contests.seed import wsce2021_seed
from demo.entries import demo_entries_seed
from demo.judging import demo_judging_contest, demo_judging_seed
from demo.pairwise import demo_pairwise_decisions, demo_pairwise_round
from demo.users import demo_users_seed


class Command(BaseCommand):
    help = (
        "Create or update the two WSCE 2021 contests (idempotent). "
        "--demo adds a login for every role, moves the schedule so submissions are open now, "
        "and adds a demo contest whose first round is being judged."
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
            help="demo judges on the demo contest's first round (the 'judge' login is one)",
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
        now = timezone.now()
        contests = wsce2021_seed(demo_now=now if demo else None)
        if demo:
            contests = (*contests, demo_judging_contest(now=now))
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
                    drawings=opts["drawings"] or 6,
                    password=opts["password"],
                )
            if any(made):
                self.stdout.write(f"demo entries: {made[0]} proposals, {made[1]} drawings")
            # the demo contest being judged is Track D's configuration: with --pairwise its
            # 예선 is judged in pairs (the real Track D takes entries in the demo, and nothing
            # is judged while a contest takes entries)
            prelim = demo_pairwise_round(contest=contests[2]) if opts["pairwise"] else None
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
                n = demo_judging_seed(
                    contest=contests[2],
                    judges=opts["judges"],
                    drawings=drawings,
                    password=opts["password"],
                    now=now,
                )
            if n:
                self.stdout.write(
                    f"demo judging: {contests[2].slug}: submissions closed, {n} judges "
                    "on its preliminary round"
                )
            if prelim is not None:
                decided = demo_pairwise_decisions(prelim=prelim)
                slug = contests[2].slug
                self.stdout.write(
                    f"comparative judgement: {slug} {prelim.code} is judged in pairs "
                    f"({decided} demo decisions)\n"
                    f"  as `judge`:     /judging/rounds/{prelim.pk}/compare/\n"
                    f"  as `organizer`: /contests/{slug}/manage/rounds/{prelim.pk}/scale/"
                )
