from datetime import timedelta

import pandas as pd
import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from core.models import AuditRecord
from judging.models import JudgeProfile, PanelMember
from judging.services.assignment import judges_assign
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

CSV = (
    "username,name,email,affiliation,expertise,max_load,rounds\n"
    "kim.j,김심사,kim@judges.example,한국교통연구원,mobility;energy,40,r1\n"
    "lee.j,이심사,lee@judges.example,서울시립대학교,,,r1;r2\n"
)


def post_csv(user, text, name="judges.csv", slug="wsce2021-smart-city"):
    return client_for(user).post(
        f"/api/v1/contests/{slug}/judges/import/",
        {"file": SimpleUploadedFile(name, text.encode("utf-8"))},
        format="multipart",
    )


def test_import_creates_judges_panels_and_sends_invitations(
    judged, organizer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_csv(organizer, CSV)
    assert response.status_code == 200, response.json()
    assert response.json() == {"created": ["kim.j", "lee.j"], "updated": [], "panel_places": 3}
    kim = User.objects.get(username="kim.j")
    assert (kim.role, kim.affiliation, kim.is_staff) == ("judge", "한국교통연구원", False)
    assert JudgeProfile.objects.get(user=kim).expertise == ["energy", "mobility"]
    assert PanelMember.objects.get(judge=kim, round__code="r1").max_load == 40
    assert PanelMember.objects.filter(judge__username="lee.j").count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["kim@judges.example", "lee@judges.example"]
    assert "/accounts/reset/" in mail.outbox[0].body  # they set their own password
    assert AuditRecord.objects.filter(action="judges.import").exists()
    again = post_csv(organizer, CSV).json()  # idempotent: updates, no duplicates
    assert (
        again["updated"] == ["kim.j", "lee.j"]
        and PanelMember.objects.filter(judge__username__in=["kim.j", "lee.j"]).count() == 3
    )


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("username,name\nx,y\n", "missing column(s) 'email'"),
        (CSV.replace("kim@judges.example", "not-an-email"), "row 2"),
        (CSV.replace(",r1\n", ",r9\n"), "no round 'r9'"),
        (CSV.replace(",40,", ",-3,"), "max_load"),
    ],
)
def test_bad_tables_import_nothing_and_say_where(judged, organizer, text, needle):
    response = post_csv(organizer, text)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_table"
    assert needle in str(body)
    assert not User.objects.filter(username__in=["kim.j", "lee.j", "x"]).exists()


def test_only_organizers_import(judged, judge):
    assert post_csv(judge, CSV).status_code == 404
    assert not User.objects.filter(username="kim.j").exists()


def test_import_command_and_xlsx(judged, tmp_path, capsys):

    path = tmp_path / "judges.xlsx"
    pd.DataFrame(
        [
            {
                "username": "park.j",
                "name": "박심사",
                "email": "park@judges.example",
                "rounds": "prelim",
            }
        ]
    ).to_excel(path, index=False)
    call_command("import_judges", str(path), "--contest", "wsce2021-drawing")
    assert "created 1, updated 0 judges; 1 panel places" in capsys.readouterr().out
    assert PanelMember.objects.filter(judge__username="park.j", round__code="prelim").exists()


def test_reminders_go_to_judges_with_work_left_once_a_day(judged, organizer, capsys):
    prelim = judged["prelim"]
    prelim.judging_closes_at = timezone.now() + timedelta(hours=20)
    prelim.save()
    judges_assign(user=organizer, round=prelim)
    call_command("send_judge_reminders", "--within-hours", "48")
    out = capsys.readouterr().out
    assert "reminded 4 judges" in out
    assert len(mail.outbox) == 4
    assert "/judging/" in mail.outbox[0].body
    call_command("send_judge_reminders", "--within-hours", "48")
    assert "reminded 0 judges" in capsys.readouterr().out  # not twice within a day
    prelim.judging_closes_at = timezone.now() + timedelta(days=5)
    prelim.save()
    call_command("send_judge_reminders", "--within-hours", "48", "--dry-run")
    assert "would remind 0 judges" in capsys.readouterr().out
