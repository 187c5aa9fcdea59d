"""Entry endpoints: parse → one service or selector → render."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from api.entry_serializers import (
    CodeSerializer,
    EntrySerializer,
    EntryWriteSerializer,
    ExtensionSerializer,
    FileSerializer,
    InvitationConfirmSerializer,
    InvitationSerializer,
    ScreenSerializer,
    UploadRequestSerializer,
    entry_rows,
)
from api.throttling import UploadSlotThrottle
from contests.permissions import is_contest_organizer
from contests.phases import outcome_visible
from contests.selectors import contests_visible_to
from submissions.enums import EntryStatus
from submissions.permissions import OUTCOME_STATUSES
from submissions.selectors import (
    entries_filter,
    entries_for_list,
    entries_visible_to,
    entry_get_own,
    entry_get_own_for_slot,
    entry_get_visible,
    entry_rows_complete,
)
from submissions.services import entries as entry_services
from submissions.services import files as file_services
from submissions.services.members import member_confirm, member_invitation_get, member_invite
from submissions.services.verification import guardian_code_send, guardian_code_verify


def _for_viewer(user, contest, row: dict, organizes: dict) -> dict:
    """An entrant reads advancement and awards only from publication on (DOMAIN §2); the
    contest's organizers read the status as it is. Asks who organizes only when it matters."""
    if row["status"] not in OUTCOME_STATUSES or outcome_visible(contest):
        return row
    if contest.pk not in organizes:
        organizes[contest.pk] = is_contest_organizer(user, contest)
    return row if organizes[contest.pk] else {**row, "status": EntryStatus.IN_JUDGING}


def _entry_response(user, entry_id, code=status.HTTP_200_OK) -> Response:
    entry = entry_get_visible(user, entry_id)
    return Response(_for_viewer(user, entry.contest, EntrySerializer(entry).data, {}), status=code)


class ContestEntriesView(APIView):
    @extend_schema(request=EntryWriteSerializer, responses={201: EntrySerializer})
    def post(self, request, slug):
        contest = get_object_or_404(contests_visible_to(request.user), slug=slug)
        payload = EntryWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data, _fields = payload.to_input()
        entry = entry_services.entry_create(user=request.user, contest=contest, data=data)
        return _entry_response(request.user, entry.pk, status.HTTP_201_CREATED)


class EntryListView(generics.ListAPIView):
    """Own entries; organizers also see their contests' entries (?contest=&division=&status=
    &duplicate=1: possible duplicates of a child, in contests they organize)."""

    serializer_class = EntrySerializer

    def get_queryset(self):
        params = self.request.query_params
        qs = entries_filter(
            entries_visible_to(self.request.user),
            contest=params.get("contest", ""),
            division=params.get("division", ""),
            status=params.get("status", ""),
            duplicate=params.get("duplicate", ""),
            user=self.request.user,
        )
        return entries_for_list(qs).order_by("-created_at", "id")

    def list(self, request, *args, **kwargs):
        """Rows from plain values, built directly; ``EntrySerializer`` stays the declared shape
        of each row (and of the schema), and tests hold the two equal."""
        rows = entry_rows_complete(self.paginate_queryset(self.get_queryset()))
        organizes: dict = {}
        data = [
            _for_viewer(request.user, row["contest"], out, organizes)
            for row, out in zip(rows, entry_rows(rows), strict=True)
        ]
        return self.get_paginated_response(data)


class EntryDetailView(APIView):
    @extend_schema(responses=EntrySerializer)
    def get(self, request, entry_id):
        return _entry_response(request.user, entry_id)

    @extend_schema(request=EntryWriteSerializer, responses=EntrySerializer)
    def patch(self, request, entry_id):
        entry = entry_get_visible(request.user, entry_id)
        payload = EntryWriteSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        data, fields = payload.to_input()
        entry_services.entry_update(user=request.user, entry=entry, data=data, fields=fields)
        return _entry_response(request.user, entry_id)


class UploadRequestView(APIView):
    throttle_classes = [UploadSlotThrottle]

    @extend_schema(
        request=UploadRequestSerializer,
        responses={
            201: inline_serializer(
                "UploadTicket",
                {
                    "upload_id": serializers.UUIDField(),
                    "method": serializers.CharField(),
                    "url": serializers.CharField(),
                    "fields": serializers.DictField(),
                    "expires_at": serializers.DateTimeField(),
                },
            )
        },
    )
    def post(self, request, entry_id):
        entry = entry_get_own_for_slot(request.user, entry_id)
        payload = UploadRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        record, ticket = file_services.upload_request(
            user=request.user, entry=entry, **payload.validated_data
        )
        return Response(
            {
                "upload_id": record.pk,
                "method": ticket.method,
                "url": request.build_absolute_uri(ticket.url),  # S3's absolute URL stays as is
                "fields": ticket.fields,
                "expires_at": ticket.expires_at,
            },
            status=status.HTTP_201_CREATED,
        )


