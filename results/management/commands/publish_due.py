"""``manage.py publish_due``: run the scheduled publications whose time has come (cron, every
minute). Each runs as a background job acting as the organizer who scheduled it: in this
process on the embedded default, on a Celery worker when ``CELERY_BROKER_URL`` is set."""

from django.core.management.base import BaseCommand

from core.models import Job
from results.services.announcement import publications_due


class Command(BaseCommand):
    help = (
        "Publish the results whose scheduled publication is due (run every minute from cron; "
        "idempotent: a publication happens once, a cancelled schedule never)."
    )

    def handle(self, *args, **opts):
        jobs = publications_due()
        for job in jobs:
            job.refresh_from_db()
            contest = job.contest.slug if job.contest_id else "?"
            state = job.get_status_display() if job.status != Job.Status.DONE else "done"
            self.stdout.write(f"{contest}: job #{job.pk} {state}")
        if not jobs:
            self.stdout.write("nothing due")
