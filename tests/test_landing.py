import pytest

from contests.seed import wsce2021_seed

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("who", "lands"),
    [
        ("judge", "/judging/"),
        ("student", "/me/entries/"),
        ("guardian", "/me/entries/"),
        ("organizer", "/contests/wsce2021-drawing/manage/"),
    ],
)
def test_each_role_lands_on_its_own_start_page(client, request, who, lands):
    drawing = wsce2021_seed()[1]
    user = request.getfixturevalue(who)
    drawing.organizers.add(request.getfixturevalue("organizer"))
    response = client.post(
        "/login/", {"username": user.username, "password": "correct-horse-battery"}, follow=True
    )
    assert response.redirect_chain[-1][0] == lands
    assert response.status_code == 200


def test_anonymous_landing_asks_to_log_in(client):
    response = client.get("/me/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
