from django.shortcuts import get_object_or_404
from rest_framework import generics
from rest_framework.permissions import AllowAny

from api.serializers import ContestDetailSerializer, ContestListSerializer
from contests.selectors import contest_detail_queryset, contests_visible_to


class ContestListView(generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = ContestListSerializer

    def get_queryset(self):
        return contests_visible_to(self.request.user).order_by("opens_at", "slug")


class ContestDetailView(generics.RetrieveAPIView):
    permission_classes = [AllowAny]
    serializer_class = ContestDetailSerializer
    lookup_field = "slug"

    def get_object(self):
        return get_object_or_404(
            contest_detail_queryset(self.request.user), slug=self.kwargs["slug"]
        )
