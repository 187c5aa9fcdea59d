"""The consent texts entrants agree to. A change of wording gets a new version; the version
agreed to is stored with each consent as evidence."""

from django.utils.translation import gettext_lazy as _

from submissions.enums import ConsentKind

CONSENT_VERSIONS: dict[str, str] = {
    ConsentKind.PRIVACY: "2021-05",
    ConsentKind.ORIGINALITY: "2021-05",
    ConsentKind.GUARDIAN: "2021-05",
    ConsentKind.PUBLISH_NAME: "2021-05",
    ConsentKind.PUBLISH_WORK: "2021-05",
}

CONSENT_TEXTS = {
    ConsentKind.PRIVACY: _(
        "I agree that the organizer collects and uses the names, universities, departments, "
        "emails and phone numbers of the team to run the contest, and keeps them until the "
        "appeal window after the results ends."
    ),
    ConsentKind.ORIGINALITY: _(
        "We pledge that the proposal is our own original work, has not won another award, and "
        "does not name our team or university (blind review)."
    ),
    ConsentKind.GUARDIAN: _(
        "As the child's legal guardian I consent to the collection and use of my child's name, "
        "birth date, school and drawing for this contest (Personal Information Protection Act, "
        "art. 22-2)."
    ),
    ConsentKind.PUBLISH_NAME: _(
        "If the drawing wins, the child's name may be published masked (for example 김*수) "
        "together with the school."
    ),
    ConsentKind.PUBLISH_WORK: _("If the drawing wins, the drawing may be shown in the gallery."),
}

REQUIRED_BY_TRACK = {
    "S": (ConsentKind.PRIVACY, ConsentKind.ORIGINALITY),
    "D": (ConsentKind.GUARDIAN,),
}
ALLOWED_BY_TRACK = {
    "S": (ConsentKind.PRIVACY, ConsentKind.ORIGINALITY),
    "D": (ConsentKind.GUARDIAN, ConsentKind.PUBLISH_NAME, ConsentKind.PUBLISH_WORK),
}
