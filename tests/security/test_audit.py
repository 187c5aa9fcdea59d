"""DOMAIN §10 "Data": the audit trail is append-only and readable by that contest's organizers."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError
from django.test import Client
from django.urls import reverse

from accounts.enums import Role
from contests.models import Contest
from core.audit import audit_record
from core.models import AuditRecord, AuditRecordImmutable
from tests.conftest import client_for
from tests.factories import contest_make, user_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def trail(organizer):
    contest = contest_make()
    contest.organizers.add(organizer)
    other = contest_make()
    records = [
        audit_record(
            actor=organizer,
            action="scorecard.unlock",
            target=contest,
            contest=contest,
            before={"status": "submitted"},
            after={"status": "draft"},
            reason=f"정정 {i}",
        )
        for i in range(3)
    ]
    audit_record(actor=organizer, action="results.publish", target=other, contest=other)
    return contest, other, records


def snapshot():
    return list(AuditRecord.objects.order_by("pk").values())


def test_the_orm_refuses_to_change_or_delete_a_record(trail):
    contest, _other, records = trail
    before = snapshot()
    record = AuditRecord.objects.get(pk=records[0].pk)
    record.reason = "tampered"
    attempts = [
        record.save,
        lambda: record.save(update_fields=["reason"]),
        record.delete,
        lambda: AuditRecord.objects.filter(pk=record.pk).update(reason="tampered"),
        lambda: AuditRecord.objects.all().delete(),
        lambda: contest.audit_records.all().delete(),
        lambda: AuditRecord.objects.bulk_update([record], ["reason"]),
        lambda: AuditRecord.objects.update_or_create(pk=record.pk, defaults={"reason": "x"}),
        lambda: AuditRecord.objects.all()._raw_delete(using="default"),
    ]
    for attempt in attempts:
        with pytest.raises(AuditRecordImmutable), transaction.atomic():
            attempt()
    assert snapshot() == before


def test_new_records_are_still_written(trail):
    contest, _other, _records = trail
    count = AuditRecord.objects.count()
    audit_record(actor=None, action="ranking.compute", target=contest, contest=contest)
    assert AuditRecord.objects.count() == count + 1


def test_a_contest_or_actor_with_records_cannot_be_deleted(trail, organizer):

    contest, _other, _records = trail
    with pytest.raises(ProtectedError), transaction.atomic():
        Contest.objects.filter(pk=contest.pk).delete()
    with pytest.raises(ProtectedError), transaction.atomic():
        organizer.delete()


def test_the_admin_shows_records_but_offers_no_change_or_delete(trail, organizer):
    _contest, _other, records = trail
    organizer.is_superuser = True
    organizer.save()
    client = Client()
    client.force_login(organizer)
    before = snapshot()
    pk = records[0].pk
    assert client.get(reverse("admin:core_auditrecord_changelist")).status_code == 200
    change_url = reverse("admin:core_auditrecord_change", args=[pk])
    assert client.get(change_url).status_code == 200  # view-only page
    assert client.post(change_url, {"reason": "tampered"}).status_code == 403
    delete_url = reverse("admin:core_auditrecord_delete", args=[pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    response = client.post(
        reverse("admin:core_auditrecord_changelist"),
        {"action": "delete_selected", "_selected_action": [pk], "post": "yes"},
    )
    assert response.status_code in (200, 302, 403)
    assert client.post(reverse("admin:core_auditrecord_add"), {}).status_code == 403
    assert snapshot() == before


def test_organizers_of_the_contest_read_its_trail_newest_first(trail, organizer):
    contest, _other, records = trail
    response = client_for(organizer).get(f"/api/v1/contests/{contest.slug}/audit/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert [r["id"] for r in body["results"]] == [r.pk for r in reversed(records)]
    first = body["results"][-1]
    assert first["actor"] == organizer.username
    assert first["before"] == {"status": "submitted"}
    assert first["after"] == {"status": "draft"}
    assert first["reason"] == "정정 0"


def test_nobody_else_sees_the_trail(trail, judge, student, guardian):

    contest, other, _records = trail
    other_organizer = user_make(Role.ORGANIZER, is_staff=True)
    other.organizers.add(other_organizer)
    for user in (other_organizer, judge, student, guardian):
        response = client_for(user).get(f"/api/v1/contests/{contest.slug}/audit/")
        assert response.status_code == 404, user
        assert response.json()["code"] == "not_found"
    assert client_for(None).get(f"/api/v1/contests/{contest.slug}/audit/").status_code == 401


def test_the_api_offers_no_way_to_change_a_record(trail, organizer):
    contest, _other, _records = trail
    before = snapshot()
    client = client_for(organizer)
    url = f"/api/v1/contests/{contest.slug}/audit/"
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)(url, {"reason": "x"}, format="json")
        assert response.status_code == 405, method
    assert snapshot() == before


def test_audit_list_query_count_is_constant(trail, organizer, django_assert_num_queries):
    contest, _other, _records = trail
    client = client_for(organizer)
    url = f"/api/v1/contests/{contest.slug}/audit/"
    client.get(url)  # warm the token
    with django_assert_num_queries(6):
        assert client.get(url).status_code == 200
    for _ in range(3):
        audit_record(actor=organizer, action="x", target=contest, contest=contest)
    with django_assert_num_queries(6):
        assert client.get(url).status_code == 200


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL")
def test_the_database_refuses_update_and_delete_on_postgresql(trail):

    _contest, _other, records = trail
    before = snapshot()
    for sql in (
        "UPDATE core_auditrecord SET reason = 'tampered' WHERE id = %s",
        "DELETE FROM core_auditrecord WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [records[0].pk])
    assert snapshot() == before
