from datetime import timedelta

from django.core.management.base import BaseCommand

from submissions.services.sweeper import uploads_sweep


class Command(BaseCommand):
    help = "Delete expired upload slots and stored objects no entry refers to (run daily)."

    def add_arguments(self, parser):
        parser.add_argument("--older-than-hours", type=int, default=24)
        parser.add_argument("--dry-run", action="store_true", help="only count")

    def handle(self, *args, **opts):
        report = uploads_sweep(
            older_than=timedelta(hours=opts["older_than_hours"]), dry_run=opts["dry_run"]
        )
        verb = "would delete" if opts["dry_run"] else "deleted"
        self.stdout.write(
            f"{verb} {report.expired_slots} expired upload slots and "
            f"{report.orphaned_objects} unreferenced objects; kept {report.kept_objects}"
        )
