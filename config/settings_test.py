"""Test overrides: fast hashing, mail kept in memory, media in a temporary folder."""

import os
import tempfile

os.environ.setdefault("DJANGO_DEBUG", "1")

from config.settings import *

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; prod: Argon2
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = tempfile.mkdtemp(prefix="gongmo-test-media-")
if STORAGE_BACKEND == "filesystem":
    STORAGES["default"]["OPTIONS"]["location"] = MEDIA_ROOT
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
