from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api.views import accounts, after, audit, contests, entries, judging, pairwise, results
from api.views.jobs import JobView

urlpatterns = [
    path("auth/register/", accounts.RegisterView.as_view(), name="api-register"),
    path("auth/token/", accounts.TokenView.as_view(), name="api-token"),
    path("me/", accounts.MeView.as_view(), name="api-me"),
    path("contests/", contests.ContestListView.as_view(), name="api-contest-list"),
    path("contests/<slug:slug>/", contests.ContestDetailView.as_view(), name="api-contest-detail"),
    path("me/verification/", entries.VerificationSendView.as_view(), name="api-verify-send"),
    path(
        "me/verification/confirm/",
        entries.VerificationConfirmView.as_view(),
        name="api-verify-confirm",
    ),
    path(
        "contests/<slug:slug>/entries/",
        entries.ContestEntriesView.as_view(),
        name="api-contest-entries",
    ),
    path("entries/", entries.EntryListView.as_view(), name="api-entry-list"),
    path("entries/<str:entry_id>/", entries.EntryDetailView.as_view(), name="api-entry-detail"),
    path(
        "entries/<str:entry_id>/uploads/",
        entries.UploadRequestView.as_view(),
        name="api-upload-request",
    ),
    path(
        "entries/<str:entry_id>/uploads/<str:upload_id>/complete/",
        entries.UploadCompleteView.as_view(),
        name="api-upload-complete",
    ),
    path(
        "entries/<str:entry_id>/files/<str:file_id>/",
        entries.EntryFileView.as_view(),
        name="api-entry-file",
    ),
    path(
        "entries/<str:entry_id>/submit/", entries.EntrySubmitView.as_view(), name="api-entry-submit"
    ),
    path(
        "entries/<str:entry_id>/withdraw/",
        entries.EntryWithdrawView.as_view(),
        name="api-entry-withdraw",
    ),
    path(
        "entries/<str:entry_id>/screen/", entries.EntryScreenView.as_view(), name="api-entry-screen"
    ),
    path(
        "entries/<str:entry_id>/extension/",
        entries.EntryExtensionView.as_view(),
        name="api-entry-extension",
    ),
    path(
        "entries/<str:entry_id>/members/<str:member_id>/invite/",
        entries.MemberInviteView.as_view(),
        name="api-entry-member-invite",
    ),
    path(
        "team-invitations/<str:token>/",
        entries.InvitationView.as_view(),
        name="api-team-invitation",
    ),
    path(
        "team-invitations/<str:token>/confirm/",
        entries.InvitationConfirmView.as_view(),
        name="api-team-invitation-confirm",
    ),
    path("judging/assignments/", judging.JudgeAssignmentList.as_view(), name="api-judge-queue"),
    path(
        "judging/assignments/<id:assignment_id>/",
        judging.JudgeAssignmentDetail.as_view(),
        name="api-judge-assignment",
    ),
    path(
        "judging/assignments/<id:assignment_id>/recuse/",
        judging.RecuseView.as_view(),
        name="api-judge-recuse",
    ),
    path(
        "judging/assignments/<id:assignment_id>/scorecard/",
        judging.ScorecardView.as_view(),
        name="api-judge-scorecard",
    ),
    path(
        "judging/rounds/<id:pairwise_round_id>/pair/",
        pairwise.PairView.as_view(),
        name="api-judge-pair",
    ),
    path(
        "judging/comparisons/<id:comparison_id>/",
        pairwise.DecideView.as_view(),
        name="api-comparison-decide",
    ),
    path(
        "judging/comparisons/<id:comparison_id>/recuse/",
        pairwise.RecusePairView.as_view(),
        name="api-comparison-recuse",
    ),
    path(
        "rounds/<id:pairwise_round_id>/scale/",
        pairwise.ScaleView.as_view(),
        name="api-round-scale",
    ),
    path(
        "scorecards/<id:scorecard_id>/unlock/",
        judging.ScorecardUnlockView.as_view(),
        name="api-scorecard-unlock",
    ),
    path(
        "rounds/<id:round_id>/assignment/",
        judging.AssignmentRunView.as_view(),
        name="api-round-assignment",
    ),
    path(
        "rounds/<id:round_id>/progress/", judging.ProgressView.as_view(), name="api-round-progress"
    ),
    path("rounds/<id:round_id>/panel/", judging.PanelView.as_view(), name="api-round-panel"),
    path(
        "contests/<slug:slug>/conflicts/",
        judging.ConflictView.as_view(),
        name="api-contest-conflicts",
    ),
    path(
        "contests/<slug:slug>/judges/import/",
        judging.JudgesImportView.as_view(),
        name="api-judges-import",
    ),
    path(
        "rounds/<id:round_id>/rankings/",
        results.RoundRankingView.as_view(),
        name="api-round-rankings",
    ),
    path("rounds/<id:round_id>/advance/", results.AdvanceView.as_view(), name="api-round-advance"),
    path(
        "contests/<slug:slug>/rankings/final/",
        results.FinalRankingView.as_view(),
        name="api-final-ranking",
    ),
    path(
        "contests/<slug:slug>/allocation/", results.AllocationView.as_view(), name="api-allocation"
    ),
    path(
        "contests/<slug:slug>/allocation/boundaries/",
        results.BoundariesView.as_view(),
        name="api-allocation-boundaries",
    ),
    path(
        "contests/<slug:slug>/allocation/approve/",
        results.ApproveView.as_view(),
        name="api-allocation-approve",
    ),
    path("contests/<slug:slug>/publish/", results.PublishView.as_view(), name="api-publish"),
    path("contests/<slug:slug>/unpublish/", results.UnpublishView.as_view(), name="api-unpublish"),
    path("contests/<slug:slug>/results/", results.ResultsView.as_view(), name="api-results"),
    re_path(
        r"^contests/(?P<slug>[-\w]+)/exports/(?P<name>rankings|scorecards|payouts)"
        r"\.(?P<fmt>csv|xlsx)$",
        results.ExportView.as_view(),
        name="api-export",
    ),
    path("contests/<slug:slug>/audit/", audit.ContestAuditView.as_view(), name="api-contest-audit"),
    # after publication (DOMAIN §8): feedback, certificates, appeals, verification
    path("entries/<str:entry_id>/feedback/", after.FeedbackView.as_view(), name="api-feedback"),
    path(
        "entries/<str:entry_id>/certificates/",
        after.EntryCertificatesView.as_view(),
        name="api-entry-certificates",
    ),
    path(
        "entries/<str:entry_id>/certificate/",
        after.EntryCertificateView.as_view(),
        name="api-entry-certificate",
    ),
    path("entries/<str:entry_id>/appeal/", after.EntryAppealView.as_view(), name="api-appeal"),
    path(
        "contests/<slug:slug>/feedback/comments/",
        after.CommentListView.as_view(),
        name="api-comments",
    ),
    path(
        "contests/<slug:slug>/feedback/comments/<id:scorecard_id>/",
        after.CommentView.as_view(),
        name="api-comment",
    ),
    path("contests/<slug:slug>/appeals/", after.AppealListView.as_view(), name="api-appeals"),
    path(
        "contests/<slug:slug>/appeals/<id:appeal_id>/decision/",
        after.AppealDecisionView.as_view(),
        name="api-appeal-decision",
    ),
    path(
        "contests/<slug:slug>/certificates/",
        after.CertificatesView.as_view(),
        name="api-certificates",
    ),
    path(
        "contests/<slug:slug>/certificates.zip",
        after.CertificatesZipView.as_view(),
        name="api-certificates-zip",
    ),
    path("verify/<str:serial>/", after.VerifyView.as_view(), name="api-verify"),
    path("jobs/<id:job_id>/", JobView.as_view(), name="api-job"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # the split view serves its start-up script as a file: no inline script under our CSP
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
