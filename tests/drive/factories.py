"""Drive entries for the tests, made through the services so they follow the drive's rules."""

from __future__ import annotations

import hashlib

from django.core.files.uploadedfile import SimpleUploadedFile

from drive import services


def upload(account, name="notes.txt", data=b"Bonjour", *, space="my_files", parent=None, user=None, **kwargs):
    return services.file_upload(
        account=account,
        space=space,
        parent=parent,
        upload=SimpleUploadedFile(name, data),
        sha256=hashlib.sha256(data).hexdigest(),
        user=user,
        content_type="text/plain",
        **kwargs,
    )


def folder(account, name="Dossier", *, space="my_files", parent=None, user=None, read_only=False):
    return services.folder_create(
        account=account, space=space, parent=parent, name=name, user=user, read_only=read_only
    )
