"""The deadline's busiest request in a fixed number of queries (bench/bench_http.py measures
its throughput; this pins its round trips so a change can't quietly add one)."""

from tests.conftest import client_for
from tests.submissions.conftest import drawing_payload, request_slot


def test_an_upload_slot_is_three_queries_token_entry_insert(
    open_wsce, guardian, django_assert_num_queries
):
    client = client_for(guardian)
    entry_id = client.post(
        "/api/v1/contests/wsce2021-drawing/entries/", drawing_payload(), format="json"
    ).json()["id"]
    for _ in range(2):
        with django_assert_num_queries(3):
            response = request_slot(client, entry_id, size=1_000_000)
        assert response.status_code == 201
