from datetime import timedelta

from django.core.management.base import BaseCommand

from judging.services.reminders import reminders_send


class Command(BaseCommand):
    help = "Email judges who still have unsubmitted scorecards in rounds closing soon."

    def add_arguments(self, parser):
        parser.add_argument("--within-hours", type=int, default=48)
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, **opts):
        sent = reminders_send(within=timedelta(hours=opts["within_hours"]), dry_run=opts["dry_run"])
        verb = "would remind" if opts["dry_run"] else "reminded"
        self.stdout.write(f"{verb} {len(sent)} judges")
        for username, round_code, left in sent:
            self.stdout.write(f"  {username} {round_code}: {left} left")
