"""URLs of what follows publication (``results.views_after``), included by ``results.urls``."""

from django.urls import path

from results import views_after as views

urlpatterns = [
    path("verify/", views.verify_form, name="certificate-verify-form"),
    # printed in the QR code as SITE_URL/verify/<serial>; typed with a trailing slash too
    path("verify/<str:serial>", views.verify, name="certificate-verify"),
    path("verify/<str:serial>/", views.verify, name="certificate-verify-slash"),
    path(
        "entries/<uuid:entry_id>/certificates/<str:serial>.pdf",
        views.entry_certificate,
        name="entry-certificate",
    ),
    path("entries/<uuid:entry_id>/appeal/", views.entry_appeal, name="entry-appeal"),
    path("contests/<slug:slug>/manage/after/", views.organizer_after, name="organizer-after"),
    path(
        "contests/<slug:slug>/manage/after/comments/",
        views.organizer_comments,
        name="organizer-comments",
    ),
    path(
        "contests/<slug:slug>/manage/after/certificates/",
        views.organizer_certificates_issue,
        name="organizer-certificates-issue",
    ),
    path(
        "contests/<slug:slug>/manage/after/certificates.zip",
        views.organizer_certificates_zip,
        name="organizer-certificates-zip",
    ),
    path(
        "contests/<slug:slug>/manage/after/certificates/preview.pdf",
        views.organizer_certificate_preview,
        name="organizer-certificate-preview",
    ),
    path(
        "contests/<slug:slug>/manage/after/design/",
        views.organizer_certificate_design,
        name="organizer-certificate-design",
    ),
    path(
        "contests/<slug:slug>/manage/after/appeals/<id:appeal_id>/",
        views.organizer_appeal,
        name="organizer-appeal",
    ),
]
