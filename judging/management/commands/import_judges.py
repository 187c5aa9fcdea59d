from django.core.management.base import BaseCommand, CommandError

from contests.models import Contest
from core.actors import SYSTEM
from core.errors import DomainError
from judging.services.judges import judges_import


class Command(BaseCommand):
    help = (
        "Create or update judges from CSV/XLSX (username,name,email[,affiliation,expertise,"
        "max_load,rounds]); new judges get an email to set their password."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--contest", required=True, help="contest slug")

    def handle(self, *args, **opts):
        try:
            contest = Contest.objects.get(slug=opts["contest"])
        except Contest.DoesNotExist as exc:
            raise CommandError(f"no contest {opts['contest']!r}") from exc
        try:
            report = judges_import(user=SYSTEM, contest=contest, path=opts["file"])
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message} {exc.detail}") from exc
        self.stdout.write(
            f"created {len(report.created)}, updated {len(report.updated)} judges; "
            f"{report.panel_places} panel places"
        )
