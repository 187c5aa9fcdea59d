from django.core.management.base import BaseCommand, CommandError

from accounts.enums import STAFF_ROLES
from accounts.services import staff_user_create
from contests.models import Contest
from core.errors import DomainError


class Command(BaseCommand):
    help = "Create a judge or organizer account (they never register themselves)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=[r.value for r in STAFF_ROLES])
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", required=True)
        parser.add_argument("--affiliation", default="")
        parser.add_argument("--password", required=True)
        parser.add_argument(
            "--contest",
            action="append",
            default=[],
            help="slug of a contest the organizer runs (repeatable)",
        )

    def handle(self, *args, **opts):
        try:
            user = staff_user_create(
                username=opts["username"],
                password=opts["password"],
                email=opts["email"],
                name=opts["name"],
                role=opts["role"],
                affiliation=opts["affiliation"],
            )
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message} {exc.detail}") from exc
        for slug in opts["contest"]:
            try:
                Contest.objects.get(slug=slug).organizers.add(user)
            except Contest.DoesNotExist as exc:
                raise CommandError(f"no contest {slug!r}") from exc
        self.stdout.write(f"created {user.role} {user.username}")
