from django.urls import path

from submissions import views

urlpatterns = [
    path("me/entries/", views.my_entries, name="my-entries"),
    path("me/verify/", views.verify, name="verify"),
    path("contests/<slug:slug>/enter/", views.entry_new, name="entry-new"),
    path("contests/<slug:slug>/manage/entries/", views.organizer_entries, name="organizer-entries"),
    path(
        "contests/<slug:slug>/manage/messages/",
        views.organizer_messages,
        name="organizer-messages",
    ),
    path("entries/<uuid:entry_id>/", views.entry_detail, name="entry-detail"),
    path("entries/<uuid:entry_id>/files/<uuid:file_id>/", views.entry_file, name="entry-file"),
    path("entries/<uuid:entry_id>/edit/", views.entry_edit, name="entry-edit"),
    path("entries/<uuid:entry_id>/receipt/", views.entry_receipt, name="entry-receipt"),
    path("entries/<uuid:entry_id>/submit/", views.entry_submit, name="entry-submit"),
    path("entries/<uuid:entry_id>/withdraw/", views.entry_withdraw, name="entry-withdraw"),
    path("entries/<uuid:entry_id>/screen/", views.entry_screen, name="entry-screen"),
    path("entries/<uuid:entry_id>/extension/", views.entry_extension, name="entry-extension"),
    path(
        "entries/<uuid:entry_id>/members/<id:member_id>/invite/",
        views.entry_member_invite,
        name="entry-member-invite",
    ),
    path("team/confirm/<str:token>/", views.team_confirm, name="team-confirm"),
]
