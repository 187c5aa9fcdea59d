from django.core.management.base import BaseCommand

from results.services.retention import personal_data_purge


class Command(BaseCommand):
    help = (
        "Delete non-winners' personal data and files of contests whose results were published "
        "more than their appeal window ago; anonymous scores stay (run daily; idempotent)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="only count, change nothing")

    def handle(self, *args, **opts):
        report = personal_data_purge(dry_run=opts["dry_run"])
        verb = "would purge" if opts["dry_run"] else "purged"
        self.stdout.write(
            f"{verb} {report.entries} entries, {report.files} files, {report.members} team "
            f"members, {report.children} children, {report.certificates} certificates' names in "
            f"{len(report.contests)} contests"
            + (f": {', '.join(report.contests)}" if report.contests else "")
        )
