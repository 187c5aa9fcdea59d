"""Filesystem mode's upload and download endpoints; include at the site root:

    path("", include("submissions.storage_urls")),

so that ``/uploads/`` and ``/files/<token>/`` are what ``objectstore`` hands out.
"""

from django.urls import path

from submissions import storage_views

urlpatterns = [
    path("uploads/", storage_views.upload_receive, name="storage-upload"),
    path("files/<str:token>/", storage_views.file_serve, name="storage-file"),
]
