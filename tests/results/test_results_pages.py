"""The organizer's results page drives the same services as the API."""

import pytest

from judging.services.assignment import judges_assign
from results.models import Publication
from tests.results.test_results_api import (  # noqa: F401 (smart: a fixture)
    points,
    publish_drawing,
    score_all,
    smart,
)

pytestmark = pytest.mark.django_db


def test_organizer_runs_the_whole_results_flow_in_the_browser(smart, organizer, client):  # noqa: F811
    client.force_login(organizer)
    base = "/contests/wsce2021-smart-city/manage/results/"
    judges_assign(user=organizer, round=smart["r1"])
    score_all(smart["r1"], points(smart["r1"]))

    page = client.post(
        base + "rank/", {"round": smart["r1"].pk, "method": "z_score"}, follow=True
    ).content.decode()
    assert "10" in page and "error" in page  # z-scores refused: too few entries per judge
    page = client.post(
        base + "rank/", {"round": smart["r1"].pk, "method": "mean"}, follow=True
    ).content.decode()
    assert "WSCE21-S-0001" in page and 'class="bar"' in page  # ranking + judge chart
    client.post(base + "advance/", {"round": smart["r1"].pk})
    judges_assign(user=organizer, round=smart["r2"])
    score_all(smart["r2"], points(smart["r2"]))
    client.post(base + "rank/", {"round": smart["r2"].pk})
    client.post(base + "final/")
    page = client.post(base + "allocate/", follow=True).content.decode()
    assert "50,000,000" in page and "180,000,000" in page  # awarded and unallocated shown
    client.post(base + "approve/")
    unconfirmed = client.post(base + "publish/", follow=True)  # the preview first
    assert unconfirmed.redirect_chain[-1][0] == base + "preview/"
    assert not Publication.objects.exists()
    client.post(base + "publish/", {"confirm": "1"})  # before the announcement date: twice
    assert not Publication.objects.exists()
    client.post(base + "publish/", {"confirm": "1", "early": "1"})
    assert Publication.objects.filter(unpublished_at__isnull=True).count() == 1
    public = client.get("/contests/wsce2021-smart-city/results/").content.decode()
    assert smart["entries"][0].team_name in public


def test_results_page_is_for_organizers_only(smart, student, client, judged):  # noqa: F811
    client.force_login(judged["judges"][0])
    assert client.get("/contests/wsce2021-smart-city/manage/results/").status_code == 404
    assert client.post("/contests/wsce2021-smart-city/manage/results/final/").status_code == 404


def test_rankings_and_awards_name_the_division_not_its_code(judged, organizer, client):
    publish_drawing(judged, organizer)
    client.force_login(organizer)
    page = client.get("/contests/wsce2021-drawing/manage/results/").content.decode()
    names = {d.code: d.name_ko for d in judged["drawing"].divisions.all()}
    shown = [code for code in names if f"<td>{names[code]}</td>" in page]
    assert shown  # ranking rows and awards carry the age division's name
    assert not [code for code in names if f"<td>{code}</td>" in page]
