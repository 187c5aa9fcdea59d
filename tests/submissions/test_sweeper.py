import os
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from core.storage.objectstore import object_save, object_size
from submissions.models import EntryFile
from tests.submissions.badfiles import good_jpeg
from tests.submissions.conftest import client_for, drawing_payload, request_slot, upload

pytestmark = pytest.mark.django_db


def age(key: str, hours: int, storage_root) -> None:
    path = os.path.join(storage_root, key)
    past = time.time() - hours * 3600
    os.utime(path, (past, past))


def test_sweeper_removes_orphans_and_expired_slots_only(open_wsce, guardian, settings, capsys):
    root = settings.STORAGES["default"]["OPTIONS"]["location"]
    client = client_for(guardian)
    entry_id = client.post(
        "/api/v1/contests/wsce2021-drawing/entries/", drawing_payload(), format="json"
    ).json()["id"]
    upload(client, entry_id, "drawing", good_jpeg(), content_type="image/jpeg")
    kept = EntryFile.objects.get(entry_id=entry_id)
    age(kept.key, 48, root)
    # An object nobody refers to (a crash between storing and recording), two days old …
    orphan = f"contests/{kept.contest_id}/entries/{entry_id}/dead/original"
    object_save(key=orphan, data=b"x", content_type="image/jpeg")
    age(orphan, 48, root)
    # … one written a minute ago (an upload in progress must survive) …
    fresh = f"contests/{kept.contest_id}/entries/{entry_id}/fresh/original"
    object_save(key=fresh, data=b"y", content_type="image/jpeg")
    # … and a slot that expired two days ago without its file being confirmed.
    stale = request_slot(client, entry_id, size=5).json()
    EntryFile.objects.filter(pk=stale["upload_id"]).update(
        expires_at=timezone.now() - timedelta(days=2)
    )

    call_command("sweep_uploads", "--dry-run")
    assert object_size(key=orphan) == 1  # a dry run deletes nothing
    call_command("sweep_uploads")
    out = capsys.readouterr().out
    assert "deleted 1 expired upload slots and 1 unreferenced objects; kept 1" in out
    assert object_size(key=orphan) is None
    assert object_size(key=fresh) == 1
    assert object_size(key=kept.key) is not None
    assert list(EntryFile.objects.values_list("pk", flat=True)) == [kept.pk]
