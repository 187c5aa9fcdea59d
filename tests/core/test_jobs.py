"""Background jobs: recorded by the seam, run once, re-run safely, visible to who started them."""

import pytest
from django.db import transaction

from accounts.enums import Role
from config.celery import app
from core import tasks
from core.models import Job
from tests.conftest import client_for
from tests.factories import user_make

pytestmark = pytest.mark.django_db

CALLS: list[dict] = []


def record_call(**kwargs) -> None:
    """A task for these tests: remembers its arguments, reports progress half-way."""
    tasks.job_progress(50)
    CALLS.append({**kwargs, "progress": Job.objects.get(name=__name__ + ".record_call").progress})


def explode(**kwargs) -> None:
    raise RuntimeError("thumbnail failed")


@pytest.fixture(autouse=True)
def _calls():
    CALLS.clear()
    yield
    CALLS.clear()


def test_in_process_job_is_recorded_and_runs_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        tasks.run_after_commit(f"{__name__}.record_call", file_id="abc")
        assert Job.objects.count() == 0 and CALLS == []  # nothing before the commit
    assert CALLS == [{"file_id": "abc", "progress": 50}]
    job = Job.objects.get()
    assert (job.name, job.args, job.status, job.progress, job.attempts, job.error) == (
        f"{__name__}.record_call",
        {"file_id": "abc"},
        "done",
        100,
        1,
        "",
    )
    assert job.started_at and job.finished_at and job.started_by is None


def test_rolled_back_work_is_neither_recorded_nor_run(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                tasks.run_after_commit(f"{__name__}.record_call", file_id="x")
                raise ValueError("the request failed")
        except ValueError:
            pass
    assert Job.objects.count() == 0 and CALLS == []


def test_failed_job_records_the_error_and_spares_the_request(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        tasks.run_after_commit(f"{__name__}.explode", entry_id="e1")
    job = Job.objects.get()
    assert job.status == "failed"
    assert job.error == "RuntimeError: thumbnail failed"
    assert job.finished_at is not None


def test_done_job_is_not_run_again_when_redelivered():
    job = Job.objects.create(name=f"{__name__}.record_call", args={"n": 1}, status="done")
    tasks.job_run(job_id=job.pk)
    assert CALLS == []
    job.refresh_from_db()
    assert job.attempts == 0


def test_job_left_running_by_a_dead_worker_runs_again():
    job = Job.objects.create(
        name=f"{__name__}.record_call", args={"n": 2}, status="running", attempts=1
    )
    tasks.job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.attempts, CALLS) == ("done", 2, [{"n": 2, "progress": 50}])


def test_unknown_task_fails_where_it_is_queued():
    with pytest.raises((ImportError, AttributeError)):
        tasks.run_after_commit("core.tasks.no_such_task", x=1)


def test_with_a_broker_the_job_is_queued_for_celery(
    settings, monkeypatch, django_capture_on_commit_callbacks, guardian
):
    sent = []
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"

    monkeypatch.setattr(app, "send_task", lambda name, args: sent.append((name, args)))
    with django_capture_on_commit_callbacks(execute=True):
        tasks.job_after_commit(f"{__name__}.record_call", {"n": 3}, started_by=guardian)
    job = Job.objects.get()
    assert sent == [("core.run_job", [job.pk])]
    assert (job.status, job.started_by, CALLS) == ("queued", guardian, [])


def test_job_status_api_for_who_started_it_only(guardian, other_guardian, organizer):
    """A person's own job (no contest): theirs alone, organizers included (issue 13.13)."""
    job = Job.objects.create(name="submissions.tasks.file_derivatives_make", started_by=guardian)
    url = f"/api/v1/jobs/{job.pk}/"
    mine = client_for(guardian).get(url)
    assert mine.status_code == 200
    body = mine.json()
    assert {k: body[k] for k in ("id", "status", "progress", "error", "attempts")} == {
        "id": job.pk,
        "status": "queued",
        "progress": 0,
        "error": "",
        "attempts": 0,
    }
    assert client_for(organizer).get(url).status_code == 404
    assert client_for(other_guardian).get(url).status_code == 404
    assert client_for(guardian).get("/api/v1/jobs/999999/").status_code == 404
    assert client_for(None).get(url).status_code == 401


def test_a_contest_job_is_visible_to_its_organizers_only(wsce, organizer):
    """Jobs of one contest: its organizers follow them; the other contest's organizer gets 404
    (issue 13.13: any organizer could read any job)."""
    smart, drawing = wsce
    smart.organizers.add(organizer)
    other = user_make(Role.ORGANIZER)
    drawing.organizers.add(other)
    job = Job.objects.create(name="results.tasks.round_rank", contest=smart, started_by=None)
    url = f"/api/v1/jobs/{job.pk}/"
    assert client_for(organizer).get(url).status_code == 200
    assert client_for(other).get(url).status_code == 404
    assert client_for(other).get(f"/api/v1/jobs/{'9' * 30}/").status_code == 404


def test_job_status_page_polls_with_static_js(client, guardian, other_guardian):
    job = Job.objects.create(name="results.notifications.results_emails", started_by=guardian)
    assert client.get(f"/jobs/{job.pk}/").status_code == 302  # log in first
    client.force_login(other_guardian)
    assert client.get(f"/jobs/{job.pk}/").status_code == 404
    client.force_login(guardian)
    page = client.get(f"/jobs/{job.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'data-job-url="/api/v1/jobs/{job.pk}/"' in html
    assert 'src="/static/js/job-status.js"' in html
    section = html[html.index('id="job-status"') :]
    assert "<script>" not in section  # no inline script (Content-Security-Policy)


def test_job_start_records_the_job_in_the_transaction_and_runs_it_after_commit(
    django_capture_on_commit_callbacks, organizer
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        job = tasks.job_start(f"{__name__}.record_call", {"n": 1}, started_by=organizer)
        assert Job.objects.get().pk == job.pk  # there at once: a page can link to it
        assert (job.status, job.started_by, CALLS) == ("queued", organizer, [])
    job.refresh_from_db()
    assert (job.status, job.progress, job.attempts) == ("done", 100, 1)
    assert CALLS == [{"n": 1, "progress": 50}]


def test_job_start_rolled_back_leaves_no_job_and_runs_nothing(
    django_capture_on_commit_callbacks, organizer
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        tasks.job_start(f"{__name__}.record_call", {"n": 2}, started_by=organizer)
        raise RuntimeError("the request failed")
    assert (Job.objects.count(), CALLS, len(callbacks)) == (0, [], 0)
    with pytest.raises(ImportError):
        tasks.job_start("core.tasks_typo.nothing", {})


def test_job_start_with_a_broker_sends_the_recorded_job(
    settings, monkeypatch, django_capture_on_commit_callbacks, organizer
):
    sent = []
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"

    monkeypatch.setattr(app, "send_task", lambda name, args: sent.append((name, args)))
    with django_capture_on_commit_callbacks(execute=True):
        job = tasks.job_start(f"{__name__}.record_call", {"n": 3}, started_by=organizer)
    assert sent == [("core.run_job", [job.pk])]
    assert (Job.objects.get().status, CALLS) == ("queued", [])


def test_job_status_page_links_back_only_to_this_site(client, organizer):
    job = Job.objects.create(name="judging.tasks.round_assign", started_by=organizer)
    client.force_login(organizer)
    page = client.get(f"/jobs/{job.pk}/", {"next": "/contests/x/manage/"})
    assert page.context["back"] == "/contests/x/manage/"
    page = client.get(f"/jobs/{job.pk}/", {"next": "https://evil.example/"})
    assert page.context["back"] == ""
