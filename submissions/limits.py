"""How long each text of an entry may be (DOMAIN §3): the one source for the models' columns,
the services' checks (whose messages the page and the API both show) and the forms' inputs."""

TEAM_NAME = 100
PROJECT_TITLE = 200
ABSTRACT = 1000  # Track S: "abstract (≤ 1,000 characters)"
DRAWING_TITLE = 50  # Track D: "drawing title (≤ 50 chars)"
DRAWING_DESCRIPTION = 300  # Track D: "description (≤ 300 chars)"
PERSON_NAME = 50
UNIVERSITY = 100
DEPARTMENT = 100
PHONE = 30
EMAIL = 254
SCHOOL = 100
GRADE = 20
RELATIONSHIP = 20
TEAM_SIZE = (2, 5)  # a leader and 1–4 members
