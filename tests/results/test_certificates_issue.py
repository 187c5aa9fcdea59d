"""Certificates of a published contest (DOMAIN §8): issuing in the background, the entrant's
download (Korean text read back from the PDF), the organizers' ZIP, the public verification
page (valid, mistyped, unknown, revoked), revocation and reinstatement, the retention purge."""

import io
import re
import zipfile

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from PIL import Image
from pypdf import PdfReader

from accounts.enums import Role
from core.models import AuditRecord, Job
from results.certificates import serial_generate
from results.models import Certificate, CertificateBatch, CertificateDesign, Publication
from results.services import certificates_issue, publication
from submissions.models import Entry, TeamMember
from tests.conftest import client_for
from tests.factories import user_make
from tests.results.after_world import smart_world

pytestmark = pytest.mark.django_db


def issue(organizer, contest, django_capture_on_commit_callbacks) -> dict:
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(organizer).post(f"/api/v1/contests/{contest.slug}/certificates/")
    assert response.status_code == 202, response.json()
    return response.json()


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    return re.sub(r"\s+", "", reader.pages[0].extract_text())


@pytest.fixture
def world(organizer):
    return smart_world(organizer)


@pytest.fixture
def issued(world, organizer, django_capture_on_commit_callbacks):
    issue(organizer, world["contest"], django_capture_on_commit_callbacks)
    return world


def test_a_batch_issues_one_per_member_and_an_award_per_winner(
    world, organizer, django_capture_on_commit_callbacks
):
    job = issue(organizer, world["contest"], django_capture_on_commit_callbacks)
    assert Job.objects.get(pk=job["id"]).status == "done"
    assert Job.objects.get(pk=job["id"]).progress == 100
    members = TeamMember.objects.filter(
        entry__contest=world["contest"], entry__status__in=("awarded", "not_awarded")
    )
    winners = members.filter(entry__status="awarded")
    assert Certificate.objects.filter(kind="participation").count() == members.count()
    assert Certificate.objects.filter(kind="award").count() == winners.count()
    grand = world["entries"]["WSCE21-S-0001"]
    award = Certificate.objects.filter(entry=grand, kind="award").first()
    assert (award.tier_name, award.amount) == ("대상 (국토교통부 장관상)", 50_000_000)
    assert "*" in award.recipient_masked and award.recipient_masked != award.recipient_name
    batch = CertificateBatch.objects.get()
    assert (batch.issued, batch.skipped, batch.problems) == (
        members.count() + winners.count(),
        0,
        [],
    )
    assert AuditRecord.objects.filter(action="certificates.issue").exists()
    # again: nothing new, every certificate unchanged
    issue(organizer, world["contest"], django_capture_on_commit_callbacks)
    again = CertificateBatch.objects.first()
    assert (again.issued, again.unchanged) == (0, members.count() + winners.count())
    assert Certificate.objects.count() == members.count() + winners.count()