class UploadCompleteView(APIView):
    @extend_schema(
        request=None,
        responses={200: inline_serializer("UploadComplete", {"file": FileSerializer()})},
    )
    def post(self, request, entry_id, upload_id):
        entry = entry_get_own(request.user, entry_id)
        record = file_services.upload_confirm(user=request.user, entry=entry, upload_id=upload_id)
        return Response({"file": FileSerializer(record).data})


class EntryFileView(APIView):
    @extend_schema(
        responses={
            200: inline_serializer(
                "FileUrl",
                {"url": serializers.CharField(), "expires_in": serializers.IntegerField()},
            )
        }
    )
    def get(self, request, entry_id, file_id):
        """A short-lived signed URL of the original file, for its owner and organizers."""
        entry = entry_get_visible(request.user, entry_id)
        url, expires_in = file_services.file_url(user=request.user, entry=entry, file_id=file_id)
        return Response({"url": url, "expires_in": expires_in})

    @extend_schema(responses={204: None})
    def delete(self, request, entry_id, file_id):
        entry = entry_get_visible(request.user, entry_id)
        file_services.file_delete(user=request.user, entry=entry, file_id=file_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class EntrySubmitView(APIView):
    @extend_schema(request=None, responses=EntrySerializer)
    def post(self, request, entry_id):
        entry = entry_get_visible(request.user, entry_id)
        entry_services.entry_submit(user=request.user, entry=entry)
        return _entry_response(request.user, entry_id)


class EntryWithdrawView(APIView):
    @extend_schema(request=None, responses=EntrySerializer)
    def post(self, request, entry_id):
        entry = entry_get_visible(request.user, entry_id)
        entry_services.entry_withdraw(user=request.user, entry=entry)
        return _entry_response(request.user, entry_id)


class EntryScreenView(APIView):
    @extend_schema(request=ScreenSerializer, responses=EntrySerializer)
    def post(self, request, entry_id):
        entry = entry_get_visible(request.user, entry_id)
        payload = ScreenSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        entry_services.entry_screen(user=request.user, entry=entry, **payload.validated_data)
        return _entry_response(request.user, entry_id)


class EntryExtensionView(APIView):
    @extend_schema(request=ExtensionSerializer, responses=EntrySerializer)
    def post(self, request, entry_id):
        entry = entry_get_visible(request.user, entry_id)
        payload = ExtensionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        entry_services.entry_extension_grant(
            user=request.user, entry=entry, **payload.validated_data
        )
        return _entry_response(request.user, entry_id)


class VerificationSendView(APIView):
    throttled_by_service = True  # codes per hour per account (DOMAIN §3): 429 in the schema

    @extend_schema(
        request=None,
        responses={
            202: inline_serializer("VerificationSent", {"sent_to": serializers.CharField()})
        },
    )
    def post(self, request):
        verification = guardian_code_send(user=request.user)
        return Response({"sent_to": verification.destination}, status=status.HTTP_202_ACCEPTED)


class VerificationConfirmView(APIView):
    throttled_by_service = True

    @extend_schema(
        request=CodeSerializer,
        responses={
            200: inline_serializer("Verified", {"verified_at": serializers.DateTimeField()})
        },
    )
    def post(self, request):
        payload = CodeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        verified_at = guardian_code_verify(user=request.user, code=payload.validated_data["code"])
        return Response({"verified_at": verified_at})


class MemberInviteView(APIView):
    throttled_by_service = True  # one invitation per member per 10 minutes: 429 in the schema

    @extend_schema(
        request=None,
        responses={
            202: inline_serializer("InvitationSent", {"invited_at": serializers.DateTimeField()})
        },
    )
    def post(self, request, entry_id, member_id):
        """The leader sends a member's invitation again (the previous link stops working); at
        most once every 10 minutes per member (429 ``too_many_invitations``)."""
        entry = entry_get_visible(request.user, entry_id)
        member = member_invite(user=request.user, entry=entry, member_id=member_id)
        return Response({"invited_at": member.invited_at}, status=status.HTTP_202_ACCEPTED)


class InvitationView(APIView):
    """An invited team member's view of the invitation; the link's token is the proof of the
    address, so no account is needed."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(responses=InvitationSerializer)
    def get(self, request, token):
        return Response(InvitationSerializer(member_invitation_get(token=token)).data)


class InvitationConfirmView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=InvitationConfirmSerializer,
        responses={
            200: inline_serializer(
                "InvitationConfirmed", {"confirmed_at": serializers.DateTimeField()}
            )
        },
    )
    def post(self, request, token):
        """The member confirms, agreeing to the privacy text (its version is recorded)."""
        member_invitation_get(token=token)  # a forged link: 404 before anything else
        payload = InvitationConfirmSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        member = member_confirm(token=token, consent=payload.validated_data["consent"])
        return Response({"confirmed_at": member.confirmed_at})
