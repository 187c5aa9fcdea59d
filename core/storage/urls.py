"""Filesystem mode's upload and download endpoints; include at the site root:

    path("", include("core.storage.urls")),

so that ``/uploads/`` and ``/files/<token>/`` are what ``objectstore`` hands out.
"""

from django.urls import path

from core.storage import endpoint

urlpatterns = [
    path("uploads/", endpoint.upload_receive, name="storage-upload"),
    path("files/<str:token>/", endpoint.file_serve, name="storage-file"),
]