def test_the_entrant_downloads_a_korean_pdf(issued):
    entry = issued["entries"]["WSCE21-S-0001"]
    leader = entry.members.get(is_leader=True)
    cert = Certificate.objects.get(entry=entry, kind="award", recipient_key=f"member:{leader.pk}")
    response = client_for(entry.owner).get(
        f"/api/v1/entries/{entry.pk}/certificate/", {"serial": cert.serial.lower()}
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="award-{cert.serial}.pdf"'
    text = text_of(response.content)
    for expected in (
        "상장",
        "대상(국토교통부장관상)",
        leader.name,
        entry.team_name.replace(" ", ""),
        leader.university,
        "상금50,000,000원",
        cert.serial,
        "2021월드스마트시티엑스포조직위원회",
        "조직위원장",
    ):
        assert expected in text, expected
    assert "\ufffd" not in text and "□" not in text  # no missing glyphs
    # the same bytes every time: rendered on demand, not stored
    again = client_for(entry.owner).get(
        f"/api/v1/entries/{entry.pk}/certificate/", {"serial": cert.serial}
    )
    assert again.content == response.content
    # the entry page lists it and the page route serves it
    page = Client()
    page.force_login(entry.owner)
    html = page.get(f"/entries/{entry.pk}/").content.decode()
    assert cert.serial in html and f"/verify/{cert.serial}" in html
    assert page.get(f"/entries/{entry.pk}/certificates/{cert.serial}.pdf").status_code == 200


def test_downloads_are_the_owners_and_organizers_only(issued, organizer):
    entry = issued["entries"]["WSCE21-S-0002"]
    cert = Certificate.objects.filter(entry=entry).first()
    url = f"/api/v1/entries/{entry.pk}/certificate/?serial={cert.serial}"
    other = issued["entries"]["WSCE21-S-0003"].owner
    statuses = [
        client_for(u).get(url).status_code
        for u in (entry.owner, organizer, other, issued["judges"][0], user_make(Role.ORGANIZER))
    ]
    assert statuses == [200, 200, 404, 404, 404]
    assert client_for(None).get(url).status_code == 401
    listing = client_for(other).get(f"/api/v1/entries/{entry.pk}/certificates/")
    assert listing.status_code == 404


def test_verification_valid_mistyped_unknown_and_revoked(issued, organizer):
    cert = Certificate.objects.filter(kind="award").order_by("pk").first()
    page = Client()
    valid = page.get(f"/verify/{cert.serial}")
    html = valid.content.decode()
    assert valid.status_code == 200
    assert "진본 상장입니다." in html
    assert cert.recipient_masked in html and cert.recipient_name not in html
    assert cert.tier_name in html and issued["contest"].title_ko in html
    # as typed from paper: lower case, spaces instead of hyphens, O for 0
    typed = cert.serial.lower().replace("-", " ")
    mistyped = page.get(f"/verify/{typed}")
    assert mistyped.status_code == 302 and mistyped["Location"] == f"/verify/{cert.serial}"
    assert page.get(f"/verify/{cert.serial}/").status_code == 200  # the trailing slash too
    form = page.get("/verify/", {"serial": typed})
    assert form["Location"] == f"/verify/{cert.serial}"
    api = client_for(None).get(f"/api/v1/verify/{typed}/").json()
    assert api["status"] == "valid" and api["name"] == cert.recipient_masked
    assert api["serial"] == cert.serial and api["award"] == cert.tier_name

    unknown = serial_generate()
    missing = page.get(f"/verify/{unknown}")
    assert missing.status_code == 404
    assert "이 일련번호로 발급된 상장이 없습니다." in missing.content.decode()
    body = client_for(None).get(f"/api/v1/verify/{unknown}/").json()
    assert body["code"] == "certificate_unknown"
    assert page.get("/verify/not-a-serial").status_code == 404

    publication.results_unpublish(user=organizer, contest=issued["contest"], reason="정정")
    revoked = page.get(f"/verify/{cert.serial}")
    assert revoked.status_code == 200
    assert "취소된 상장입니다." in revoked.content.decode()
    assert client_for(None).get(f"/api/v1/verify/{cert.serial}/").json()["status"] == "revoked"
    # the entrant can no longer download it
    entry = cert.entry
    response = client_for(entry.owner).get(
        f"/api/v1/entries/{entry.pk}/certificate/?serial={cert.serial}"
    )
    assert response.status_code == 404


def test_verification_is_rate_limited(settings):
    settings.VERIFY_RATE = "3/minute"
    page = Client()
    serial = serial_generate()
    assert [page.get(f"/verify/{serial}").status_code for _ in range(3)] == [404] * 3
    throttled = page.get(f"/verify/{serial}")
    assert throttled.status_code == 429 and int(throttled["Retry-After"]) >= 1
    api = client_for(None).get(f"/api/v1/verify/{serial}/")
    assert api.status_code == 429 and api.json()["code"] == "throttled"


def test_republishing_reinstates_unchanged_certificates(
    issued, organizer, django_capture_on_commit_callbacks
):
    contest = issued["contest"]
    before = {c.serial: c.content_sha256 for c in Certificate.objects.all()}
    publication.results_unpublish(user=organizer, contest=contest, reason="정정")
    assert not Certificate.objects.filter(revoked_at__isnull=True).exists()
    publication.allocation_approve(user=organizer, contest=contest)
    with django_capture_on_commit_callbacks(execute=True):
        publication.results_publish(user=organizer, contest=contest)
    live = Certificate.objects.filter(revoked_at__isnull=True)
    assert {c.serial for c in live} == set(before)  # same outcome: same serials, valid again
    assert {c.publication.version for c in live} == {2}
    batch = CertificateBatch.objects.first()
    assert (batch.reinstated, batch.issued) == (len(before), 0)


def test_text_the_font_cannot_print_is_reported_and_skipped(
    world, organizer, django_capture_on_commit_callbacks
):
    entry = world["entries"]["WSCE21-S-0005"]
    Entry.objects.filter(pk=entry.pk).update(title="스마트 漢字 도시 🚌")
    issue(organizer, world["contest"], django_capture_on_commit_callbacks)
    batch = CertificateBatch.objects.get()
    assert batch.skipped == 1
    assert batch.problems == [{"entry": "WSCE21-S-0005", "fields": {"entry_title": "漢字🚌"}}]
    assert not Certificate.objects.filter(entry=entry).exists()
    assert Certificate.objects.exclude(entry=entry).exists()
    page = Client()
    page.force_login(organizer)
    html = page.get(f"/contests/{world['contest'].slug}/manage/after/").content.decode()
    assert "WSCE21-S-0005" in html and "漢字🚌" in html


def test_a_serial_clash_is_drawn_again(
    world, organizer, django_capture_on_commit_callbacks, monkeypatch
):
    taken = serial_generate()
    Certificate.objects.create(
        serial=taken,
        contest=world["contest"],
        publication=Publication.objects.get(contest=world["contest"]),
        entry=world["entries"]["WSCE21-S-0006"],
        kind="participation",
        recipient_key="other",
        recipient_name="기존",
        recipient_masked="기*",
        content_sha256="0" * 64,
        issued_on="2021-10-01",
    )
    draws = iter([taken, taken])
    monkeypatch.setattr(
        certificates_issue, "serial_generate", lambda: next(draws, None) or serial_generate()
    )
    issue(organizer, world["contest"], django_capture_on_commit_callbacks)
    serials = list(Certificate.objects.values_list("serial", flat=True))
    assert len(serials) == len(set(serials)) and serials.count(taken) == 1
    assert CertificateBatch.objects.get().issued == len(serials) - 1


def test_organizers_download_a_streamed_zip(issued, organizer):
    contest = issued["contest"]
    response = client_for(organizer).get(f"/api/v1/contests/{contest.slug}/certificates.zip")
    assert response.status_code == 200 and response.streaming
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = archive.namelist()
    assert len(names) == Certificate.objects.count()
    assert all(
        re.fullmatch(r"WSCE21-S-\d{4}-(award|participation)-WSCE21-C-[-0-9A-Z]+\.pdf", n)
        for n in names
    )
    awards = client_for(organizer).get(
        f"/api/v1/contests/{contest.slug}/certificates.zip", {"kind": "award"}
    )
    assert len(zipfile.ZipFile(io.BytesIO(b"".join(awards.streaming_content))).namelist()) == (
        Certificate.objects.filter(kind="award").count()
    )
    page = Client()
    page.force_login(organizer)
    assert page.get(f"/contests/{contest.slug}/manage/after/certificates.zip").status_code == 200
    for user in (user_make(Role.ORGANIZER), issued["entries"]["WSCE21-S-0001"].owner):
        assert (
            client_for(user).get(f"/api/v1/contests/{contest.slug}/certificates.zip").status_code
            == 404
        )


def test_the_design_takes_a_logo_and_refuses_what_it_cannot_print(world, organizer):
    contest = world["contest"]
    page = Client()
    page.force_login(organizer)
    logo = io.BytesIO()
    Image.new("RGB", (3000, 1000), (31, 58, 95)).save(logo, "PNG")
    logo.seek(0)
    logo.name = "logo.png"
    response = page.post(
        f"/contests/{contest.slug}/manage/after/design/",
        {
            "issuer": "LH 한국토지주택공사",
            "signatory_title": "사장",
            "signatory_name": "김철수",
            "accent": "#0b5cab",
            "logo": logo,
        },
    )
    assert response.status_code == 302
    design = CertificateDesign.objects.get(contest=contest)
    stored = Image.open(io.BytesIO(bytes(design.logo)))
    assert stored.width <= 900 and stored.height <= 270  # scaled once, not per certificate
    before = (design.issuer, design.signatory_name, bytes(design.logo))
    refused = page.post(
        f"/contests/{contest.slug}/manage/after/design/",
        {"issuer": "組織委員會", "signatory_title": "사장", "signatory_name": "김철수"},
        follow=True,
    )
    assert "組織委員會" in refused.content.decode()  # named in the error message
    design.refresh_from_db()
    assert (design.issuer, design.signatory_name, bytes(design.logo)) == before
    preview = page.get(f"/contests/{contest.slug}/manage/after/certificates/preview.pdf")
    assert preview.status_code == 200 and "LH한국토지주택공사" in text_of(preview.content)


def test_the_purge_blanks_non_winners_names_but_keeps_verification(
    issued, organizer, django_capture_on_commit_callbacks
):
    contest = issued["contest"]
    loser = issued["entries"]["WSCE21-S-0005"]
    winner = issued["entries"]["WSCE21-S-0001"]
    cert = Certificate.objects.filter(entry=loser).first()
    Publication.objects.filter(contest=contest).update(
        published_at=cert.issued_at.replace(year=cert.issued_at.year - 1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_personal_data", stdout=io.StringIO())
    cert.refresh_from_db()
    assert cert.recipient_name == "" and cert.data == {}
    assert Certificate.objects.filter(entry=winner).exclude(recipient_name="").exists()
    body = client_for(None).get(f"/api/v1/verify/{cert.serial}/").json()
    assert body["status"] == "valid" and body["name"] == cert.recipient_masked
    response = client_for(loser.owner).get(
        f"/api/v1/entries/{loser.pk}/certificate/?serial={cert.serial}"
    )
    assert response.status_code == 404


def test_certificate_lists_keep_their_query_count(issued, organizer, django_assert_num_queries):
    entry = issued["entries"]["WSCE21-S-0001"]
    api = client_for(entry.owner)
    certs = list(Certificate.objects.filter(entry=entry).order_by("pk"))
    assert len(certs) >= 3
    for n in (1, 3):
        Certificate.objects.filter(pk__in=[c.pk for c in certs[n:]]).update(recipient_name="")
        Certificate.objects.filter(pk__in=[c.pk for c in certs[:n]]).update(recipient_name="이름")
        with django_assert_num_queries(6):  # token, entry with members, consents, files; list
            body = api.get(f"/api/v1/entries/{entry.pk}/certificates/").json()
        assert len(body) == n
    assert mail.outbox == []
